package dev.basalt.api.bedrock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.basalt.api.TinyModelServer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.document.Document;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClient;
import software.amazon.awssdk.services.bedrockruntime.model.ContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ContentBlockDeltaEvent;
import software.amazon.awssdk.services.bedrockruntime.model.ContentBlockStartEvent;
import software.amazon.awssdk.services.bedrockruntime.model.ContentBlockStopEvent;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseRequest;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseResponse;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamOutput;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamResponseHandler;
import software.amazon.awssdk.services.bedrockruntime.model.Message;
import software.amazon.awssdk.services.bedrockruntime.model.MessageStopEvent;
import software.amazon.awssdk.services.bedrockruntime.model.StopReason;
import software.amazon.awssdk.services.bedrockruntime.model.Tool;
import software.amazon.awssdk.services.bedrockruntime.model.ToolConfiguration;
import software.amazon.awssdk.services.bedrockruntime.model.ToolUseBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ValidationException;

/**
 * Tool use through the SDK: forced calls (tool choice any/tool) are valid against the input schema even on a
 * random-weight model, because constrained decoding guarantees them; they stream as contentBlockStart(toolUse) and
 * input deltas; results continue the conversation; malformed tool requests are validation errors.
 */
class ToolUseIT {
    private static final String MODEL = TinyModelServer.MODEL;
    @TempDir
    static Path dir;
    private static TinyModelServer tiny;
    private static BedrockRuntimeClient runtime;
    private static BedrockRuntimeAsyncClient async;

    private static final Tool WEATHER = Tool.fromToolSpec(s -> s.name("get_weather").description("Weather for a city")
            .inputSchema(i -> i.json(Document.fromMap(Map.of(
                    "type", Document.fromString("object"),
                    "properties", Document.fromMap(Map.of(
                            "city", Document.fromMap(Map.of("type", Document.fromString("string"),
                                    "enum", Document.fromList(List.of(Document.fromString("Paris"),
                                            Document.fromString("Oslo"))))),
                            "days", Document.fromMap(Map.of("type", Document.fromString("integer"),
                                    "minimum", Document.fromNumber(1))))),
                    "required", Document.fromList(List.of(Document.fromString("city"), Document.fromString("days"))))))));
    private static final Tool CLOCK = Tool.fromToolSpec(s -> s.name("clock").description("The time")
            .inputSchema(i -> i.json(Document.fromMap(Map.of("type", Document.fromString("object"))))));

    @BeforeAll
    static void start() throws Exception {
        tiny = TinyModelServer.start(dir, 3);
        runtime = tiny.runtime();
        async = tiny.async();
    }

    @AfterAll
    static void stop() {
        tiny.close();
    }

    private static final Message QUESTION = Message.builder().role("user")
            .content(ContentBlock.fromText("What is the weather in Paris for 3 days?")).build();

    private static ConverseResponse converse(Consumer<ConverseRequest.Builder> request) {
        return runtime.converse(r -> request.accept(r.modelId(MODEL).inferenceConfig(c -> c.maxTokens(200).temperature(0f))));
    }

    private static void checkWeatherInput(Document input) {
        Map<String, Document> fields = input.asMap();
        assertThat(fields.keySet()).containsExactlyInAnyOrder("city", "days");
        assertThat(fields.get("city").asString()).isIn("Paris", "Oslo");
        assertThat(fields.get("days").isNumber()).isTrue();
    }

    @Test
    void aNamedToolChoiceForcesAValidCall() {
        ConverseResponse response = converse(r -> r.messages(QUESTION)
                .toolConfig(t -> t.tools(WEATHER, CLOCK).toolChoice(c -> c.tool(n -> n.name("get_weather")))));
        assertThat(response.stopReason()).isEqualTo(StopReason.TOOL_USE);
        ToolUseBlock call = response.output().message().content().getFirst().toolUse();
        assertThat(call.name()).isEqualTo("get_weather");
        assertThat(call.toolUseId()).matches("tooluse_[A-Za-z0-9]{22}");
        checkWeatherInput(call.input());
    }

    @Test
    void toolChoiceAnyCallsOneOfTheTools() {
        ConverseResponse response = converse(r -> r.messages(QUESTION)
                .toolConfig(t -> t.tools(WEATHER, CLOCK).toolChoice(c -> c.any(a -> { }))));
        assertThat(response.stopReason()).isEqualTo(StopReason.TOOL_USE);
        ToolUseBlock call = response.output().message().content().getFirst().toolUse();
        assertThat(call.name()).isIn("get_weather", "clock");
        if (call.name().equals("get_weather")) {
            checkWeatherInput(call.input());
        }
    }

