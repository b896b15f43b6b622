package dev.basalt.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.errors.BadRequestException;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
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
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.bedrock.BedrockClient;
import software.amazon.awssdk.services.bedrock.model.FoundationModelSummary;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClient;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseResponse;
import software.amazon.awssdk.services.bedrockruntime.model.ValidationException;

/**
 * Basalt as a gateway, through its public APIs: a second Basalt (on a synthetic tiny model) is the upstream of two
 * configured providers, one speaking its OpenAI API and one its Bedrock API. Their models appear in both catalogs
 * under the providers' prefixes and answer Converse and chat completions exactly as the upstream does.
 */
class GatewayIT {
    @TempDir
    static Path dir;
    private static TinyModelServer upstream;
    private static TestServer gateway;
    private static BedrockRuntimeClient runtime;

    @BeforeAll
    static void start() throws Exception {
        upstream = TinyModelServer.start(Files.createDirectories(dir.resolve("upstream")), 31);
        TestServer up = upstream.server();
        gateway = EmbeddedTestServerLauncher.start(Files.createDirectories(dir.resolve("gateway")), Map.of(
                "providers.oai.kind", "openai", "providers.oai.url", up.uri() + "/v1",
                "providers.oai.apiKey", up.apiKey(), "providers.oai.modelPrefix", "oai.",
                "providers.brk.kind", "bedrock", "providers.brk.url", up.uri().toString(),
                "providers.brk.region", "us-east-1", "providers.brk.accessKeyId", up.accessKeyId(),
                "providers.brk.secretAccessKey", up.secretAccessKey(), "providers.brk.modelPrefix", "brk."),
                List.of());
        runtime = Clients.aws(BedrockRuntimeClient.builder(), gateway);
    }

    @AfterAll
    static void stop() {
        runtime.close();
        gateway.close();
        upstream.close();
    }

    private static ConverseResponse converse(BedrockRuntimeClient client, String model) {
        return client.converse(r -> r.modelId(model).messages(m -> m.role("user").content(c -> c.text("Once upon")))
                .inferenceConfig(c -> c.maxTokens(12).temperature(0f)));
    }

    @Test
    void remoteModelsAnswerConverseAsTheUpstreamDoes() {
        String direct = converse(upstream.runtime(), TinyModelServer.MODEL).output().message().content().getFirst().text();
        for (String model : List.of("oai." + TinyModelServer.MODEL, "brk." + TinyModelServer.MODEL,
                "arn:aws:bedrock:us-east-1::foundation-model/brk." + TinyModelServer.MODEL)) {
            ConverseResponse response = converse(runtime, model);
            assertThat(response.output().message().content().getFirst().text()).as(model).isEqualTo(direct);
            assertThat(response.usage().outputTokens()).as(model).isBetween(1, 12);
        }
    }

    @Test
    void remoteModelsAnswerChatCompletionsAndAppearInBothCatalogs() {
        OpenAIClient openAi = Clients.openAi(gateway);
        try (BedrockClient bedrock = Clients.aws(BedrockClient.builder(), gateway)) {
            ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model("oai." + TinyModelServer.MODEL)
                    .addUserMessage("Once upon").maxCompletionTokens(12).temperature(0.0).build();
            String direct = Clients.openAi(upstream.server()).chat().completions()
                    .create(params.toBuilder().model(TinyModelServer.MODEL).build())
                    .choices().getFirst().message().content().orElseThrow();
            assertThat(openAi.chat().completions().create(params).choices().getFirst().message().content())
                    .hasValue(direct);
            assertThatThrownBy(() -> openAi.chat().completions().create(params.toBuilder().logprobs(true).build()))
                    .isInstanceOf(BadRequestException.class).hasMessageContaining("remote provider");

            assertThat(openAi.models().list().data()).extracting(m -> m.id())
                    .contains("oai." + TinyModelServer.MODEL, "brk." + TinyModelServer.MODEL);
            assertThat(bedrock.listFoundationModels(r -> r.byProvider("brk")).modelSummaries())
                    .extracting(FoundationModelSummary::modelId).containsExactly("brk." + TinyModelServer.MODEL);
        } finally {
            openAi.close();
        }
    }

    @Test
    void anthropicInvokeModelBodiesRunOnRemoteModels() throws Exception {
        String body = "{\"anthropic_version\":\"bedrock-2023-05-31\",\"max_tokens\":12,\"temperature\":0,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Once upon\"}]}";
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        var direct = json.readTree(upstream.runtime().invokeModel(r -> r.modelId(TinyModelServer.MODEL)
                .body(SdkBytes.fromUtf8String(body))).body().asByteArray());
        for (String model : List.of("oai." + TinyModelServer.MODEL, "brk." + TinyModelServer.MODEL)) {
            var answer = json.readTree(runtime.invokeModel(r -> r.modelId(model)
                    .body(SdkBytes.fromUtf8String(body))).body().asByteArray());
            assertThat(answer.at("/content/0/text")).as(model).isEqualTo(direct.at("/content/0/text"));
            assertThat(answer.at("/usage/output_tokens")).as(model).isEqualTo(direct.at("/usage/output_tokens"));
        }
    }

    @Test
    void operationsThatNeedTheModelsTokenizerSaySoForRemoteModels() {
        assertThatThrownBy(() -> runtime.countTokens(r -> r.modelId("oai." + TinyModelServer.MODEL)
                .input(i -> i.converse(c -> c.messages(m -> m.role("user").content(b -> b.text("hi")))))))
                .isInstanceOf(ValidationException.class).hasMessageContaining("CountTokens is not available");
        assertThatThrownBy(() -> runtime.invokeModel(r -> r.modelId("brk." + TinyModelServer.MODEL)
                .body(SdkBytes.fromUtf8String("{\"prompt\":\"hi\",\"max_gen_len\":2}"))))
                .isInstanceOf(ValidationException.class).hasMessageContaining("Prompt bodies")
                .hasMessageContaining("remote provider brk");
    }
}
