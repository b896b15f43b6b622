package dev.basalt.api.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.type;

import com.openai.client.OpenAIClient;
import com.openai.errors.NotFoundException;
import com.openai.models.images.ImageGenerateParams;
import dev.basalt.testkit.clients.Clients;
import dev.basalt.testkit.server.BasaltServerTest;
import dev.basalt.testkit.server.TestServer;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.bedrock.BedrockClient;
import software.amazon.awssdk.services.bedrock.model.BedrockException;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClient;
import software.amazon.awssdk.services.bedrockruntime.model.BedrockRuntimeException;
import software.amazon.awssdk.services.bedrockruntime.model.ValidationException;

/** A whole Basalt (data directory, database, server) as users reach it: raw HTTP, the AWS SDK, openai-java. */
@BasaltServerTest(settings = "server.maxRequestBody=2KiB")
class ServerIT {
    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> get(TestServer server, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(server.uri().resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void healthReadinessAndMetrics(TestServer server) throws Exception {
        HttpResponse<String> health = get(server, "/health");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("\"ok\"");
        assertThat(health.headers().firstValue("x-amzn-RequestId")).get().asString().hasSize(36);

        HttpResponse<String> ready = get(server, "/ready");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body()).contains("\"ready\"");

        http.send(HttpRequest.newBuilder(server.uri().resolve("/no-such-route"))
                .header("Authorization", "Bearer " + server.apiKey()).build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> metrics = get(server, "/metrics");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.headers().firstValue("content-type")).get().asString().startsWith("text/plain");
        assertThat(metrics.body())
                .contains("http_server_requests_seconds_count{method=\"GET\",route=\"/health\",status=\"200\"}")
                .contains("http_server_requests_seconds_count{method=\"GET\",route=\"unmatched\",status=\"404\"}")
                .contains("jvm_memory_used_bytes");
    }

    @Test
    void theAwsSdkReadsBedrockErrorsForUnknownOperations(TestServer server) {
        try (BedrockRuntimeClient runtime = Clients.aws(BedrockRuntimeClient.builder(), server)) {
            // ApplyGuardrail is an operation this server does not have yet.
            assertThatThrownBy(() -> runtime.applyGuardrail(r -> r.guardrailIdentifier("g1").guardrailVersion("1")
                    .source("INPUT").content(c -> c.text(t -> t.text("hi")))))
                    .asInstanceOf(type(BedrockRuntimeException.class))
                    .satisfies(e -> {
                        assertThat(e.statusCode()).isEqualTo(404);
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("UnknownOperationException");
                        assertThat(e.awsErrorDetails().errorMessage()).contains("/guardrail/g1/version/1/apply");
                        assertThat(e.requestId()).hasSize(36);
                    });
        }
        try (BedrockClient control = Clients.aws(BedrockClient.builder(), server)) {
            assertThatThrownBy(() -> control.listCustomModels(r -> {}))
                    .asInstanceOf(type(BedrockException.class))
                    .satisfies(e -> assertThat(e.statusCode()).isEqualTo(404));
        }
    }

    @Test
    void theAwsSdkRaisesValidationExceptionForAnOversizeBody(TestServer server) {
        try (BedrockRuntimeClient runtime = Clients.aws(BedrockRuntimeClient.builder(), server)) {
            assertThatThrownBy(() -> runtime.invokeModel(r -> r.modelId("basalt.none")
                    .body(SdkBytes.fromUtf8String("{\"inputText\":\"" + "x".repeat(4096) + "\"}"))))
                    .isInstanceOf(ValidationException.class)
                    .satisfies(e -> assertThat(((ValidationException) e).statusCode()).isEqualTo(413))
                    .hasMessageContaining("2048 bytes");
        }
    }

    @Test
    void openAiClientsGetOpenAiErrorShapes(TestServer server) {
        OpenAIClient openAi = Clients.openAi(server);
        assertThatThrownBy(() -> openAi.images().generate(ImageGenerateParams.builder().prompt("a cat").build()))
                .isInstanceOf(NotFoundException.class)
                .hasMessageContaining("Invalid URL (POST /v1/images/generations)");
    }
}
