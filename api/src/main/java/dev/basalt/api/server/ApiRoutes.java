package dev.basalt.api.server;

import io.javalin.config.RoutesConfig;

/** One group of HTTP routes (a Bedrock service, the OpenAI API …) that the server mounts. */
@FunctionalInterface
public interface ApiRoutes {
    void register(RoutesConfig routes);
}
