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
 * What the Bedrock ITs share: Basalt on a synthetic tiny Llama model (random weights, ChatML template) registered as
 * {@value #MODEL}, with the AWS SDK's sync client and its async client (HTTP/2, as Bedrock streams are used).
 */
record TinyModelServer(TestServer server, BedrockRuntimeClient runtime, BedrockRuntimeAsyncClient async)
        implements AutoCloseable {
    static final String MODEL = "basalt.tiny";

    /** {@code seed} picks the random weights, so each test class can see different text. */
    static TinyModelServer start(Path dir, long seed) throws Exception {
        Path model = dir.resolve("tiny.gguf");
        SyntheticModel.write(Architecture.LLAMA, SyntheticModel.Shape.TINY, GgmlType.Q8_0, seed, model);
        TestServer server = EmbeddedTestServerLauncher.start(Files.createDirectories(dir.resolve("data")), Map.of(),
                List.of(new BasaltApplication.ModelSpec(MODEL, model)));
        return new TinyModelServer(server, Clients.aws(BedrockRuntimeClient.builder(), server),
                Clients.aws(BedrockRuntimeAsyncClient.builder(), server));
    }

    @Override
    public void close() {
        runtime.close();
        async.close();
        server.close();
    }
}
