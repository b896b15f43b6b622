package dev.basalt.api.bedrock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.basalt.api.BasaltApplication;
import dev.basalt.api.EmbeddedTestServerLauncher;
import dev.basalt.engine.gguf.GgmlType;
import dev.basalt.engine.model.Architecture;
import dev.basalt.engine.model.SyntheticModel;
import dev.basalt.testkit.clients.Clients;
import dev.basalt.testkit.server.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.document.Document;
import software.amazon.awssdk.services.bedrock.BedrockClient;
import software.amazon.awssdk.services.bedrock.model.FoundationModelSummary;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClient;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseResponse;
import software.amazon.awssdk.services.bedrockruntime.model.ResourceNotFoundException;
import software.amazon.awssdk.services.bedrockruntime.model.StopReason;
import software.amazon.awssdk.services.bedrockruntime.model.ValidationException;

/** Converse, CountTokens and the model catalog through the real AWS SDK, on a synthetic tiny llama model. */
class BedrockRuntimeIT {
    private static final String MODEL = "basalt.tiny";
    @TempDir
    static Path dir;
    private static TestServer server;
    private static BedrockRuntimeClient runtime;

    @BeforeAll
    static void start() throws Exception {
        Path model = dir.resolve("tiny.gguf");
        SyntheticModel.write(Architecture.LLAMA, SyntheticModel.Shape.TINY, GgmlType.Q8_0, 7, model);
        server = EmbeddedTestServerLauncher.start(Files.createDirectories(dir.resolve("data")), Map.of(),
                List.of(new BasaltApplication.ModelSpec(MODEL, model)));
        runtime = Clients.aws(BedrockRuntimeClient.builder(), server);
    }

    @AfterAll
    static void stop() throws Exception {
        runtime.close();
        server.close();
    }

    private static ConverseResponse ask(String text, int maxTokens) {
        return runtime.converse(r -> r.modelId(MODEL)
                .system(s -> s.text("You tell stories."))
                .messages(m -> m.role("user").content(c -> c.text(text)))
                .inferenceConfig(c -> c.maxTokens(maxTokens).temperature(0f)));
    }

    @Test
    void converseAnswersWithTextUsageAndStopReason() {
        ConverseResponse response = ask("Once upon a time", 12);
        assertThat(response.output().message().role().toString()).isEqualTo("assistant");
        assertThat(response.output().message().content().getFirst().text()).isNotEmpty();
        assertThat(response.stopReason()).isIn(StopReason.MAX_TOKENS, StopReason.END_TURN);
        assertThat(response.usage().inputTokens()).isGreaterThan(5);
        assertThat(response.usage().outputTokens()).isBetween(1, 12);
        assertThat(response.usage().totalTokens()).isEqualTo(response.usage().inputTokens() + response.usage().outputTokens());
        assertThat(response.metrics().latencyMs()).isNotNegative();
        // Temperature 0 is greedy: the same question gets the same answer.
        assertThat(ask("Once upon a time", 12).output().message().content().getFirst().text())
                .isEqualTo(response.output().message().content().getFirst().text());
    }

    @Test
    void seedMakesSampledAnswersRepeatable() {
        var first = runtime.converse(r -> r.modelId(MODEL).messages(m -> m.role("user").content(c -> c.text("Hi")))
                .inferenceConfig(c -> c.maxTokens(10).temperature(1f))
                .additionalModelRequestFields(Document.mapBuilder().putNumber("seed", 42).putNumber("top_k", 50).build()));
        var second = runtime.converse(r -> r.modelId(MODEL).messages(m -> m.role("user").content(c -> c.text("Hi")))
                .inferenceConfig(c -> c.maxTokens(10).temperature(1f))
                .additionalModelRequestFields(Document.mapBuilder().putNumber("seed", 42).putNumber("top_k", 50).build()));
        assertThat(second.output().message().content().getFirst().text())
                .isEqualTo(first.output().message().content().getFirst().text());
    }

