package dev.basalt.api.bedrock;

import dev.basalt.api.BasaltApplication;
import dev.basalt.api.EmbeddedTestServerLauncher;
import dev.basalt.engine.gguf.GgmlType;
import dev.basalt.engine.model.Architecture;
import dev.basalt.engine.model.SyntheticModel;
import dev.basalt.testkit.clients.Clients;
import dev.basalt.testkit.server.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClient;

/**
 * A server on loopback serving one synthetic tiny llama model as {@value #MODEL}, with the SDK's sync client and
 * its async client (HTTP/2) pointed at it.
 */
final class TinyModelServer implements AutoCloseable {
    static final String MODEL = "basalt.tiny";
    final TestServer server;
    final BedrockRuntimeClient runtime;
    final BedrockRuntimeAsyncClient async;

    private TinyModelServer(TestServer server) {
        this.server = server;
        this.runtime = Clients.aws(BedrockRuntimeClient.builder(), server);
        this.async = Clients.aws(BedrockRuntimeAsyncClient.builder(), server);
    }

    /** Writes the model (random weights from {@code seed}) and a data directory under {@code dir}. */
    static TinyModelServer start(Path dir, long seed) throws Exception {
        Path model = dir.resolve("tiny.gguf");
        SyntheticModel.write(Architecture.LLAMA, SyntheticModel.Shape.TINY, GgmlType.Q8_0, seed, model);
        return new TinyModelServer(EmbeddedTestServerLauncher.start(Files.createDirectories(dir.resolve("data")),
                Map.of(), List.of(new BasaltApplication.ModelSpec(MODEL, model))));
    }

    @Override
    public void close() throws Exception {
        runtime.close();
        async.close();
        server.close();
    }
}
