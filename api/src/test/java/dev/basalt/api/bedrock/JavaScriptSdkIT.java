package dev.basalt.api.bedrock;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.basalt.api.BasaltApplication;
import dev.basalt.api.EmbeddedTestServerLauncher;
import dev.basalt.api.node.NodeScript;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClient;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseResponse;

/**
 * The unmodified AWS SDK for JavaScript v3 against Basalt: {@code src/test/js/converse-stream-smoke.mjs} runs
 * ConverseStream, Converse and a bad request, and prints a summary that is checked here against the Java SDK's
 * Converse answer to the same request. Needs {@code node} and {@code npm ci} in {@code src/test/js} (CI does
 * both); skipped otherwise (see {@link NodeScript}).
 */
class JavaScriptSdkIT {
    private static final String MODEL = "basalt.tiny";
    private static final String SYSTEM = "You tell stories.";
    private static final String PROMPT = "Once upon a time";
    private static final int MAX_TOKENS = 16;

    @Test
    void converseStreamThroughTheJavaScriptSdk(@TempDir Path dir) throws Exception {
        NodeScript.assumeAvailable();
        Path model = dir.resolve("tiny.gguf");
        SyntheticModel.write(Architecture.LLAMA, SyntheticModel.Shape.TINY, GgmlType.Q8_0, 11, model);
        try (TestServer server = EmbeddedTestServerLauncher.start(Files.createDirectories(dir.resolve("data")), Map.of(),
                List.of(new BasaltApplication.ModelSpec(MODEL, model)));
             BedrockRuntimeClient java = Clients.aws(BedrockRuntimeClient.builder(), server)) {
            JsonNode summary = NodeScript.run("converse-stream-smoke.mjs", Map.of(
                    "BASALT_ENDPOINT", server.uri().toString(),
                    "BASALT_ACCESS_KEY_ID", server.accessKeyId(),
                    "BASALT_SECRET_ACCESS_KEY", server.secretAccessKey(),
                    "BASALT_MODEL_ID", MODEL,
                    "BASALT_SYSTEM", SYSTEM,
                    "BASALT_PROMPT", PROMPT,
                    "BASALT_MAX_TOKENS", Integer.toString(MAX_TOKENS)), dir);
            ConverseResponse expected = java.converse(r -> r.modelId(MODEL)
                    .system(s -> s.text(SYSTEM))
                    .messages(m -> m.role("user").content(c -> c.text(PROMPT)))
                    .inferenceConfig(c -> c.maxTokens(MAX_TOKENS).temperature(0f)));
            String expectedText = expected.output().message().content().getFirst().text();

            JsonNode stream = summary.get("stream");
            List<String> events = new ArrayList<>();
            stream.get("events").forEach(e -> events.add(e.asText()));
            assertThat(events.getFirst()).isEqualTo("messageStart");
            assertThat(events.subList(events.size() - 3, events.size()))
                    .containsExactly("contentBlockStop", "messageStop", "metadata");
            assertThat(events.subList(1, events.size() - 3)).isNotEmpty().containsOnly("contentBlockDelta");
            assertThat(stream.get("text").asText()).isNotEmpty().isEqualTo(expectedText);
            assertThat(stream.get("stopReason").asText()).isEqualTo(expected.stopReasonAsString());
            assertUsage(stream.get("usage"), expected);

            JsonNode converse = summary.get("converse");
            assertThat(converse.get("text").asText()).isEqualTo(expectedText);
            assertThat(converse.get("stopReason").asText()).isEqualTo(expected.stopReasonAsString());
            assertUsage(converse.get("usage"), expected);

            JsonNode bad = summary.get("badRequest");
            assertThat(bad.get("name").asText()).isEqualTo("ValidationException");
            assertThat(bad.get("isValidationException").asBoolean()).isTrue();
            assertThat(bad.get("status").asInt()).isEqualTo(400);
            assertThat(bad.get("message").asText()).contains("topP");
        }
    }

    private static void assertUsage(JsonNode usage, ConverseResponse expected) {
        assertThat(usage.get("inputTokens").asInt()).isEqualTo(expected.usage().inputTokens()).isPositive();
        assertThat(usage.get("outputTokens").asInt()).isEqualTo(expected.usage().outputTokens()).isPositive();
        assertThat(usage.get("totalTokens").asInt())
                .isEqualTo(expected.usage().inputTokens() + expected.usage().outputTokens());
    }
}
