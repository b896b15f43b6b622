package dev.basalt.api.bedrock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.basalt.api.TinyModelServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClient;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseResponse;
import software.amazon.awssdk.services.bedrockruntime.model.InvokeModelResponse;
import software.amazon.awssdk.services.bedrockruntime.model.InvokeModelWithResponseStreamResponseHandler;
import software.amazon.awssdk.services.bedrockruntime.model.ValidationException;

/**
 * InvokeModel and InvokeModelWithResponseStream in each native body family through the real AWS SDK (sync client,
 * and the async client over HTTP/2), on a synthetic tiny model; CountTokens on InvokeModel bodies.
 */
class InvokeModelIT {
    private static final String MODEL = TinyModelServer.MODEL;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ANTHROPIC = "{\"anthropic_version\":\"bedrock-2023-05-31\",\"max_tokens\":16,"
            + "\"temperature\":0,\"system\":\"You tell stories.\","
            + "\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"Once upon a time\"}]}]}";
    private static final String LLAMA = "{\"prompt\":\"<|im_start|>user\\nTell me<|im_end|>\\n<|im_start|>assistant\\n\","
            + "\"max_gen_len\":14,\"temperature\":0}";
    private static final String TITAN = "{\"inputText\":\"User: Tell me a story\\nBot:\","
            + "\"textGenerationConfig\":{\"maxTokenCount\":12,\"temperature\":0}}";
    private static final String MISTRAL = "{\"prompt\":\"[INST] Tell me [/INST]\",\"max_tokens\":10,\"temperature\":0}";
    @TempDir
    static Path dir;
    private static TinyModelServer fixture;
    private static BedrockRuntimeClient runtime;
    private static BedrockRuntimeAsyncClient async;

    @BeforeAll
    static void start() throws Exception {
        fixture = TinyModelServer.start(dir, 11);
        runtime = fixture.runtime();
        async = fixture.async();
    }

    @AfterAll
    static void stop() throws Exception {
        fixture.close();
    }

