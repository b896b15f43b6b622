package dev.basalt.platform.errors;

/**
 * A genuine bug: anything unexpected is wrapped in this before it reaches a protocol mapper. The client
 * sees only a generic message and the request id; the cause is logged.
 */
public final class InternalException extends BasaltException {
    public InternalException(Throwable cause) {
        super("The server encountered an internal error; the request id identifies it in the server log.", cause);
    }
}
