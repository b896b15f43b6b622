package dev.basalt.testkit.server;

import java.nio.file.Path;
import java.util.Map;

/**
 * Starts a Basalt server in this JVM. The server module provides the implementation through
 * {@link java.util.ServiceLoader}, so that the testkit does not depend on the server (and every module,
 * the engine included, can use the testkit).
 */
public interface TestServerLauncher {
    /**
     * Starts a server on a free loopback port.
     *
     * @param dataDir  an empty data directory the server owns until closed
     * @param settings configuration keys and values (as in {@code basalt.yaml}, e.g. {@code server.drainTimeout=2s})
     *                 applied on top of the defaults
     */
    TestServer start(Path dataDir, Map<String, String> settings) throws Exception;
}
