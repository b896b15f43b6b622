package dev.basalt.platform.errors;

/** The request is malformed or breaks a rule (bad field, value out of range, malformed JSON). */
public non-sealed class ValidationException extends BasaltException {
    public ValidationException(String message) {
        super(message);
    }
}
