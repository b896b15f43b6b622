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
    @Override
    public void write(Context ctx, BasaltException error) {
        switch (error) {
            case ValidationException e -> send(ctx, 400, "invalid_request_error", null, e.getMessage());
            case RequestTooLargeException e -> send(ctx, 413, "invalid_request_error", "request_too_large", e.getMessage());
            case NotFoundException e -> send(ctx, 404, "invalid_request_error", "not_found", e.getMessage());
            case ConflictException e -> send(ctx, 409, "invalid_request_error", "conflict", e.getMessage());
            case AccessDeniedException e -> send(ctx, 403, "permission_error", null, e.getMessage());
            case AuthenticationException e -> send(ctx, 401, "invalid_request_error",
                    e.reason() == AuthenticationException.Reason.MISSING ? null : "invalid_api_key", e.getMessage());
            case ThrottledException e -> {
                ctx.header("Retry-After", Long.toString(Math.max(1, e.retryAfter().toSeconds())));
                send(ctx, 429, "requests", "rate_limit_exceeded", e.getMessage());
            }
            case DependencyFailedException e -> send(ctx, 502, "api_error", "upstream_error", e.getMessage());
            case ServiceUnavailableException e -> send(ctx, 503, "api_error", "service_unavailable", e.getMessage());
            case ModelNotReadyException e -> send(ctx, 503, "api_error", "model_not_ready", e.getMessage());
            case OperationTimeoutException e -> send(ctx, 408, "timeout_error", "timeout", e.getMessage());
            case InternalException e -> send(ctx, 500, "server_error", null, e.getMessage());
        }
    }

    /** Worded as OpenAI words it, so that tools which match on it behave the same. */
    @Override
    public void unknownRoute(Context ctx) {
        send(ctx, 404, "invalid_request_error", null,
                "Invalid URL (" + ctx.method().name() + " " + ctx.path() + ")");
    }

    private static void send(Context ctx, int status, String type, String code, String message) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("message", message);
        error.put("type", type);
        error.put("param", null);
        error.put("code", code);
        ctx.status(status).json(Map.of("error", error));
    }
}
