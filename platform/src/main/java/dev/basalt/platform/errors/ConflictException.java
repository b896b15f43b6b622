package dev.basalt.platform.errors;

/** The request conflicts with the current state (a name already taken, a resource in use). */
public final class ConflictException extends BasaltException {
    public ConflictException(String message) {
        super(message);
    }
}
