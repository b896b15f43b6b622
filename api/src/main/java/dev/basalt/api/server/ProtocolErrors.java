package dev.basalt.api.server;

import dev.basalt.platform.errors.BasaltException;
import io.javalin.http.Context;

/** The single point where one wire protocol turns platform errors into its own status codes and error bodies. */
public interface ProtocolErrors {
    void write(Context ctx, BasaltException error);

    /** No route matches the request's method and path. */
    void unknownRoute(Context ctx);
}
