package dev.basalt.platform.errors;

/** The operation took longer than its time limit. */
public final class OperationTimeoutException extends BasaltException {
    public OperationTimeoutException(String message) {
        super(message);
    }
}
