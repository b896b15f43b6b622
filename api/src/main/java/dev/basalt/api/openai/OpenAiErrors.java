package dev.basalt.api.openai;

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
import java.util.LinkedHashMap;
import java.util.Map;

/** OpenAI's error shape: {@code {"error": {"message", "type", "param", "code"}}} with OpenAI's status codes. */
public final class OpenAiErrors implements ProtocolErrors {
    /** One error as OpenAI would answer it. */
    record OpenAiError(int status, String type, String code, String param, String message) {
        Map<String, Object> body() {
            Map<String, Object> error = new LinkedHashMap<>();
            error.put("message", message);
            error.put("type", type);
            error.put("param", param);
            error.put("code", code);
            return Map.of("error", error);
        }
    }

    @Override
    public void write(Context ctx, BasaltException error) {
        if (error instanceof ThrottledException e) {
            ctx.header("Retry-After", Long.toString(Math.max(1, e.retryAfter().toSeconds())));
        }
        send(ctx, of(error));
    }

    static OpenAiError of(BasaltException error) {
        String message = error.getMessage();
        return switch (error) {
            case ValidationException e -> new OpenAiError(400, "invalid_request_error", null, e.field().orElse(null), message);
            case RequestTooLargeException e -> new OpenAiError(413, "invalid_request_error", "request_too_large", null, message);
            case NotFoundException e -> new OpenAiError(404, "invalid_request_error", "not_found", null, message);
            case ConflictException e -> new OpenAiError(409, "invalid_request_error", "conflict", null, message);
            case AccessDeniedException e -> new OpenAiError(403, "permission_error", null, null, message);
            case AuthenticationException e -> new OpenAiError(401, "invalid_request_error",
                    e.reason() == AuthenticationException.Reason.MISSING ? null : "invalid_api_key", null, message);
            case ThrottledException e -> new OpenAiError(429, "requests", "rate_limit_exceeded", null, message);
            case DependencyFailedException e -> new OpenAiError(502, "api_error", "upstream_error", null, message);
            case ServiceUnavailableException e -> new OpenAiError(503, "api_error", "service_unavailable", null, message);
            case ModelNotReadyException e -> new OpenAiError(503, "api_error", "model_not_ready", null, message);
            case OperationTimeoutException e -> new OpenAiError(408, "timeout_error", "timeout", null, message);
            case InternalException e -> new OpenAiError(500, "server_error", null, null, message);
        };
    }

    /** Worded as OpenAI words it, so that tools which match on it behave the same. */
    @Override
    public void unknownRoute(Context ctx) {
        send(ctx, new OpenAiError(404, "invalid_request_error", null, null,
                "Invalid URL (" + ctx.method().name() + " " + ctx.path() + ")"));
    }

    private static void send(Context ctx, OpenAiError error) {
        ctx.status(error.status()).json(error.body());
    }
}
