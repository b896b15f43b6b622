package dev.basalt.platform.documents;

import dev.basalt.platform.errors.ValidationException;

/**
 * A document could not be turned into text. It is a {@link ValidationException}, so each protocol answers 400 with
 * the message, which names the problem in the caller's terms (never a parser's class name or stack trace; the
 * parser's own exception, when there is one, is the cause, for logs).
 */
public final class DocumentException extends ValidationException {

    public enum Kind {
        /** Larger than {@link DocumentLimits#maxInputBytes()}. */
        TOO_LARGE,
        /** The bytes are not the declared format. */
        FORMAT_MISMATCH,
        /** No format was declared and the detected one is not a {@link DocumentFormat}. */
        UNSUPPORTED_FORMAT,
        /** Password-protected or encrypted. */
        ENCRYPTED,
        /** The bytes are of the right format but damaged, or the parser failed on them. */
        CORRUPT,
        /** The document holds no text (an image-only PDF, an empty file). */
        NO_TEXT,
        /** More text than {@link DocumentLimits#maxOutputChars()}. */
        TEXT_TOO_LONG,
        /** Parsing took longer than {@link DocumentLimits#timeout()}. */
        TIMEOUT
    }

    private final Kind kind;

    DocumentException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    DocumentException(Kind kind, String message, Throwable cause) {
        this(kind, message);
        initCause(cause);
    }

    public Kind kind() {
        return kind;
    }
}
