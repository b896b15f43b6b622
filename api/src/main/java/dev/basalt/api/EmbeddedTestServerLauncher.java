package dev.basalt.api;

import dev.basalt.platform.config.BasaltConfig;
import dev.basalt.platform.config.ConfigLoader;
import dev.basalt.platform.security.CredentialsStore;
import dev.basalt.platform.security.RootCredentials;
import dev.basalt.testkit.server.TestServer;
import dev.basalt.testkit.server.TestServerLauncher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs Basalt inside the test JVM for the testkit's {@code @BasaltServerTest}: loopback, a free port,
 * generated root credentials, and no influence from the caller's environment.
 */
public final class EmbeddedTestServerLauncher implements TestServerLauncher {
    @Override
    public TestServer start(Path dataDir, Map<String, String> settings) throws IOException {
        return start(dataDir, settings, List.of());
    }

    /** As {@link #start(Path, Map)}, serving {@code models} too (tests that need a model to talk to). */
    public static TestServer start(Path dataDir, Map<String, String> settings, List<BasaltApplication.ModelSpec> models)
            throws IOException {
        Map<String, String> overrides = new LinkedHashMap<>();
        overrides.put("server.host", "127.0.0.1");
        overrides.put("server.port", "0");
        overrides.putAll(settings);
        BasaltConfig config = ConfigLoader.load(dataDir.resolve(ConfigLoader.FILE_NAME), Map.of(), overrides);
        RootCredentials credentials = CredentialsStore.loadOrCreate(dataDir, Map.of()).credentials();
        return new Embedded(BasaltApplication.start(dataDir, config, credentials, models), dataDir, credentials);
    }

    private record Embedded(BasaltApplication app, Path dataDir, RootCredentials credentials) implements TestServer {
        @Override
        public URI uri() {
            return app.uri();
        }

        @Override
        public String accessKeyId() {
            return credentials.accessKeyId();
        }

        @Override
        public String secretAccessKey() {
            return credentials.secretAccessKey();
        }

        @Override
        public String apiKey() {
            return credentials.apiKey();
        }

        @Override
        public void close() {
            try {
                app.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
