package dev.basalt.api.bedrock;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.basalt.api.BasaltApplication;
import dev.basalt.api.EmbeddedTestServerLauncher;
import dev.basalt.testkit.ReferenceData;
import dev.basalt.testkit.clients.Clients;
import dev.basalt.testkit.server.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClient;

/**
 * End to end on a real model: TinyStories-656K (F32) served through the Bedrock API reproduces llama.cpp's greedy
 * continuations of the golden prompts token for token (Meta Llama bodies send the prompt as written, so the engine
 * sees exactly the tokens llama.cpp saw).
 */
class TinyStoriesIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void greedyInvocationsMatchLlamaCppsGoldenContinuations(@TempDir Path dir) throws Exception {
        Path model = ReferenceData.require("models/tinystories-656k-f32.gguf");
        JsonNode golden = JSON.readTree(ReferenceData.require("golden/golden-tinystories-656k-f32.json").toFile());
        try (TestServer server = EmbeddedTestServerLauncher.start(Files.createDirectories(dir.resolve("data")), Map.of(),
                List.of(new BasaltApplication.ModelSpec("basalt.tinystories", model)));
             BedrockRuntimeClient runtime = Clients.aws(BedrockRuntimeClient.builder(), server)) {
            for (JsonNode expected : golden.get("generation")) {
                ObjectNode body = JSON.createObjectNode().put("prompt", expected.get("prompt").asText())
                        .put("max_gen_len", expected.get("greedy_tokens").size()).put("temperature", 0);
                JsonNode answer = JSON.readTree(runtime.invokeModel(r -> r.modelId("basalt.tinystories")
                        .body(SdkBytes.fromUtf8String(body.toString()))).body().asByteArray());
                assertThat(answer.get("prompt_token_count").asInt()).as(expected.get("prompt").asText())
                        .isEqualTo(expected.get("prompt_tokens_with_bos").size());
                assertThat(answer.get("generation").asText()).as(expected.get("prompt").asText())
                        .isEqualTo(expected.get("greedy_text").asText());
                assertThat(answer.get("stop_reason").asText())
                        .isEqualTo(expected.get("stopped_on_eos").asBoolean() ? "stop" : "length");
            }
        }
    }
}
