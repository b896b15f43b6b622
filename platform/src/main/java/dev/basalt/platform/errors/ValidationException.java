package dev.basalt.platform.errors;

import java.util.Optional;

/**
 * The request is malformed or breaks a rule (bad field, value out of range, malformed JSON). Not sealed, so a
 * capability can name its own kind of bad request (chat.ChatTemplateException) that every protocol already maps.
 * It may name the offending request field (OpenAI returns it as {@code param}).
 */
public non-sealed class ValidationException extends BasaltException {
    private final String field;

    public ValidationException(String message) {
        this(message, null);
    }

    public ValidationException(String message, String field) {
        super(message);
        this.field = field;
    }

    /** The request field at fault, when one is. */
    public Optional<String> field() {
        return Optional.ofNullable(field);
    }
}
