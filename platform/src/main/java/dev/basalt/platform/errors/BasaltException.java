package dev.basalt.platform.errors;

/**
 * Every failure the platform reports to a caller. The hierarchy is sealed so that each wire protocol's
 * single mapping point (Bedrock, OpenAI) must decide a status and error shape for every kind: adding a
 * kind here fails the build until every protocol maps it.
 *
 * <p>Messages are shown to clients as they are: they say what was wrong with the request, never how the
 * server is built (no class names, paths or stack traces).
 */
public abstract sealed class BasaltException extends RuntimeException
        permits ValidationException, RequestTooLargeException, NotFoundException, ConflictException,
                AccessDeniedException, AuthenticationException, ThrottledException, DependencyFailedException,
                ServiceUnavailableException, ModelNotReadyException, OperationTimeoutException,
                InternalException {

    protected BasaltException(String message) {
        super(message);
    }

    protected BasaltException(String message, Throwable cause) {
        super(message, cause);
    }
}
