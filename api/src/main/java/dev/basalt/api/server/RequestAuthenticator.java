package dev.basalt.api.server;

import io.javalin.http.Context;

/**
 * Decides who sent a request before any route runs. Throws
 * {@link dev.basalt.platform.errors.AuthenticationException} when the request carries no valid credentials;
 * the server maps it through the request's protocol like any other error.
 */
@FunctionalInterface
public interface RequestAuthenticator {
    void authenticate(Context ctx);
}
