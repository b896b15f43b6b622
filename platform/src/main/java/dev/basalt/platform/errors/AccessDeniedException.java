package dev.basalt.platform.errors;

/** The caller is authenticated but not allowed to do this. */
public final class AccessDeniedException extends BasaltException {
    public AccessDeniedException(String message) {
        super(message);
    }
}
