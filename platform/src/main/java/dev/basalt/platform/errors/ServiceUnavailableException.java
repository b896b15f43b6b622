package dev.basalt.platform.errors;

/** Basalt cannot serve the request right now (starting, draining, overloaded); the caller may retry. */
public final class ServiceUnavailableException extends BasaltException {
    public ServiceUnavailableException(String message) {
        super(message);
    }
}
