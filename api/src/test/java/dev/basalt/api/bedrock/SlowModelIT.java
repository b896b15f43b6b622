package dev.basalt.api.bedrock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClient;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseResponse;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamMetadataEvent;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamOutput;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamResponseHandler;
import software.amazon.awssdk.services.bedrockruntime.model.InvokeModelWithResponseStreamResponseHandler;
import software.amazon.awssdk.services.bedrockruntime.model.MessageStartEvent;
import software.amazon.awssdk.services.bedrockruntime.model.ModelStreamErrorException;
import software.amazon.awssdk.services.bedrockruntime.model.ModelNotReadyException;
import software.amazon.awssdk.services.bedrockruntime.model.ModelTimeoutException;
import software.amazon.awssdk.services.bedrockruntime.model.ResponseStream;

/**
 * Long generations: a model of SmolLM-135M's shape (random weights) takes tens of seconds for the 2000 tokens asked
 * for here, on an engine with a single slot.
 */
class SlowModelIT {
    private static final String MODEL = "basalt.slow";
    private static final LanguageModel.Options ONE_SLOT =
            new LanguageModel.Options(Runtime.getRuntime().availableProcessors(), 0, 1, 64, 1L << 30, 4);

    private static TestServer start(Path dir, Map<String, String> settings) throws Exception {
        Path model = dir.resolve("135m.gguf");
        SyntheticModel.write(Architecture.LLAMA, SyntheticModel.Shape.SMOLLM_135M, GgmlType.Q4_0, 5, model);
        return EmbeddedTestServerLauncher.start(Files.createDirectories(dir.resolve("data")), settings,
                List.of(new BasaltApplication.ModelSpec(MODEL, model, ONE_SLOT)));
    }

    /** The second request can only finish quickly if the abandoned stream's generation was cancelled. */
    @Test
    void abandoningAStreamFreesTheEngineSlot(@TempDir Path dir) throws Exception {
        try (TestServer server = start(dir, Map.of());
             BedrockRuntimeAsyncClient async = Clients.aws(BedrockRuntimeAsyncClient.builder(), server)) {
            List<ConverseStreamOutput> seen = new CopyOnWriteArrayList<>();
            // Read messageStart and the first delta, then cancel the subscription (the SDK resets the stream).
            var abandoned = async.converseStream(r -> r.modelId(MODEL)
                            .messages(m -> m.role("user").content(c -> c.text("Tell me a long story")))
                            .inferenceConfig(c -> c.maxTokens(2000).temperature(0f)),
                    ConverseStreamResponseHandler.builder()
                            .onEventStream(events -> events.limit(2).subscribe(seen::add)).build());
            awaitSize(seen, 2);

            ConverseResponse next = async.converse(r -> r.modelId(MODEL)
                            .messages(m -> m.role("user").content(c -> c.text("Hi")))
                            .inferenceConfig(c -> c.maxTokens(2)))
                    .get(10, TimeUnit.SECONDS);
            assertThat(next.usage().outputTokens()).isBetween(1, 2);
            abandoned.cancel(true);
        }
    }

    /** The same for InvokeModelWithResponseStream. */
    @Test
    void abandoningAnInvokeModelStreamFreesTheEngineSlot(@TempDir Path dir) throws Exception {
        try (TestServer server = start(dir, Map.of());
             BedrockRuntimeAsyncClient async = Clients.aws(BedrockRuntimeAsyncClient.builder(), server)) {
            List<ResponseStream> seen = new CopyOnWriteArrayList<>();
            var abandoned = async.invokeModelWithResponseStream(r -> r.modelId(MODEL).body(SdkBytes.fromUtf8String(
                            "{\"prompt\":\"Tell me a long story\",\"max_gen_len\":2000,\"temperature\":0}")),
                    InvokeModelWithResponseStreamResponseHandler.builder()
                            .onEventStream(events -> events.limit(2).subscribe(seen::add)).build());
            awaitSize(seen, 2);

            var next = async.invokeModel(r -> r.modelId(MODEL)
                            .body(SdkBytes.fromUtf8String("{\"prompt\":\"Hi\",\"max_gen_len\":2}")))
                    .get(10, TimeUnit.SECONDS);
            assertThat(next.sdkHttpResponse().firstMatchingHeader("X-Amzn-Bedrock-Output-Token-Count"))
                    .hasValueSatisfying(count -> assertThat(Integer.parseInt(count)).isBetween(1, 2));
            abandoned.cancel(true);
        }
    }

    /** Waits until {@code seen} holds at least {@code size} items. */
    private static void awaitSize(List<?> seen, int size) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (seen.size() < size && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(seen.size()).isGreaterThanOrEqualTo(size);
    }