    @Test
    void modelArnsResolveToTheModel() {
        String arn = "arn:aws:bedrock:us-east-1::foundation-model/" + MODEL;
        var response = runtime.converse(r -> r.modelId(arn).messages(m -> m.role("user").content(c -> c.text("Hi")))
                .inferenceConfig(c -> c.maxTokens(2)));
        assertThat(response.usage().outputTokens()).isBetween(1, 2);
    }

    @Test
    void countTokensMatchesConverseInputTokens() {
        int counted = runtime.countTokens(r -> r.modelId(MODEL).input(i -> i.converse(c -> c
                .system(s -> s.text("You tell stories."))
                .messages(m -> m.role("user").content(b -> b.text("Once upon a time")))))).inputTokens();
        assertThat(counted).isEqualTo(ask("Once upon a time", 1).usage().inputTokens());
    }

    @Test
    void badRequestsAreValidationErrorsAndUnknownModelsAreNotFound() {
        assertThatThrownBy(() -> runtime.converse(r -> r.modelId(MODEL)
                .messages(m -> m.role("assistant").content(c -> c.text("Hi")))))
                .isInstanceOf(ValidationException.class).hasMessageContaining("start with a user message");
        assertThatThrownBy(() -> runtime.converse(r -> r.modelId(MODEL)
                .messages(m -> m.role("user").content(c -> c.text("a")), m -> m.role("user").content(c -> c.text("b")))))
                .isInstanceOf(ValidationException.class).hasMessageContaining("alternate");
        assertThatThrownBy(() -> runtime.converse(r -> r.modelId(MODEL)
                .messages(m -> m.role("user").content(c -> c.text("Hi"))).inferenceConfig(c -> c.temperature(1.5f))))
                .isInstanceOf(ValidationException.class).hasMessageContaining("temperature");
        assertThatThrownBy(() -> runtime.converse(r -> r.modelId(MODEL)
                .messages(m -> m.role("user").content(c -> c.text("Hi")))
                .additionalModelRequestFields(Document.mapBuilder().putString("bogus", "x").build())))
                .isInstanceOf(ValidationException.class).hasMessageContaining("additionalModelRequestFields.bogus");
        assertThatThrownBy(() -> runtime.converse(r -> r.modelId(MODEL)
                .messages(m -> m.role("user").content(c -> c.text("Hi"))).inferenceConfig(c -> c.maxTokens(100_000))))
                .isInstanceOf(ValidationException.class);
        assertThatThrownBy(() -> runtime.converse(r -> r.modelId("basalt.nope")
                .messages(m -> m.role("user").content(c -> c.text("Hi")))))
                .isInstanceOf(ResourceNotFoundException.class).hasMessageContaining("basalt.nope");
    }

    @Test
    void catalogListsAndDescribesTheModel() {
        try (BedrockClient bedrock = Clients.aws(BedrockClient.builder(), server)) {
            List<FoundationModelSummary> models = bedrock.listFoundationModels(r -> { }).modelSummaries();
            assertThat(models).extracting(FoundationModelSummary::modelId).containsExactly(MODEL);
            assertThat(models.getFirst().modelArn()).isEqualTo("arn:aws:bedrock:us-east-1::foundation-model/" + MODEL);
            assertThat(models.getFirst().responseStreamingSupported()).isTrue();
            assertThat(bedrock.listFoundationModels(r -> r.byProvider("someone-else")).modelSummaries()).isEmpty();
            var details = bedrock.getFoundationModel(r -> r.modelIdentifier(MODEL)).modelDetails();
            assertThat(details.providerName()).isEqualTo("basalt");
            assertThat(details.modelLifecycle().statusAsString()).isEqualTo("ACTIVE");
            assertThatThrownBy(() -> bedrock.getFoundationModel(r -> r.modelIdentifier("basalt.nope")))
                    .isInstanceOf(software.amazon.awssdk.services.bedrock.model.ResourceNotFoundException.class);
        }
    }
}
