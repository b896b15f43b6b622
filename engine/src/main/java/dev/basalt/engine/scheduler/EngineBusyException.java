package dev.basalt.engine.scheduler;

/** The admission queue is full; the caller should retry later (HTTP 429 with Retry-After). */
public final class EngineBusyException extends RuntimeException {
    public EngineBusyException(String message) {
        super(message);
    }
}
