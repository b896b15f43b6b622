package dev.basalt.platform.errors;

/** The model exists but is not loaded yet; the caller should retry shortly. */
public final class ModelNotReadyException extends BasaltException {
    public ModelNotReadyException(String message) {
        super(message);
    }
}
