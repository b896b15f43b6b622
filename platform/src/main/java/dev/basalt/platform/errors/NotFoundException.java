package dev.basalt.platform.errors;

/** The named resource (model, knowledge base, job …) does not exist or is not visible to the caller. */
public final class NotFoundException extends BasaltException {
    public NotFoundException(String message) {
        super(message);
    }
}
