package dev.basalt.platform.chat;

import dev.basalt.platform.errors.ValidationException;

/**
 * A prompt could not be rendered. It is a {@link ValidationException} so each protocol answers 400 with the
 * message: for {@link Kind#REJECTED} the message is the template's own {@code raise_exception} text
 * ("Conversation roles must alternate user/assistant/user/assistant/..."), which tells the caller how to fix the
 * request.
 */
public final class ChatTemplateException extends ValidationException {

    public enum Kind {
        /** The template refused the conversation with raise_exception. */
        REJECTED,
        /** The template is not valid Jinja, or failed while evaluating. */
        INVALID_TEMPLATE,
        /** The render went past a {@link TemplateLimits} bound. */
        LIMIT_EXCEEDED
    }

    private final Kind kind;

    public ChatTemplateException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
