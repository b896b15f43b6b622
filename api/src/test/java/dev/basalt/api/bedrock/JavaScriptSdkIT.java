package dev.basalt.api.bedrock;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.basalt.api.BasaltApplication;
import dev.basalt.api.EmbeddedTestServerLauncher;
import dev.basalt.engine.gguf.GgmlType;
import dev.basalt.engine.model.Architecture;
import dev.basalt.engine.model.SyntheticModel;
import dev.basalt.testkit.clients.Clients;
import dev.basalt.testkit.server.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClient;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseResponse;

/**
 * The unmodified AWS SDK for JavaScript v3 against Basalt: {@code src/test/js/converse-stream-smoke.mjs} runs
 * ConverseStream, Converse and a bad request, and prints a summary that is checked here against the Java SDK's
 * Converse answer to the same request. Needs {@code node} and {@code npm ci} in {@code src/test/js} (CI does
 * both); skipped otherwise. The test never runs npm itself.
 */
class JavaScriptSdkIT {
    private static final String MODEL = "basalt.tiny";
    private static final Path PROJECT = Path.of("src/test/js");
    private static final String SYSTEM = "You tell stories.";
    private static final String PROMPT = "Once upon a time";
    private static final int MAX_TOKENS = 16;

    @Test
    void converseStreamThroughTheJavaScriptSdk(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(nodeAvailable(), "skipped: `node` is not on the PATH (install Node.js 18 or newer)");
        Assumptions.assumeTrue(Files.isDirectory(PROJECT.resolve("node_modules")),
                () -> "skipped: " + PROJECT.toAbsolutePath().resolve("node_modules") + " is missing (run `npm ci` in "
                        + PROJECT.toAbsolutePath() + ")");
        Path model = dir.resolve("tiny.gguf");
        SyntheticModel.write(Architecture.LLAMA, SyntheticModel.Shape.TINY, GgmlType.Q8_0, 11, model);
        try (TestServer server = EmbeddedTestServerLauncher.start(Files.createDirectories(dir.resolve("data")), Map.of(),
                List.of(new BasaltApplication.ModelSpec(MODEL, model)));
             BedrockRuntimeClient java = Clients.aws(BedrockRuntimeClient.builder(), server)) {
            JsonNode summary = runSmokeScript(server, dir);
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

    /** Runs the script against {@code server} and parses its summary; fails with node's stderr if it fails. */
    private static JsonNode runSmokeScript(TestServer server, Path dir) throws IOException, InterruptedException {
        // Both outputs go to files, so a hanging script cannot block this thread past the timeout below.
        Path stdout = dir.resolve("node-stdout.txt");
        Path stderr = dir.resolve("node-stderr.txt");
        ProcessBuilder builder = new ProcessBuilder("node", "converse-stream-smoke.mjs")
                .directory(PROJECT.toFile())
                .redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile());
        Map<String, String> env = builder.environment();
        env.put("BASALT_ENDPOINT", server.uri().toString());
        env.put("BASALT_ACCESS_KEY_ID", server.accessKeyId());
        env.put("BASALT_SECRET_ACCESS_KEY", server.secretAccessKey());
        env.put("BASALT_MODEL_ID", MODEL);
        env.put("BASALT_SYSTEM", SYSTEM);
        env.put("BASALT_PROMPT", PROMPT);
        env.put("BASALT_MAX_TOKENS", Integer.toString(MAX_TOKENS));
        Process node = builder.start();
        if (!node.waitFor(120, TimeUnit.SECONDS)) {
            node.destroyForcibly();
            throw new AssertionError("node did not finish within 120 s; stderr: " + Files.readString(stderr));
        }
        assertThat(node.exitValue()).as("node's exit status; stderr: %s", Files.readString(stderr)).isZero();
        return new ObjectMapper().readTree(Files.readString(stdout));
    }

    private static boolean nodeAvailable() {
        try {
            Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
