package dev.basalt.platform.errors;

/** The request body is larger than the configured limit. */
public final class RequestTooLargeException extends BasaltException {
    public RequestTooLargeException(String message) {
        super(message);
    }
}
