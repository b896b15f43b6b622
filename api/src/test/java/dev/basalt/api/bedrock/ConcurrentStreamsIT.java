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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.http.nio.netty.Http2Configuration;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClient;
import software.amazon.awssdk.services.bedrockruntime.model.ContentBlockDeltaEvent;
import software.amazon.awssdk.services.bedrockruntime.model.ContentBlockStopEvent;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamMetadataEvent;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamOutput;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamResponseHandler;
import software.amazon.awssdk.services.bedrockruntime.model.MessageStartEvent;
import software.amazon.awssdk.services.bedrockruntime.model.MessageStopEvent;
import software.amazon.awssdk.services.bedrockruntime.model.ThrottlingException;

/**
 * 64 ConverseStream clients at once. With small engine limits (4 sequences, 8 waiting) the excess is refused with
 * ThrottlingException (429, Retry-After) before its stream starts, every admitted stream completes, nothing is a
 * 5xx or hangs, and the server answers normally afterwards; with the default limits (8 sequences, 64 waiting)
 * every stream completes. Both models are the same synthetic file under two ids with different engine options.
 */
class ConcurrentStreamsIT {
    private static final String SMALL = "basalt.small-limits";
    private static final String DEFAULT = "basalt.default-limits";
    private static final int CLIENTS = 64;
    @TempDir
    static Path dir;
    private static TestServer server;
    private static BedrockRuntimeAsyncClient async;
    private static BedrockRuntimeClient sync;

    @BeforeAll
    static void start() throws Exception {
        Path model = dir.resolve("tiny.gguf");
        SyntheticModel.write(Architecture.LLAMA, SyntheticModel.Shape.TINY, GgmlType.Q8_0, 11, model);
        var small = new LanguageModel.Options(Runtime.getRuntime().availableProcessors(), 0, 4, 64, 1L << 30, 8);
        server = EmbeddedTestServerLauncher.start(Files.createDirectories(dir.resolve("data")), Map.of(), List.of(
                new BasaltApplication.ModelSpec(SMALL, model, small),
                new BasaltApplication.ModelSpec(DEFAULT, model)));
        // The Netty client allows 50 concurrent requests by default; all 64 must be in flight together.
        async = Clients.aws(BedrockRuntimeAsyncClient.builder().httpClientBuilder(NettyNioAsyncHttpClient.builder()
                .maxConcurrency(2 * CLIENTS)
                .http2Configuration(Http2Configuration.builder().maxStreams((long) 2 * CLIENTS).build())), server);
        sync = Clients.aws(BedrockRuntimeClient.builder(), server);
    }

    @AfterAll
    static void stop() {
        async.close();
        sync.close();
        server.close();
    }

    /** How one stream ended: its events when it completed, or the error it failed with. */
    private record Outcome(List<ConverseStreamOutput> events, Throwable error) {}

    /** Starts all streams before waiting for any, each with its own prompt, and collects how each ended. */
    private static List<Outcome> streamAll(String model, int maxTokens) {
        List<CompletableFuture<Outcome>> futures = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            String prompt = "Story number " + i + ": once upon a time";
            List<ConverseStreamOutput> events = new CopyOnWriteArrayList<>();
            futures.add(async.converseStream(r -> r.modelId(model)
                                    .messages(m -> m.role("user").content(c -> c.text(prompt)))
                                    .inferenceConfig(c -> c.maxTokens(maxTokens).temperature(0f)),
                            ConverseStreamResponseHandler.builder().subscriber(events::add).build())
                    .orTimeout(120, TimeUnit.SECONDS)
                    .handle((ignored, error) -> new Outcome(events, error instanceof CompletionException
                            ? error.getCause() : error)));
        }
        return futures.stream().map(CompletableFuture::join).toList();
    }

    /** messageStart, at least one delta, contentBlockStop, messageStop, metadata, in that order. */
    private static void assertComplete(List<ConverseStreamOutput> events) {
        assertThat(events).hasSizeGreaterThanOrEqualTo(5);
        assertThat(events.getFirst()).isInstanceOf(MessageStartEvent.class);
        assertThat(events.subList(1, events.size() - 3)).allMatch(ContentBlockDeltaEvent.class::isInstance);
        assertThat(events.get(events.size() - 3)).isInstanceOf(ContentBlockStopEvent.class);
        assertThat(events.get(events.size() - 2)).isInstanceOf(MessageStopEvent.class);
        assertThat(events.getLast()).isInstanceOfSatisfying(ConverseStreamMetadataEvent.class,
                e -> assertThat(e.usage().outputTokens()).isPositive());
    }

    private static void assertThrottled(Throwable error) {
        assertThat(error).isInstanceOfSatisfying(ThrottlingException.class, e -> {
            assertThat(e.statusCode()).isEqualTo(429);
            assertThat(e.awsErrorDetails().sdkHttpResponse().firstMatchingHeader("Retry-After"))
                    .hasValueSatisfying(v -> assertThat(Long.parseLong(v)).isPositive());
        });
    }

    @Test
    void beyondTheEngineLimitsStreamsAreThrottledNeverFailedOrHung() {
        // 400 tokens keep the 4 slots busy while the other requests arrive, so the queue of 8 overflows.
        List<Outcome> outcomes = streamAll(SMALL, 400);

        List<Outcome> completed = outcomes.stream().filter(o -> o.error() == null).toList();
        List<Outcome> refused = outcomes.stream().filter(o -> o.error() != null).toList();
        completed.forEach(o -> assertComplete(o.events()));
        // A refused request is answered before its stream starts: no events, a ThrottlingException.
        refused.forEach(o -> {
            assertThrottled(o.error());
            assertThat(o.events()).isEmpty();
        });
        assertThat(completed).as("completed streams").isNotEmpty();
        assertThat(refused).as("throttled streams").isNotEmpty();

        var answer = sync.converse(r -> r.modelId(SMALL)
                .messages(m -> m.role("user").content(c -> c.text("Hi")))
                .inferenceConfig(c -> c.maxTokens(4).temperature(0f)));
        assertThat(answer.usage().outputTokens()).isBetween(1, 4);
    }

    @Test
    void withTheDefaultLimitsAll64StreamsComplete() {
        List<Outcome> outcomes = streamAll(DEFAULT, 32);
        assertThat(outcomes).allSatisfy(o -> {
            assertThat(o.error()).as("error").isNull();
            assertComplete(o.events());
        });
    }
}
