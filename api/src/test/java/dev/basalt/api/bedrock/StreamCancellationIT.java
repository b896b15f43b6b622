package dev.basalt.api.bedrock;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.api.BasaltApplication;
import dev.basalt.api.EmbeddedTestServerLauncher;
import dev.basalt.engine.LanguageModel;
import dev.basalt.engine.gguf.GgmlType;
import dev.basalt.engine.model.Architecture;
import dev.basalt.engine.model.SyntheticModel;
import dev.basalt.testkit.clients.Clients;
import dev.basalt.testkit.server.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseResponse;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamOutput;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamResponseHandler;

/**
 * A client that stops reading a stream frees the engine at once. The model (SmolLM-135M's shape, random weights)
 * takes tens of seconds for the 2000 tokens asked for, and the engine has a single slot: the second request can
 * only finish quickly if the abandoned stream's generation was cancelled.
 */
class StreamCancellationIT {
    private static final String MODEL = "basalt.slow";

    @Test
    void abandoningAStreamFreesTheEngineSlot(@TempDir Path dir) throws Exception {
        Path model = dir.resolve("135m.gguf");
        SyntheticModel.write(Architecture.LLAMA, SyntheticModel.Shape.SMOLLM_135M, GgmlType.Q4_0, 5, model);
        var oneSlot = new LanguageModel.Options(Runtime.getRuntime().availableProcessors(), 0, 1, 64, 1L << 30, 4);
        try (TestServer server = EmbeddedTestServerLauncher.start(Files.createDirectories(dir.resolve("data")),
                Map.of(), List.of(new BasaltApplication.ModelSpec(MODEL, model, oneSlot)));
             BedrockRuntimeAsyncClient async = Clients.aws(BedrockRuntimeAsyncClient.builder(), server)) {
            List<ConverseStreamOutput> seen = new CopyOnWriteArrayList<>();
            // Read messageStart and the first delta, then cancel the subscription (the SDK resets the stream).
            var abandoned = async.converseStream(r -> r.modelId(MODEL)
                            .messages(m -> m.role("user").content(c -> c.text("Tell me a long story")))
                            .inferenceConfig(c -> c.maxTokens(2000).temperature(0f)),
                    ConverseStreamResponseHandler.builder()
                            .onEventStream(events -> events.limit(2).subscribe(seen::add)).build());
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (seen.size() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(seen).hasSize(2);

            ConverseResponse next = async.converse(r -> r.modelId(MODEL)
                            .messages(m -> m.role("user").content(c -> c.text("Hi")))
                            .inferenceConfig(c -> c.maxTokens(2)))
                    .get(10, TimeUnit.SECONDS);
            assertThat(next.usage().outputTokens()).isBetween(1, 2);
            abandoned.cancel(true);
        }
    }
}
