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
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;
import software.amazon.awssdk.services.bedrockruntime.model.InvokeModelWithResponseStreamResponseHandler;
import software.amazon.awssdk.services.bedrockruntime.model.ResponseStream;

/**
 * A client that stops reading an InvokeModelWithResponseStream frees the engine at once. The model (SmolLM-135M's
 * shape, random weights) takes tens of seconds for the 2000 tokens asked for, on an engine with a single slot: the
 * next request can only finish quickly if the abandoned stream's generation was cancelled.
 */
class InvokeModelCancellationIT {
    private static final String MODEL = "basalt.slow";
    private static final String LONG = "{\"prompt\":\"Tell me a long story\",\"max_gen_len\":2000,\"temperature\":0}";

    @Test
    void abandoningAStreamFreesTheEngineSlot(@TempDir Path dir) throws Exception {
        Path model = dir.resolve("135m.gguf");
        SyntheticModel.write(Architecture.LLAMA, SyntheticModel.Shape.SMOLLM_135M, GgmlType.Q4_0, 5, model);
        var oneSlot = new LanguageModel.Options(Runtime.getRuntime().availableProcessors(), 0, 1, 64, 1L << 30, 4);
        try (TestServer server = EmbeddedTestServerLauncher.start(Files.createDirectories(dir.resolve("data")),
                Map.of(), List.of(new BasaltApplication.ModelSpec(MODEL, model, oneSlot)));
             BedrockRuntimeAsyncClient async = Clients.aws(BedrockRuntimeAsyncClient.builder(), server)) {
            List<ResponseStream> seen = new CopyOnWriteArrayList<>();
            // Read two chunks, then cancel the subscription (the SDK resets the stream).
            var abandoned = async.invokeModelWithResponseStream(r -> r.modelId(MODEL)
                            .body(SdkBytes.fromUtf8String(LONG)),
                    InvokeModelWithResponseStreamResponseHandler.builder()
                            .onEventStream(events -> events.limit(2).subscribe(seen::add)).build());
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (seen.size() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(seen).hasSize(2);

            var next = async.invokeModel(r -> r.modelId(MODEL)
                            .body(SdkBytes.fromUtf8String("{\"prompt\":\"Hi\",\"max_gen_len\":2}")))
                    .get(10, TimeUnit.SECONDS);
            assertThat(next.sdkHttpResponse().firstMatchingHeader("X-Amzn-Bedrock-Output-Token-Count"))
                    .hasValueSatisfying(count -> assertThat(Integer.parseInt(count)).isBetween(1, 2));
            abandoned.cancel(true);
        }
    }
}
