package dev.basalt.api.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.basalt.api.TinyModelServer;
import dev.basalt.api.node.NodeScript;
import dev.basalt.testkit.clients.Clients;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The unmodified npm {@code openai} package against Basalt: {@code src/test/js/openai-smoke.mjs} runs a chat
 * completion, a streamed one, a required tool call and a bad request, and prints a summary that is checked here
 * against openai-java's answer to the same request. Skipped without node or {@code npm ci} (see {@link NodeScript}).
 */
class OpenAiNodeIT {
    private static final String MODEL = TinyModelServer.MODEL;
    private static final String SYSTEM = "You tell stories.";
    private static final String PROMPT = "Once upon a time";
    private static final int MAX_TOKENS = 16;

    @Test
    void chatCompletionsThroughTheNpmPackage(@TempDir Path dir) throws Exception {
        NodeScript.assumeAvailable();
        try (TinyModelServer tiny = TinyModelServer.start(dir, 29)) {
            JsonNode summary = NodeScript.run("openai-smoke.mjs", Map.of(
                    "BASALT_ENDPOINT", tiny.server().uri().toString(),
                    "BASALT_API_KEY", tiny.server().apiKey(),
                    "BASALT_MODEL_ID", MODEL,
                    "BASALT_SYSTEM", SYSTEM,
                    "BASALT_PROMPT", PROMPT,
                    "BASALT_MAX_TOKENS", Integer.toString(MAX_TOKENS)), dir);
            OpenAIClient java = Clients.openAi(tiny.server());
            ChatCompletion expected;
            try {
                expected = java.chat().completions().create(ChatCompletionCreateParams.builder().model(MODEL)
                        .addSystemMessage(SYSTEM).addUserMessage(PROMPT).maxTokens(MAX_TOKENS).temperature(0.0).build());
            } finally {
                java.close();
            }
            String expectedText = expected.choices().getFirst().message().content().orElseThrow();
            String expectedFinish = expected.choices().getFirst().finishReason().asString();
            var usage = expected.usage().orElseThrow();

            JsonNode chat = summary.get("chat");
            assertThat(chat.get("id").asText()).startsWith("chatcmpl-");
            assertThat(chat.get("text").asText()).isNotEmpty().isEqualTo(expectedText);
            assertThat(chat.get("finishReason").asText()).isEqualTo(expectedFinish);
            assertThat(chat.at("/usage/prompt_tokens").asLong()).isEqualTo(usage.promptTokens());
            assertThat(chat.at("/usage/completion_tokens").asLong()).isEqualTo(usage.completionTokens());

            JsonNode stream = summary.get("stream");
            assertThat(stream.get("chunks").asInt()).isGreaterThan(2);
            assertThat(stream.get("text").asText()).isEqualTo(expectedText);
            assertThat(stream.get("finishReason").asText()).isEqualTo(expectedFinish);
            assertThat(stream.at("/usage/completion_tokens").asLong()).isEqualTo(usage.completionTokens());
            assertThat(stream.at("/usage/total_tokens").asLong()).isEqualTo(usage.totalTokens());

            JsonNode tool = summary.get("toolCall");
            assertThat(tool.get("finishReason").asText()).isEqualTo("tool_calls");
            assertThat(tool.get("calls").asInt()).isEqualTo(1);
            assertThat(tool.get("id").asText()).startsWith("call_");
            assertThat(tool.get("name").asText()).isEqualTo("get_weather");
            assertThat(tool.at("/arguments/city").isTextual()).isTrue();
            assertThat(tool.at("/arguments/days").isIntegralNumber()).isTrue();

            JsonNode bad = summary.get("badRequest");
            assertThat(bad.get("isBadRequest").asBoolean()).as("%s", bad).isTrue();
            assertThat(bad.get("status").asInt()).isEqualTo(400);
            assertThat(bad.get("param").asText()).isEqualTo("temperature");
            assertThat(bad.get("type").asText()).isEqualTo("invalid_request_error");
        }
    }
}
