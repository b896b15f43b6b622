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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseResponse;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamResponseHandler;
import software.amazon.awssdk.services.bedrockruntime.model.InvokeModelWithResponseStreamResponseHandler;

/**
 * A client that stops reading a stream frees the engine at once. The model (SmolLM-135M's shape, random weights)
 * takes tens of seconds for the 2000 tokens asked for, and the engine has a single slot: the next request can
 * only finish quickly if the abandoned stream's generation was cancelled.
 */
class StreamCancellationIT {
    private static final String MODEL = "basalt.slow";
    @TempDir
    static Path dir;
    private static TestServer server;
    private static BedrockRuntimeAsyncClient async;

    @BeforeAll
    static void start() throws Exception {
        Path model = dir.resolve("135m.gguf");
        SyntheticModel.write(Architecture.LLAMA, SyntheticModel.Shape.SMOLLM_135M, GgmlType.Q4_0, 5, model);
        var oneSlot = new LanguageModel.Options(Runtime.getRuntime().availableProcessors(), 0, 1, 64, 1L << 30, 4);
        server = EmbeddedTestServerLauncher.start(Files.createDirectories(dir.resolve("data")),
                Map.of(), List.of(new BasaltApplication.ModelSpec(MODEL, model, oneSlot)));
        async = Clients.aws(BedrockRuntimeAsyncClient.builder(), server);
    }

    @AfterAll
    static void stop() throws Exception {
        async.close();
        server.close();
    }

    @Test
    void abandoningAConverseStreamFreesTheEngineSlot() throws Exception {
        // Read messageStart and the first delta, then cancel the subscription (the SDK resets the stream).
        abandonAfterTwoEvents(seen -> async.converseStream(r -> r.modelId(MODEL)
                        .messages(m -> m.role("user").content(c -> c.text("Tell me a long story")))
                        .inferenceConfig(c -> c.maxTokens(2000).temperature(0f)),
                ConverseStreamResponseHandler.builder()
                        .onEventStream(events -> events.limit(2).subscribe(seen::add)).build()));
    }

    @Test
    void abandoningAnInvokeModelStreamFreesTheEngineSlot() throws Exception {
        abandonAfterTwoEvents(seen -> async.invokeModelWithResponseStream(r -> r.modelId(MODEL)
                        .body(SdkBytes.fromUtf8String("{\"prompt\":\"Tell me a long story\",\"max_gen_len\":2000,"
                                + "\"temperature\":0}")),
                InvokeModelWithResponseStreamResponseHandler.builder()
                        .onEventStream(events -> events.limit(2).subscribe(seen::add)).build()));
    }

    /** Starts a stream that stops reading after two events, then checks that a short request runs at once. */
    private static void abandonAfterTwoEvents(Function<List<Object>, CompletableFuture<Void>> stream)
            throws Exception {
        List<Object> seen = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> abandoned = stream.apply(seen);
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
