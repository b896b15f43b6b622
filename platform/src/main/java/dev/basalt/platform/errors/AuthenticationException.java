package dev.basalt.platform.errors;

/**
 * The caller could not be authenticated. {@link #reason()} tells each wire protocol which of its error types
 * to answer with (AWS distinguishes an unknown key from a bad signature; OpenAI answers 401 for both).
 */
public final class AuthenticationException extends BasaltException {
    public enum Reason {
        /** No credentials at all. */
        MISSING,
        /** Credentials present but unreadable (garbled Authorization header, missing signature parts). */
        MALFORMED,
        /** An access key id or API key this server does not know. */
        UNKNOWN_KEY,
        /** A known key, but the signature does not match the request. */
        BAD_SIGNATURE,
        /** The request's signing time is too far from the server's clock. */
        EXPIRED
    }

    private final Reason reason;

    public AuthenticationException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