    @Test
    void invocationsPastTheRequestTimeoutFailAsModelTimeouts(@TempDir Path dir) throws Exception {
        try (TestServer server = start(dir, Map.of("inference.requestTimeout", "2s"));
             BedrockRuntimeClient sync = Clients.aws(BedrockRuntimeClient.builder(), server);
             BedrockRuntimeAsyncClient async = Clients.aws(BedrockRuntimeAsyncClient.builder(), server)) {
            assertThatThrownBy(() -> sync.converse(r -> r.modelId(MODEL)
                    .messages(m -> m.role("user").content(c -> c.text("Tell me a long story")))
                    .inferenceConfig(c -> c.maxTokens(2000))))
                    .isInstanceOfSatisfying(ModelTimeoutException.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(408);
                        assertThat(e.getMessage()).contains("request timeout of 2s");
                    });

            List<ConverseStreamOutput> events = new CopyOnWriteArrayList<>();
            var stream = async.converseStream(r -> r.modelId(MODEL)
                            .messages(m -> m.role("user").content(c -> c.text("Tell me a long story")))
                            .inferenceConfig(c -> c.maxTokens(2000)),
                    ConverseStreamResponseHandler.builder().subscriber(events::add).build());
            assertThatThrownBy(() -> stream.get(60, TimeUnit.SECONDS))
                    .cause().isInstanceOf(ModelStreamErrorException.class).hasMessageContaining("request timeout");
            assertThat(events.getFirst()).isInstanceOf(MessageStartEvent.class);
        }
    }

    /** Shutting down drains: a stream in flight over HTTP/2 (the async SDK) runs to its end first. */
    @Test
    void shutdownLetsAStreamInFlightFinish(@TempDir Path dir) throws Exception {
        TestServer server = start(dir, Map.of());
        try (BedrockRuntimeAsyncClient async = Clients.aws(BedrockRuntimeAsyncClient.builder(), server)) {
            List<ConverseStreamOutput> events = new CopyOnWriteArrayList<>();
            var stream = async.converseStream(r -> r.modelId(MODEL)
                            .messages(m -> m.role("user").content(c -> c.text("Tell me a story")))
                            .inferenceConfig(c -> c.maxTokens(40).temperature(0f)),
                    ConverseStreamResponseHandler.builder().subscriber(events::add).build());
            awaitSize(events, 2);
            server.close(); // drains: returns once the stream has ended
            stream.get(30, TimeUnit.SECONDS);
            assertThat(events.getLast()).isInstanceOf(ConverseStreamMetadataEvent.class);
        }
    }

    /**
     * The memory budget fits one model: while a long stream holds the slow model, a request for another model waits
     * for memory for models.loadTimeout and then gets the SDK's ModelNotReadyException (429).
     */
    @Test
    void aModelThatCannotLoadInTimeIsNotReady(@TempDir Path dir) throws Exception {
        Path tiny = dir.resolve("tiny.gguf");
        SyntheticModel.write(Architecture.LLAMA, SyntheticModel.Shape.TINY, GgmlType.Q8_0, 1, tiny);
        Path slow = dir.resolve("135m.gguf");
        SyntheticModel.write(Architecture.LLAMA, SyntheticModel.Shape.SMOLLM_135M, GgmlType.Q4_0, 5, slow);
        try (TestServer server = EmbeddedTestServerLauncher.start(Files.createDirectories(dir.resolve("data")),
                Map.of("models.memoryBudget", "1200MiB", "models.loadTimeout", "1s"),
                List.of(new BasaltApplication.ModelSpec(MODEL, slow, ONE_SLOT), new BasaltApplication.ModelSpec("basalt.other", tiny)));
             BedrockRuntimeClient sync = Clients.aws(BedrockRuntimeClient.builder(), server);
             BedrockRuntimeAsyncClient async = Clients.aws(BedrockRuntimeAsyncClient.builder(), server)) {
            List<ConverseStreamOutput> events = new CopyOnWriteArrayList<>();
            var busy = async.converseStream(r -> r.modelId(MODEL)
                            .messages(m -> m.role("user").content(c -> c.text("Tell me a long story")))
                            .inferenceConfig(c -> c.maxTokens(2000)),
                    ConverseStreamResponseHandler.builder().subscriber(events::add).build());
            awaitSize(events, 2);
            assertThatThrownBy(() -> sync.converse(r -> r.modelId("basalt.other")
                    .messages(m -> m.role("user").content(c -> c.text("Hi")))))
                    .isInstanceOfSatisfying(ModelNotReadyException.class, e -> assertThat(e.statusCode()).isEqualTo(429));
            busy.cancel(true);
        }
    }
}
