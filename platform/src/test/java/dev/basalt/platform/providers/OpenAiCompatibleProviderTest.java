package dev.basalt.platform.providers;

import static dev.basalt.platform.providers.FakeUpstream.event;
import static dev.basalt.platform.providers.FakeUpstream.send;
import static dev.basalt.platform.providers.FakeUpstream.startEvents;
import static dev.basalt.platform.providers.FakeUpstream.textChunk;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.basalt.engine.sampling.SamplingParams;
import dev.basalt.engine.scheduler.StopReason;
import dev.basalt.platform.chat.ChatMessage;
import dev.basalt.platform.chat.ToolCall;
import dev.basalt.platform.chat.ToolDefinition;
import dev.basalt.platform.errors.DependencyFailedException;
import dev.basalt.platform.errors.OperationTimeoutException;
import dev.basalt.platform.errors.ServiceUnavailableException;
import dev.basalt.platform.errors.ThrottledException;
import dev.basalt.platform.errors.ValidationException;
import dev.basalt.platform.runtime.ConverseRequest;
import dev.basalt.platform.runtime.ConverseResult;
import dev.basalt.platform.runtime.ConverseStream;
import dev.basalt.platform.runtime.ReplyBlock;
import dev.basalt.platform.runtime.ToolChoice;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The OpenAI-compatible provider against a scripted fake upstream: translation both ways, and every failure mode. */
class OpenAiCompatibleProviderTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ConverseRequest HELLO = new ConverseRequest(List.of(ChatMessage.user("Hello")),
            SamplingParams.builder().temperature(0).maxTokens(20).build());

    private static List<ConverseStream.Event> drain(ConverseStream stream) throws InterruptedException {
        List<ConverseStream.Event> events = new ArrayList<>();
        while (true) {
            ConverseStream.Event e = stream.next();
            events.add(e);
            if (e instanceof ConverseStream.Finished || e instanceof ConverseStream.Failed) {
                return events;
            }
        }
    }

    @Test
    void translatesTheRequestAndRelaysTextToolCallsAndUsage() throws Exception {
        AtomicReference<JsonNode> received = new AtomicReference<>();
        try (FakeUpstream upstream = new FakeUpstream(exchange -> {
            received.set(JSON.readTree(exchange.getRequestBody()));
            OutputStream out = startEvents(exchange);
            event(out, "{\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}");
            event(out, textChunk("Hel"));
            event(out, textChunk("lo"));
            event(out, "{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_7\","
                    + "\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"\"}}]}}]}");
            event(out, "{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,"
                    + "\"function\":{\"arguments\":\"{\\\"city\\\":\"}}]}}]}");
            event(out, "{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,"
                    + "\"function\":{\"arguments\":\"\\\"Paris\\\"}\"}}]}}]}");
            event(out, "{\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}]}");
            event(out, "{\"choices\":[],\"usage\":{\"prompt_tokens\":11,\"completion_tokens\":9,\"total_tokens\":20,"
                    + "\"prompt_tokens_details\":{\"cached_tokens\":4}}}");
            event(out, "[DONE]");
        });
             OpenAiCompatibleProvider provider = new OpenAiCompatibleProvider("up",
                     upstream.config(Map.of("apiKey", "sk-test")), Clock.systemUTC())) {
            ToolDefinition weather = ToolDefinition.of("get_weather", "Weather for a city",
                    JSON.readTree("{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}"));
            ConverseRequest request = new ConverseRequest(List.of(ChatMessage.system("Be brief."),
                    ChatMessage.user("Weather?"),
                    ChatMessage.assistant("", List.of(new ToolCall("call_1", "get_weather", "{\"city\":\"Oslo\"}"))),
                    ChatMessage.toolResult("call_1", "get_weather", "rain"), ChatMessage.user("And Paris?")),
                    SamplingParams.builder().temperature(0.5).topP(0.9).maxTokens(30).seed(42).stop(List.of("END"))
                            .presencePenalty(0.5).build(),
                    List.of(weather), ToolChoice.ANY);

            List<ConverseStream.Event> events;
            try (ConverseStream stream = provider.converse("m1", request)) {
                events = drain(stream);
            }

            assertThat(events.subList(0, events.size() - 1)).containsExactly(
                    new ConverseStream.TextDelta("Hel"), new ConverseStream.TextDelta("lo"),
                    new ConverseStream.BlockStop(), new ConverseStream.ToolUseStart("call_7", "get_weather"),
                    new ConverseStream.ToolInputDelta("{\"city\":"), new ConverseStream.ToolInputDelta("\"Paris\"}"),
                    new ConverseStream.BlockStop());
            ConverseResult result = ((ConverseStream.Finished) events.getLast()).result();
            assertThat(result.content()).containsExactly(new ReplyBlock.Text("Hello"),
                    new ReplyBlock.ToolUse("call_7", "get_weather", "{\"city\":\"Paris\"}"));
            assertThat(result.stopReason()).isEqualTo(StopReason.END_OF_GENERATION);
            assertThat(List.of(result.inputTokens(), result.cachedInputTokens(), result.outputTokens()))
                    .containsExactly(11, 4, 9);

            JsonNode body = received.get();
            assertThat(body.path("model").asText()).isEqualTo("m1");
            assertThat(body.path("stream").asBoolean()).isTrue();
            assertThat(body.path("stream_options").path("include_usage").asBoolean()).isTrue();
            assertThat(body.path("max_tokens").asInt()).isEqualTo(30);
            assertThat(body.path("temperature").asDouble()).isEqualTo(0.5);
            assertThat(body.path("top_p").asDouble()).isEqualTo(0.9);
            assertThat(body.path("seed").asLong()).isEqualTo(42);
            assertThat(body.path("stop").get(0).asText()).isEqualTo("END");
            assertThat(body.path("presence_penalty").asDouble()).isEqualTo(0.5);
            assertThat(body.path("tool_choice").asText()).isEqualTo("required");
            assertThat(body.path("tools").get(0).path("function").path("parameters").path("properties").has("city")).isTrue();
            JsonNode messages = body.path("messages");
            assertThat(messages).extracting(m -> m.path("role").asText())
                    .containsExactly("system", "user", "assistant", "tool", "user");
            assertThat(messages.get(2).path("content").isNull()).isTrue();
            assertThat(messages.get(2).path("tool_calls").get(0).path("function").path("arguments").asText())
                    .isEqualTo("{\"city\":\"Oslo\"}");
            assertThat(messages.get(3).path("tool_call_id").asText()).isEqualTo("call_1");
        }
    }

    @Test
    void sendsTheApiKeyAndListsModels() throws Exception {
        try (FakeUpstream upstream = new FakeUpstream(exchange -> send(exchange, 500, "{}"));
             OpenAiCompatibleProvider provider = new OpenAiCompatibleProvider("up", upstream.config(Map.of()),
                     Clock.systemUTC())) {
            assertThat(provider.models()).containsExactly("m1", "m2");
        }
    }

    @Test
    void aClosedPortFailsAsDependencyFailedAfterTheRetries() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        try (OpenAiCompatibleProvider provider = new OpenAiCompatibleProvider("up",
                FakeUpstream.config(URI.create("http://127.0.0.1:" + port + "/v1"), Map.of("retryBackoff", "100ms")),
                Clock.systemUTC())) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> provider.converse("m1", HELLO))
                    .isInstanceOf(DependencyFailedException.class).hasMessageContaining("cannot be reached");
            // Two retries waited 100ms then 200ms.
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
            assertThatThrownBy(provider::models).isInstanceOf(DependencyFailedException.class);
        }
    }

    @Test
    void aConnectionDroppedBeforeTheResponseIsRetriedThenFails() throws Exception {
        try (FakeUpstream upstream = new FakeUpstream(exchange -> {
            throw new IOException("drop the connection without an answer");
        });
             OpenAiCompatibleProvider provider = new OpenAiCompatibleProvider("up",
                     upstream.config(Map.of("maxRetries", "3")), Clock.systemUTC())) {
            assertThatThrownBy(() -> provider.converse("m1", HELLO)).isInstanceOf(DependencyFailedException.class);
            assertThat(upstream.chatRequests.get()).isEqualTo(4);
        }
    }

    @Test
    void upstream503IsRetriedThenSurfacedWithItsMessage() throws Exception {
        try (FakeUpstream upstream = new FakeUpstream(exchange ->
                send(exchange, 503, "{\"error\":{\"message\":\"warming up\",\"type\":\"server_error\"}}"));
             OpenAiCompatibleProvider provider = new OpenAiCompatibleProvider("up", upstream.config(Map.of()),
                     Clock.systemUTC())) {
            assertThatThrownBy(() -> provider.converse("m1", HELLO))
                    .isInstanceOf(ServiceUnavailableException.class).hasMessageContaining("warming up");
            assertThat(upstream.chatRequests.get()).isEqualTo(3); // maxRetries 2
        }
    }

    @Test
    void upstream400IsAValidationErrorWithItsMessageAndNotRetried() throws Exception {
        try (FakeUpstream upstream = new FakeUpstream(exchange -> send(exchange, 400,
                "{\"error\":{\"message\":\"max_tokens is too large: 99999\",\"type\":\"invalid_request_error\"}}"));
             OpenAiCompatibleProvider provider = new OpenAiCompatibleProvider("up", upstream.config(Map.of()),
                     Clock.systemUTC())) {
            assertThatThrownBy(() -> provider.converse("m1", HELLO))
                    .isInstanceOf(ValidationException.class).hasMessage("max_tokens is too large: 99999");
            assertThat(upstream.chatRequests.get()).isEqualTo(1);
        }
    }

    @Test
    void requestsBeyondTheConcurrencyLimitAreThrottled() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (FakeUpstream upstream = new FakeUpstream(exchange -> {
            OutputStream out = startEvents(exchange);
            event(out, textChunk("a"));
            release.await(10, TimeUnit.SECONDS);
            event(out, "{\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}");
            event(out, "[DONE]");
        });
             OpenAiCompatibleProvider provider = new OpenAiCompatibleProvider("up",
                     upstream.config(Map.of("maxConcurrency", "1")), Clock.systemUTC())) {
            try (ConverseStream first = provider.converse("m1", HELLO)) {
                assertThat(first.next()).isEqualTo(new ConverseStream.TextDelta("a"));
                assertThatThrownBy(() -> provider.converse("m1", HELLO))
                        .isInstanceOfSatisfying(ThrottledException.class,
                                e -> assertThat(e.retryAfter()).isPositive());
                release.countDown();
                assertThat(first.await().text()).isEqualTo("a");
            }
            assertThat(provider.converse("m1", HELLO).await().text()).isEqualTo("a"); // the slot was given back
        }
    }

    @Test
    void aStreamThatBreaksMidwayEndsWithAFailedEvent() throws Exception {
        try (FakeUpstream upstream = new FakeUpstream(exchange -> {
            OutputStream out = startEvents(exchange);
            event(out, textChunk("partial"));
            throw new IOException("the upstream dies");
        });
             OpenAiCompatibleProvider provider = new OpenAiCompatibleProvider("up", upstream.config(Map.of()),
                     Clock.systemUTC())) {
            List<ConverseStream.Event> events = drain(provider.converse("m1", HELLO));
            assertThat(events.getFirst()).isEqualTo(new ConverseStream.TextDelta("partial"));
            assertThat(events.getLast()).isInstanceOfSatisfying(ConverseStream.Failed.class, f ->
                    assertThat(f.error()).isInstanceOf(DependencyFailedException.class)
                            .hasMessageContaining("The model provider up"));
        }
    }

    @Test
    void aStreamThatGoesQuietFailsAfterTheReadTimeout() throws Exception {
        try (FakeUpstream upstream = new FakeUpstream(exchange -> {
            OutputStream out = startEvents(exchange);
            event(out, textChunk("then silence"));
            Thread.sleep(20_000);
        });
             OpenAiCompatibleProvider provider = new OpenAiCompatibleProvider("up",
                     upstream.config(Map.of("readTimeout", "300ms")), Clock.systemUTC())) {
            long start = System.nanoTime();
            List<ConverseStream.Event> events = drain(provider.converse("m1", HELLO));
            assertThat(events.getLast()).isInstanceOfSatisfying(ConverseStream.Failed.class, f ->
                    assertThat(f.error()).isInstanceOf(OperationTimeoutException.class).hasMessageContaining("300ms"));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    void closingTheStreamCancelsTheUpstreamRequest() throws Exception {
        CountDownLatch upstreamSawTheCancel = new CountDownLatch(1);
        try (FakeUpstream upstream = new FakeUpstream(exchange -> {
            OutputStream out = startEvents(exchange);
            try {
                for (int i = 0; i < 10_000; i++) {
                    event(out, textChunk("x"));
                    Thread.sleep(5);
                }
            } catch (IOException closedByTheClient) {
                upstreamSawTheCancel.countDown();
            }
        });
             OpenAiCompatibleProvider provider = new OpenAiCompatibleProvider("up", upstream.config(Map.of()),
                     Clock.systemUTC())) {
            try (ConverseStream stream = provider.converse("m1", HELLO)) {
                assertThat(stream.next()).isEqualTo(new ConverseStream.TextDelta("x"));
            }
            assertThat(upstreamSawTheCancel.await(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void theCircuitBreakerOpensAfterConsecutiveFailuresAndHalfOpensAfterTheCoolDown() throws Exception {
        AtomicReference<Integer> status = new AtomicReference<>(500);
        MutableClock clock = new MutableClock();
        try (FakeUpstream upstream = new FakeUpstream(exchange -> {
            if (status.get() == 200) {
                OutputStream out = startEvents(exchange);
                event(out, textChunk("ok"));
                event(out, "{\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}");
                event(out, "[DONE]");
            } else {
                send(exchange, status.get(), "{\"error\":{\"message\":\"broken\"}}");
            }
        });
             OpenAiCompatibleProvider provider = new OpenAiCompatibleProvider("up",
                     upstream.config(Map.of("failureThreshold", "2", "coolDown", "1m")), clock)) {
            for (int i = 0; i < 2; i++) {
                assertThatThrownBy(() -> provider.converse("m1", HELLO)).isInstanceOf(DependencyFailedException.class);
            }
            assertThatThrownBy(() -> provider.converse("m1", HELLO))
                    .isInstanceOf(ServiceUnavailableException.class).hasMessageContaining("paused");
            assertThat(upstream.chatRequests.get()).isEqualTo(2); // failed fast, the upstream was spared

            clock.advance(Duration.ofSeconds(61)); // half open: one trial, which fails and opens the breaker again
            assertThatThrownBy(() -> provider.converse("m1", HELLO)).isInstanceOf(DependencyFailedException.class);
            assertThatThrownBy(() -> provider.converse("m1", HELLO)).isInstanceOf(ServiceUnavailableException.class);
            assertThat(upstream.chatRequests.get()).isEqualTo(3);

            clock.advance(Duration.ofSeconds(61)); // a successful trial closes it
            status.set(200);
            assertThat(provider.converse("m1", HELLO).await().text()).isEqualTo("ok");
            assertThat(provider.converse("m1", HELLO).await().text()).isEqualTo("ok");
            assertThat(upstream.chatRequests.get()).isEqualTo(5);
        }
    }

    @Test
    void callerErrorsDoNotOpenTheBreaker() throws Exception {
        try (FakeUpstream upstream = new FakeUpstream(exchange -> send(exchange, 400, "{\"error\":{\"message\":\"bad\"}}"));
             OpenAiCompatibleProvider provider = new OpenAiCompatibleProvider("up",
                     upstream.config(Map.of("failureThreshold", "1")), new MutableClock())) {
            for (int i = 0; i < 3; i++) {
                assertThatThrownBy(() -> provider.converse("m1", HELLO)).isInstanceOf(ValidationException.class);
            }
            assertThat(upstream.chatRequests.get()).isEqualTo(3);
        }
    }

    /** A clock the test moves by hand. */
    static final class MutableClock extends Clock {
        private volatile Instant now = Instant.parse("2026-01-01T00:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
