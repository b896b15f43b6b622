package dev.basalt.testkit.server;

import java.net.URI;
import java.nio.file.Path;

/** A running Basalt server for tests: where it listens and the root credentials it accepts. */
public interface TestServer extends AutoCloseable {
    /** Base URI, e.g. {@code http://127.0.0.1:41234}. */
    URI uri();

    /** The server's data directory (a fresh temporary folder). */
    Path dataDir();

    String accessKeyId();

    String secretAccessKey();

    /** Bearer key for OpenAI clients and Bedrock API keys. */
    String apiKey();

    /** Stops the server gracefully. */
    @Override
    void close();
}
