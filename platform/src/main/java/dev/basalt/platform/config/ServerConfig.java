package dev.basalt.platform.config;

import java.time.Duration;

/**
 * The HTTP server.
 *
 * @param host           interface to bind; loopback by default so a fresh install is not reachable from the network
 * @param port           TCP port; 0 picks a free one
 * @param maxRequestBody largest accepted request body (Bedrock Converse carries images and documents inline)
 * @param drainTimeout   on shutdown, how long in-flight requests may take to finish
 */
public record ServerConfig(String host, int port, DataSize maxRequestBody, Duration drainTimeout) {
    public ServerConfig {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("host: must not be empty");
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port: must be between 0 and 65535 (0 picks a free port), got " + port);
        }
        if (maxRequestBody.bytes() < 1024) {
            throw new IllegalArgumentException("maxRequestBody: must be at least 1KiB, got " + maxRequestBody);
        }
        if (drainTimeout.isNegative()) {
            throw new IllegalArgumentException("drainTimeout: must not be negative, got " + drainTimeout);
        }
    }

    public static ServerConfig defaults() {
        return new ServerConfig("127.0.0.1", 8080, DataSize.parse("32MiB"), Duration.ofSeconds(30));
    }
}
