package dev.basalt.platform.errors;

import java.time.Duration;

/** The caller exceeded a rate or quota, or a queue is full; {@link #retryAfter()} says when to retry. */
public final class ThrottledException extends BasaltException {
    private final Duration retryAfter;

    public ThrottledException(String message, Duration retryAfter) {
        super(message);
        this.retryAfter = retryAfter;
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
