package dev.basalt.api.bedrock;

import dev.basalt.api.server.ProtocolErrors;
import dev.basalt.platform.errors.AccessDeniedException;
import dev.basalt.platform.errors.AuthenticationException;
import dev.basalt.platform.errors.BasaltException;
import dev.basalt.platform.errors.ConflictException;
import dev.basalt.platform.errors.DependencyFailedException;
import dev.basalt.platform.errors.InternalException;
import dev.basalt.platform.errors.ModelNotReadyException;
import dev.basalt.platform.errors.NotFoundException;
import dev.basalt.platform.errors.OperationTimeoutException;
import dev.basalt.platform.errors.RequestTooLargeException;
import dev.basalt.platform.errors.ServiceUnavailableException;
import dev.basalt.platform.errors.ThrottledException;
import dev.basalt.platform.errors.ValidationException;
import io.javalin.http.Context;
import java.util.Map;

/**
 * Bedrock's error shape, as the AWS SDKs parse it (restJson1): the status code, the error type in the
 * {@code x-amzn-ErrorType} header, and a body {@code {"message": "..."}}. The SDK raises the exception
 * class named by the type (e.g. {@code ValidationException}) with the message and the request id.
 */
public final class BedrockErrors implements ProtocolErrors {
    public static final String ERROR_TYPE_HEADER = "x-amzn-ErrorType";

    @Override
    public void write(Context ctx, BasaltException error) {
        switch (error) {
            case ValidationException e -> send(ctx, 400, "ValidationException", e.getMessage());
            case RequestTooLargeException e -> send(ctx, 413, "ValidationException", e.getMessage());
            case NotFoundException e -> send(ctx, 404, "ResourceNotFoundException", e.getMessage());
            case ConflictException e -> send(ctx, 409, "ConflictException", e.getMessage());
            case AccessDeniedException e -> send(ctx, 403, "AccessDeniedException", e.getMessage());
            case AuthenticationException e -> send(ctx, 403, authenticationErrorType(e.reason()), e.getMessage());
            case ThrottledException e -> {
                ctx.header("Retry-After", Long.toString(Math.max(1, e.retryAfter().toSeconds())));
                send(ctx, 429, "ThrottlingException", e.getMessage());
            }
            case DependencyFailedException e -> send(ctx, 424, "DependencyFailedException", e.getMessage());
            case ServiceUnavailableException e -> send(ctx, 503, "ServiceUnavailableException", e.getMessage());
            case ModelNotReadyException e -> send(ctx, 429, "ModelNotReadyException", e.getMessage());
            case OperationTimeoutException e -> send(ctx, 408, "ModelTimeoutException", e.getMessage());
            case InternalException e -> send(ctx, 500, "InternalServerException", e.getMessage());
        }
    }

    /** The error types AWS's front end answers with when a request cannot be authenticated. */
    private static String authenticationErrorType(AuthenticationException.Reason reason) {
        return switch (reason) {
            case MISSING -> "MissingAuthenticationTokenException";
            case MALFORMED -> "IncompleteSignatureException";
            case UNKNOWN_KEY -> "UnrecognizedClientException";
            case BAD_SIGNATURE, EXPIRED -> "InvalidSignatureException";
        };
    }

    /** AWS services answer an operation they do not have with {@code UnknownOperationException}. */
    @Override
    public void unknownRoute(Context ctx) {
        send(ctx, 404, "UnknownOperationException",
                "No operation matches " + ctx.method().name() + " " + ctx.path());
    }

    private static void send(Context ctx, int status, String type, String message) {
        ctx.status(status).header(ERROR_TYPE_HEADER, type).json(Map.of("message", message));
    }
}