    @Test
    void forcedCallsStreamAsAToolUseBlockWithInputDeltas() {
        ToolConfiguration tools = ToolConfiguration.builder().tools(WEATHER)
                .toolChoice(c -> c.tool(n -> n.name("get_weather"))).build();
        ToolUseBlock whole = converse(r -> r.messages(QUESTION).toolConfig(tools))
                .output().message().content().getFirst().toolUse();

        List<ConverseStreamOutput> events = new CopyOnWriteArrayList<>();
        async.converseStream(r -> r.modelId(MODEL).messages(QUESTION).toolConfig(tools)
                        .inferenceConfig(c -> c.maxTokens(200).temperature(0f)),
                ConverseStreamResponseHandler.builder().subscriber(events::add).build())
                .orTimeout(60, TimeUnit.SECONDS).join();

        assertThat(events.get(1)).isInstanceOfSatisfying(ContentBlockStartEvent.class, e -> {
            assertThat(e.contentBlockIndex()).isZero();
            assertThat(e.start().toolUse().name()).isEqualTo("get_weather");
            assertThat(e.start().toolUse().toolUseId()).startsWith("tooluse_");
        });
        StringBuilder input = new StringBuilder();
        events.stream().filter(ContentBlockDeltaEvent.class::isInstance).map(ContentBlockDeltaEvent.class::cast)
                .forEach(d -> input.append(d.delta().toolUse().input()));
        assertThat(input.toString().replaceAll("\\s", "")).isEqualTo(whole.input().toString().replaceAll("\\s", ""));
        assertThat(events).filteredOn(ContentBlockStopEvent.class::isInstance).hasSize(1);
        assertThat(events).filteredOn(MessageStopEvent.class::isInstance).singleElement()
                .extracting(e -> ((MessageStopEvent) e).stopReason()).isEqualTo(StopReason.TOOL_USE);
    }

    @Test
    void toolResultsContinueTheConversation() {
        ToolUseBlock call = converse(r -> r.messages(QUESTION)
                .toolConfig(t -> t.tools(WEATHER).toolChoice(c -> c.any(a -> { }))))
                .output().message().content().getFirst().toolUse();
        Message assistant = Message.builder().role("assistant").content(ContentBlock.fromToolUse(call)).build();
        Message result = Message.builder().role("user").content(ContentBlock.fromToolResult(t -> t
                .toolUseId(call.toolUseId()).content(c -> c.json(Document.fromMap(Map.of(
                        "forecast", Document.fromString("sunny"))))))).build();
        ConverseResponse answer = converse(r -> r.messages(QUESTION, assistant, result)
                .toolConfig(t -> t.tools(WEATHER)).inferenceConfig(c -> c.maxTokens(8)));
        assertThat(answer.usage().inputTokens()).isGreaterThan(20);
        assertThat(answer.stopReason()).isIn(StopReason.MAX_TOKENS, StopReason.END_TURN, StopReason.TOOL_USE);
    }

    @Test
    void malformedToolRequestsAreValidationErrors() {
        assertThatThrownBy(() -> converse(r -> r.messages(QUESTION)
                .toolConfig(t -> t.tools(WEATHER).toolChoice(c -> c.tool(n -> n.name("nope"))))))
                .isInstanceOf(ValidationException.class).hasMessageContaining("nope");
        Tool badName = Tool.fromToolSpec(s -> s.name("bad name").inputSchema(i -> i.json(Document.fromMap(Map.of()))));
        assertThatThrownBy(() -> converse(r -> r.messages(QUESTION).toolConfig(t -> t.tools(badName))))
                .isInstanceOf(ValidationException.class).hasMessageContaining("[a-zA-Z0-9_-]{1,64}");
        Message assistant = Message.builder().role("assistant").content(ContentBlock.fromToolUse(u -> u
                .toolUseId("tooluse_1").name("get_weather").input(Document.fromMap(Map.of())))).build();
        Message wrongId = Message.builder().role("user").content(ContentBlock.fromToolResult(t -> t
                .toolUseId("tooluse_2").content(c -> c.text("x")))).build();
        assertThatThrownBy(() -> converse(r -> r.messages(QUESTION, assistant, wrongId).toolConfig(t -> t.tools(WEATHER))))
                .isInstanceOf(ValidationException.class).hasMessageContaining("tooluse_2");
        Message rightId = Message.builder().role("user").content(ContentBlock.fromToolResult(t -> t
                .toolUseId("tooluse_1").content(c -> c.text("x")))).build();
        assertThatThrownBy(() -> converse(r -> r.messages(QUESTION, assistant, rightId)))
                .isInstanceOf(ValidationException.class).hasMessageContaining("toolConfig field must be defined");
        Message image = Message.builder().role("user").content(ContentBlock.fromImage(i -> i.format("png")
                .source(s -> s.bytes(SdkBytes.fromByteArray(new byte[] {1, 2, 3}))))).build();
        assertThatThrownBy(() -> converse(r -> r.messages(image)))
                .isInstanceOf(ValidationException.class).hasMessageContaining("image");
    }
}
