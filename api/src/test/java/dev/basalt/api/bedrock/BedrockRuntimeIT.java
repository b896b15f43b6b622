package dev.basalt.api.bedrock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.basalt.api.TinyModelServer;
import dev.basalt.testkit.ReferenceData;
import dev.basalt.testkit.clients.Clients;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.document.Document;
import software.amazon.awssdk.services.bedrock.BedrockClient;
import software.amazon.awssdk.services.bedrock.model.FoundationModelSummary;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClient;
import software.amazon.awssdk.services.bedrockruntime.model.ContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseResponse;
import software.amazon.awssdk.services.bedrockruntime.model.ResourceNotFoundException;
import software.amazon.awssdk.services.bedrockruntime.model.StopReason;
import software.amazon.awssdk.services.bedrockruntime.model.ValidationException;

/** Converse, CountTokens and the model catalog through the real AWS SDK, on a synthetic tiny llama model. */
class BedrockRuntimeIT {
    private static final String MODEL = TinyModelServer.MODEL;
    @TempDir
    static Path dir;
    private static TinyModelServer tiny;
    private static BedrockRuntimeClient runtime;

    @BeforeAll
    static void start() throws Exception {
        tiny = TinyModelServer.start(dir, 7);
        runtime = tiny.runtime();
    }

    @AfterAll
    static void stop() {
        tiny.close();
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
    void aRepeatedPromptPrefixIsReadFromTheCache() {
        String longSystem = "You are a storyteller who writes about dragons, castles and brave knights. ".repeat(8);
        var first = runtime.converse(r -> r.modelId(MODEL).system(s -> s.text(longSystem))
                .messages(m -> m.role("user").content(c -> c.text("Tell me one.")))
                .inferenceConfig(c -> c.maxTokens(2)));
        var second = runtime.converse(r -> r.modelId(MODEL).system(s -> s.text(longSystem), s -> s.cachePoint(p -> p.type("default")))
                .messages(m -> m.role("user").content(c -> c.text("Tell me another.")))
                .inferenceConfig(c -> c.maxTokens(2)));
        assertThat(first.usage().inputTokens()).isGreaterThan(100);
        assertThat(second.usage().cacheReadInputTokens()).isGreaterThan(64).isLessThan(second.usage().inputTokens());
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
    void optionalFieldsAreAcceptedAndResponseFieldPathsAnswered() {
        ConverseResponse response = runtime.converse(r -> r.modelId(MODEL)
                .messages(m -> m.role("user").content(c -> c.text("Hi"))).inferenceConfig(c -> c.maxTokens(3))
                .requestMetadata(Map.of("team", "search"))
                .performanceConfig(p -> p.latency("optimized"))
                .additionalModelResponseFieldPaths("/stop_reason", "/usage/completion_tokens", "/nothing"));
        Map<String, Document> fields = response.additionalModelResponseFields().asMap();
        assertThat(fields.keySet()).containsExactlyInAnyOrder("stop_reason", "usage");
        assertThat(fields.get("usage").asMap().get("completion_tokens").asNumber().intValue())
                .isEqualTo(response.usage().outputTokens());

        assertThatThrownBy(() -> runtime.converse(r -> r.modelId(MODEL)
                .messages(m -> m.role("user").content(c -> c.text("Hi")))
                .additionalModelResponseFieldPaths("stop_reason")))
                .isInstanceOf(ValidationException.class).hasMessageContaining("JSON pointers");
        assertThatThrownBy(() -> runtime.converse(r -> r.modelId(MODEL)
                .messages(m -> m.role("user").content(c -> c.text("Hi")))
                .guardrailConfig(g -> g.guardrailIdentifier("gr-1").guardrailVersion("1"))))
                .isInstanceOf(ResourceNotFoundException.class).hasMessageContaining("gr-1");
        assertThatThrownBy(() -> runtime.converse(r -> r.modelId(MODEL)
                .messages(m -> m.role("user").content(c -> c.text("Hi")))
                .promptVariables(Map.of("x", software.amazon.awssdk.services.bedrockruntime.model.PromptVariableValues
                        .fromText("y")))))
                .isInstanceOf(ValidationException.class).hasMessageContaining("promptVariables");
    }

    private static int countWith(ContentBlock... blocks) {
        return runtime.countTokens(r -> r.modelId(MODEL).input(i -> i.converse(c -> c
                .messages(m -> m.role("user").content(blocks))))).inputTokens();
    }

    private static ContentBlock document(String name, String format, byte[] bytes) {
        return ContentBlock.fromDocument(d -> d.name(name).format(format).source(s -> s.bytes(SdkBytes.fromByteArray(bytes))));
    }

    @Test
    void documentBlocksBecomeTextInThePromptAndBadOnesAreValidationErrors() throws Exception {
        byte[] pdf = Files.readAllBytes(ReferenceData.require("rag/documents/testPDF.pdf"));
        byte[] docx = Files.readAllBytes(ReferenceData.require("rag/documents/testWORD.docx"));
        ContentBlock question = ContentBlock.fromText("Summarise the document.");
        int alone = countWith(question);
        assertThat(countWith(document("Tika page", "pdf", pdf), question)).isGreaterThan(alone + 150);
        assertThat(countWith(document("Word (1)", "docx", docx), question)).isGreaterThan(alone + 30);
        assertThat(countWith(ContentBlock.fromDocument(d -> d.name("notes").format("txt")
                .source(s -> s.text("Dragons sleep in winter."))), question)).isGreaterThan(alone);
        var answer = runtime.converse(r -> r.modelId(MODEL).inferenceConfig(c -> c.maxTokens(3))
                .messages(m -> m.role("user").content(document("Tika page", "pdf", pdf), question)));
        assertThat(answer.usage().inputTokens()).isGreaterThan(alone + 150);

        assertThatThrownBy(() -> countWith(document("Word", "pdf", docx), question))
                .isInstanceOf(ValidationException.class).hasMessageContaining("declared as pdf");
        assertThatThrownBy(() -> countWith(document("bad/name", "pdf", pdf), question))
                .isInstanceOf(ValidationException.class).hasMessageContaining("name");
        assertThatThrownBy(() -> countWith(document("x", "odt", pdf), question))
                .isInstanceOf(ValidationException.class).hasMessageContaining("odt");
        ContentBlock txt = document("t", "txt", "hello".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThatThrownBy(() -> countWith(txt, txt, txt, txt, txt, txt, question))
                .isInstanceOf(ValidationException.class).hasMessageContaining("at most 5 documents");
    }

    @Test
    void catalogListsAndDescribesTheModel() {
        try (BedrockClient bedrock = Clients.aws(BedrockClient.builder(), tiny.server())) {
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
