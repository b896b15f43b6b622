package dev.basalt.platform.errors;

/** A system Basalt depends on for this request (a remote model provider, an HTTP action) failed. */
public final class DependencyFailedException extends BasaltException {
    public DependencyFailedException(String message) {
        super(message);
    }

    public DependencyFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
