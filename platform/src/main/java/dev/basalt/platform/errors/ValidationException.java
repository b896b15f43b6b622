package dev.basalt.platform.errors;

/**
 * The request is malformed or breaks a rule (bad field, value out of range, malformed JSON). Not sealed, so a
 * capability can name its own kind of bad request (chat.ChatTemplateException) that every protocol already maps.
 */
public non-sealed class ValidationException extends BasaltException {
    public ValidationException(String message) {
        super(message);
    }
}