    private static JsonNode json(byte[] bytes) {
        try {
            return JSON.readTree(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static InvokeModelResponse invokeRaw(String body) {
        return runtime.invokeModel(r -> r.modelId(MODEL).contentType("application/json").accept("application/json")
                .body(SdkBytes.fromUtf8String(body)));
    }

    private static JsonNode invoke(String body) {
        return json(invokeRaw(body).body().asByteArray());
    }

    /** The decoded chunks of an InvokeModelWithResponseStream, in arrival order. */
    private static List<JsonNode> stream(String body) {
        List<JsonNode> chunks = new CopyOnWriteArrayList<>();
        InvokeModelWithResponseStreamResponseHandler handler = InvokeModelWithResponseStreamResponseHandler.builder()
                .subscriber(InvokeModelWithResponseStreamResponseHandler.Visitor.builder()
                        .onChunk(part -> chunks.add(json(part.bytes().asByteArray()))).build())
                .build();
        async.invokeModelWithResponseStream(r -> r.modelId(MODEL).contentType("application/json")
                .accept("application/json").body(SdkBytes.fromUtf8String(body)), handler)
                .orTimeout(60, TimeUnit.SECONDS).join();
        return chunks;
    }

    private static int countTokens(String body) {
        return runtime.countTokens(r -> r.modelId(MODEL)
                .input(i -> i.invokeModel(m -> m.body(SdkBytes.fromUtf8String(body))))).inputTokens();
    }

    private static String concat(List<JsonNode> chunks, Function<JsonNode, JsonNode> text) {
        StringBuilder out = new StringBuilder();
        chunks.forEach(c -> out.append(text.apply(c).asText()));
        return out.toString();
    }

    private static JsonNode metrics(List<JsonNode> chunks) {
        assertThat(chunks.subList(0, chunks.size() - 1)).allSatisfy(c ->
                assertThat(c.has("amazon-bedrock-invocationMetrics")).isFalse());
        JsonNode metrics = chunks.getLast().get("amazon-bedrock-invocationMetrics");
        assertThat(metrics).isNotNull();
        assertThat(metrics.get("invocationLatency").asLong()).isNotNegative();
        assertThat(metrics.get("firstByteLatency").asLong()).isBetween(0L, metrics.get("invocationLatency").asLong());
        return metrics;
    }

    @Test
    void anthropicMessagesAnswerAsConverseDoesWithBedrocksHeaders() {
        InvokeModelResponse raw = invokeRaw(ANTHROPIC);
        JsonNode answer = json(raw.body().asByteArray());
        assertThat(invoke(ANTHROPIC).at("/content/0/text")).isEqualTo(answer.at("/content/0/text"));
        ConverseResponse converse = runtime.converse(r -> r.modelId(MODEL)
                .system(s -> s.text("You tell stories."))
                .messages(m -> m.role("user").content(c -> c.text("Once upon a time")))
                .inferenceConfig(c -> c.maxTokens(16).temperature(0f)));

        assertThat(raw.contentType()).startsWith("application/json");
        assertThat(answer.get("id").asText()).startsWith("msg_bdrk_");
        assertThat(answer.get("type").asText()).isEqualTo("message");
        assertThat(answer.get("role").asText()).isEqualTo("assistant");
        assertThat(answer.get("model").asText()).isEqualTo(MODEL);
        assertThat(answer.at("/content/0/type").asText()).isEqualTo("text");
        assertThat(answer.at("/content/0/text").asText()).isNotEmpty()
                .isEqualTo(converse.output().message().content().getFirst().text());
        assertThat(answer.get("stop_reason").asText()).isEqualTo(converse.stopReasonAsString());
        assertThat(answer.get("stop_sequence").isNull()).isTrue();
        assertThat(answer.at("/usage/input_tokens").asInt()).isEqualTo(converse.usage().inputTokens());
        assertThat(answer.at("/usage/output_tokens").asInt()).isEqualTo(converse.usage().outputTokens());
        assertThat(raw.sdkHttpResponse().firstMatchingHeader("X-Amzn-Bedrock-Input-Token-Count"))
                .hasValue(Integer.toString(converse.usage().inputTokens()));
        assertThat(raw.sdkHttpResponse().firstMatchingHeader("X-Amzn-Bedrock-Output-Token-Count"))
                .hasValue(Integer.toString(converse.usage().outputTokens()));
        assertThat(raw.sdkHttpResponse().firstMatchingHeader("X-Amzn-Bedrock-Invocation-Latency")).isPresent();
        assertThat(countTokens(ANTHROPIC)).isEqualTo(converse.usage().inputTokens());
    }

    @Test
    void anthropicStreamsInAnthropicsEventOrder() {
        JsonNode answer = invoke(ANTHROPIC);
        List<JsonNode> chunks = stream(ANTHROPIC);
        List<String> types = chunks.stream().map(c -> c.get("type").asText()).toList();
        assertThat(types.subList(0, 2)).containsExactly("message_start", "content_block_start");
        assertThat(types.subList(2, types.size() - 3)).isNotEmpty().containsOnly("content_block_delta");
        assertThat(types.subList(types.size() - 3, types.size()))
                .containsExactly("content_block_stop", "message_delta", "message_stop");
        assertThat(chunks.getFirst().at("/message/usage/input_tokens")).isEqualTo(answer.at("/usage/input_tokens"));
        List<JsonNode> deltas = chunks.subList(2, chunks.size() - 3);
        assertThat(deltas).allSatisfy(d -> assertThat(d.at("/delta/type").asText()).isEqualTo("text_delta"));
        assertThat(concat(deltas, d -> d.at("/delta/text"))).isEqualTo(answer.at("/content/0/text").asText());
        JsonNode messageDelta = chunks.get(chunks.size() - 2);
        assertThat(messageDelta.at("/delta/stop_reason")).isEqualTo(answer.get("stop_reason"));
        assertThat(messageDelta.at("/usage/output_tokens")).isEqualTo(answer.at("/usage/output_tokens"));
        JsonNode metrics = metrics(chunks);
        assertThat(metrics.get("inputTokenCount")).isEqualTo(answer.at("/usage/input_tokens"));
        assertThat(metrics.get("outputTokenCount")).isEqualTo(answer.at("/usage/output_tokens"));
    }

    @Test
    void anthropicToolsForceACallThatStreamsAsInputJsonDeltas() throws Exception {
        String body = "{\"anthropic_version\":\"bedrock-2023-05-31\",\"max_tokens\":200,\"temperature\":0,"
                + "\"tools\":[{\"name\":\"get_weather\",\"description\":\"Weather\",\"input_schema\":{\"type\":\"object\","
                + "\"properties\":{\"city\":{\"type\":\"string\",\"maxLength\":12}},\"required\":[\"city\"]}}],"
                + "\"tool_choice\":{\"type\":\"tool\",\"name\":\"get_weather\"},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Weather in Oslo?\"}]}";
        JsonNode answer = invoke(body);
        assertThat(answer.get("stop_reason").asText()).isEqualTo("tool_use");
        JsonNode call = answer.at("/content/0");
        assertThat(call.get("type").asText()).isEqualTo("tool_use");
        assertThat(call.get("id").asText()).startsWith("toolu_");
        assertThat(call.get("name").asText()).isEqualTo("get_weather");
        assertThat(call.at("/input/city").isTextual()).isTrue();

        List<JsonNode> chunks = stream(body);
        assertThat(chunks.get(1).at("/content_block/type").asText()).isEqualTo("tool_use");
        assertThat(chunks.get(1).at("/content_block/name").asText()).isEqualTo("get_weather");
        String input = concat(chunks.stream().filter(c -> c.at("/delta/type").asText().equals("input_json_delta"))
                .toList(), c -> c.at("/delta/partial_json"));
        assertThat(JSON.readTree(input)).isEqualTo(call.get("input"));
        assertThat(chunks.get(chunks.size() - 2).at("/delta/stop_reason").asText()).isEqualTo("tool_use");
    }

    @Test
    void metaLlamaPromptsAreGeneratedAndStreamed() {
        JsonNode answer = invoke(LLAMA);
        assertThat(invoke(LLAMA)).isEqualTo(answer);
        assertThat(answer.get("generation").asText()).isNotEmpty();
        assertThat(answer.get("stop_reason").asText()).isIn("stop", "length");
        assertThat(answer.get("generation_token_count").asInt()).isBetween(1, 14);
        assertThat(answer.get("prompt_token_count").asInt()).isEqualTo(countTokens(LLAMA));

        List<JsonNode> chunks = stream(LLAMA);
        assertThat(concat(chunks, c -> c.get("generation"))).isEqualTo(answer.get("generation").asText());
        assertThat(chunks.getFirst().get("prompt_token_count")).isEqualTo(answer.get("prompt_token_count"));
        assertThat(chunks.subList(1, chunks.size())).allSatisfy(c -> assertThat(c.get("prompt_token_count").isNull()).isTrue());
        assertThat(chunks.getLast().get("stop_reason")).isEqualTo(answer.get("stop_reason"));
        assertThat(chunks.getLast().get("generation_token_count")).isEqualTo(answer.get("generation_token_count"));
        JsonNode metrics = metrics(chunks);
        assertThat(metrics.get("inputTokenCount")).isEqualTo(answer.get("prompt_token_count"));
        assertThat(metrics.get("outputTokenCount")).isEqualTo(answer.get("generation_token_count"));
    }

    @Test
    void titanTextIsGeneratedAndStreamed() {
        JsonNode answer = invoke(TITAN);
        assertThat(invoke(TITAN)).isEqualTo(answer);
        JsonNode result = answer.at("/results/0");
        assertThat(result.get("outputText").asText()).isNotEmpty();
        assertThat(result.get("completionReason").asText()).isIn("FINISH", "LENGTH");
        assertThat(answer.get("inputTextTokenCount").asInt()).isEqualTo(countTokens(TITAN));

        List<JsonNode> chunks = stream(TITAN);
        assertThat(concat(chunks, c -> c.get("outputText"))).isEqualTo(result.get("outputText").asText());
        assertThat(chunks).allSatisfy(c -> assertThat(c.get("inputTextTokenCount"))
                .isEqualTo(answer.get("inputTextTokenCount")));
        assertThat(chunks.getLast().get("completionReason")).isEqualTo(result.get("completionReason"));
        assertThat(chunks.getLast().get("totalOutputTextTokenCount")).isEqualTo(result.get("tokenCount"));
        JsonNode metrics = metrics(chunks);
        assertThat(metrics.get("inputTokenCount")).isEqualTo(answer.get("inputTextTokenCount"));
        assertThat(metrics.get("outputTokenCount")).isEqualTo(result.get("tokenCount"));
    }

    @Test
    void mistralPromptsAreGeneratedAndStreamedAndStopSequencesEndThem() {
        JsonNode answer = invoke(MISTRAL);
        assertThat(invoke(MISTRAL)).isEqualTo(answer);
        String text = answer.at("/outputs/0/text").asText();
        assertThat(text.length()).isGreaterThan(4);

        List<JsonNode> chunks = stream(MISTRAL);
        assertThat(concat(chunks, c -> c.at("/outputs/0/text"))).isEqualTo(text);
        assertThat(chunks.subList(0, chunks.size() - 1)).allSatisfy(c ->
                assertThat(c.at("/outputs/0/stop_reason").isNull()).isTrue());
        assertThat(chunks.getLast().at("/outputs/0/stop_reason")).isEqualTo(answer.at("/outputs/0/stop_reason"));
        JsonNode metrics = metrics(chunks);
        assertThat(metrics.get("inputTokenCount").asInt()).isEqualTo(countTokens(MISTRAL));
        assertThat(metrics.get("outputTokenCount").asInt()).isBetween(1, 10);

        String stop = text.substring(text.length() / 2, text.length() / 2 + 2);
        JsonNode stopped = invoke(MISTRAL.replace("\"temperature\"", "\"stop\":[" + JSON.valueToTree(stop) + "],\"temperature\""));
        assertThat(stopped.at("/outputs/0/text").asText()).isEqualTo(text.substring(0, text.indexOf(stop)));
        assertThat(stopped.at("/outputs/0/stop_reason").asText()).isEqualTo("stop");
    }

    @Test
    void promptsThatStartWithTheBosTokenGetNoSecondOne() {
        assertThat(countTokens("{\"prompt\":\"<|im_start|>Once upon\"}")).isEqualTo(countTokens("{\"prompt\":\"Once upon\"}"));
    }

    @Test
    void badBodiesAndMediaTypesAreValidationErrors() {
        assertThatThrownBy(() -> invoke("{\"prompt\":\"x\",\"max_gen_len\":0}"))
                .isInstanceOf(ValidationException.class).hasMessageContaining("#/max_gen_len");
        assertThatThrownBy(() -> invoke("nope")).isInstanceOf(ValidationException.class)
                .hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> invoke("{\"hello\":1}")).isInstanceOf(ValidationException.class)
                .hasMessageContaining("matches no supported model family");
        assertThatThrownBy(() -> invoke(ANTHROPIC.replace("\"system\"", "\"tool_choice\":{\"type\":\"any\"},\"system\"")))
                .isInstanceOf(ValidationException.class).hasMessageContaining("needs at least one tool");
        assertThatThrownBy(() -> runtime.invokeModel(r -> r.modelId(MODEL).contentType("text/plain")
                .body(SdkBytes.fromUtf8String(LLAMA)))).isInstanceOf(ValidationException.class)
                .hasMessageContaining("contentType");
        assertThatThrownBy(() -> runtime.invokeModel(r -> r.modelId(MODEL).accept("text/html")
                .body(SdkBytes.fromUtf8String(LLAMA)))).isInstanceOf(ValidationException.class)
                .hasMessageContaining("accept");
        assertThatThrownBy(() -> stream("{\"inputText\":\"x\",\"textGenerationConfig\":{\"topP\":2}}"))
                .isInstanceOf(CompletionException.class).cause().isInstanceOf(ValidationException.class)
                .hasMessageContaining("#/textGenerationConfig/topP");
        assertThatThrownBy(() -> countTokens("{\"prompt\":\"x\",\"max_tokens\":\"many\"}"))
                .isInstanceOf(ValidationException.class).hasMessageContaining("#/max_tokens");
    }

    @Test
    void theSdksDefaultMediaTypesAreAccepted() {
        JsonNode answer = json(runtime.invokeModel(r -> r.modelId(MODEL).body(SdkBytes.fromUtf8String(LLAMA)))
                .body().asByteArray());
        assertThat(answer).isEqualTo(invoke(LLAMA));
    }
}
