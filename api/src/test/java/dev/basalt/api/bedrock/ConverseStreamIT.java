package dev.basalt.api.bedrock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.basalt.api.TinyModelServer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClient;
import software.amazon.awssdk.services.bedrockruntime.model.ContentBlockDeltaEvent;
import software.amazon.awssdk.services.bedrockruntime.model.ContentBlockStopEvent;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseRequest;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseResponse;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamMetadataEvent;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamOutput;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamRequest;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamResponseHandler;
import software.amazon.awssdk.services.bedrockruntime.model.MessageStartEvent;
import software.amazon.awssdk.services.bedrockruntime.model.MessageStopEvent;
import software.amazon.awssdk.services.bedrockruntime.model.ResourceNotFoundException;
import software.amazon.awssdk.services.bedrockruntime.model.StopReason;
import software.amazon.awssdk.services.bedrockruntime.model.ValidationException;

/** ConverseStream through the SDK's async client: event order, equality with Converse, stop sequences, errors. */
class ConverseStreamIT {
    private static final String MODEL = TinyModelServer.MODEL;
    @TempDir
    static Path dir;
    private static TinyModelServer tiny;
    private static BedrockRuntimeClient runtime;
    private static BedrockRuntimeAsyncClient async;

    @BeforeAll
    static void start() throws Exception {
        tiny = TinyModelServer.start(dir, 11);
        runtime = tiny.runtime();
        async = tiny.async();
    }

    @AfterAll
    static void stop() {
        tiny.close();
    }

    /** Runs a ConverseStream to its end and returns every event in arrival order. */
    private static List<ConverseStreamOutput> stream(Consumer<ConverseStreamRequest.Builder> request) {
        List<ConverseStreamOutput> events = new CopyOnWriteArrayList<>();
        ConverseStreamResponseHandler handler = ConverseStreamResponseHandler.builder()
                .subscriber(events::add).build();
        async.converseStream(request, handler).orTimeout(60, TimeUnit.SECONDS).join();
        return events;
    }

    private static String text(List<ConverseStreamOutput> events) {
        StringBuilder text = new StringBuilder();
        for (ConverseStreamOutput event : events) {
            if (event instanceof ContentBlockDeltaEvent delta) {
                text.append(delta.delta().text());
            }
        }
        return text.toString();
    }

    private static ConverseResponse converse(Consumer<ConverseRequest.Builder> request) {
        return runtime.converse(request);
    }

    @Test
    void streamedEventsComeInBedrocksOrderAndAddUpToTheConverseAnswer() {
        List<ConverseStreamOutput> events = stream(r -> r.modelId(MODEL)
                .system(s -> s.text("You tell stories."))
                .messages(m -> m.role("user").content(c -> c.text("Once upon a time")))
                .inferenceConfig(c -> c.maxTokens(16).temperature(0f)));
        ConverseResponse whole = converse(r -> r.modelId(MODEL)
                .system(s -> s.text("You tell stories."))
                .messages(m -> m.role("user").content(c -> c.text("Once upon a time")))
                .inferenceConfig(c -> c.maxTokens(16).temperature(0f)));

        assertThat(events.getFirst()).isInstanceOfSatisfying(MessageStartEvent.class,
                e -> assertThat(e.roleAsString()).isEqualTo("assistant"));
        List<ConverseStreamOutput> tail = events.subList(events.size() - 3, events.size());
        assertThat(tail.get(0)).isInstanceOfSatisfying(ContentBlockStopEvent.class,
                e -> assertThat(e.contentBlockIndex()).isZero());
        assertThat(tail.get(1)).isInstanceOfSatisfying(MessageStopEvent.class,
                e -> assertThat(e.stopReason()).isEqualTo(whole.stopReason()));
        assertThat(tail.get(2)).isInstanceOfSatisfying(ConverseStreamMetadataEvent.class, e -> {
            // The second request reuses the first one's prompt from the cache: compare the counts, not cache reads.
            assertThat(e.usage().inputTokens()).isEqualTo(whole.usage().inputTokens());
            assertThat(e.usage().outputTokens()).isEqualTo(whole.usage().outputTokens());
            assertThat(e.usage().totalTokens()).isEqualTo(whole.usage().totalTokens());
            assertThat(e.metrics().latencyMs()).isNotNegative();
        });
        assertThat(events.subList(1, events.size() - 3)).allSatisfy(e -> assertThat(e)
                .isInstanceOfSatisfying(ContentBlockDeltaEvent.class, d -> {
                    assertThat(d.contentBlockIndex()).isZero();
                    assertThat(d.delta().text()).isNotEmpty();
                }));
        assertThat(text(events)).isNotEmpty().isEqualTo(whole.output().message().content().getFirst().text());
    }

    @Test
    void stopSequencesEndTheReplyAndAreLeftOut() {
        String full = converse(r -> r.modelId(MODEL).messages(m -> m.role("user").content(c -> c.text("Tell me")))
                .inferenceConfig(c -> c.maxTokens(24).temperature(0f))).output().message().content().getFirst().text();
        assertThat(full.length()).isGreaterThan(6);
        String stop = full.substring(full.length() / 2, full.length() / 2 + 2);
        String expected = full.substring(0, full.indexOf(stop));

        ConverseResponse stopped = converse(r -> r.modelId(MODEL)
                .messages(m -> m.role("user").content(c -> c.text("Tell me")))
                .inferenceConfig(c -> c.maxTokens(24).temperature(0f).stopSequences(stop)));
        assertThat(stopped.output().message().content().getFirst().text()).isEqualTo(expected);
        assertThat(stopped.stopReason()).isEqualTo(StopReason.STOP_SEQUENCE);

        List<ConverseStreamOutput> events = stream(r -> r.modelId(MODEL)
                .messages(m -> m.role("user").content(c -> c.text("Tell me")))
                .inferenceConfig(c -> c.maxTokens(24).temperature(0f).stopSequences(stop)));
        assertThat(text(events)).isEqualTo(expected);
        assertThat(events).filteredOn(MessageStopEvent.class::isInstance).singleElement()
                .extracting(e -> ((MessageStopEvent) e).stopReason()).isEqualTo(StopReason.STOP_SEQUENCE);
    }

    @Test
    void requestProblemsAreOrdinaryErrorsBeforeTheStreamStarts() {
        assertThatThrownBy(() -> stream(r -> r.modelId(MODEL)
                .messages(m -> m.role("user").content(c -> c.text("Hi"))).inferenceConfig(c -> c.topP(2f))))
                .isInstanceOf(CompletionException.class)
                .cause().isInstanceOf(ValidationException.class).hasMessageContaining("topP");
        assertThatThrownBy(() -> stream(r -> r.modelId("basalt.nope")
                .messages(m -> m.role("user").content(c -> c.text("Hi")))))
                .isInstanceOf(CompletionException.class)
                .cause().isInstanceOf(ResourceNotFoundException.class).hasMessageContaining("basalt.nope");
    }
}
