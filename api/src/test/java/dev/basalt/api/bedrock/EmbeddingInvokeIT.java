package dev.basalt.api.bedrock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.basalt.testkit.clients.Clients;
import dev.basalt.testkit.server.BasaltServerTest;
import dev.basalt.testkit.server.TestServer;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClient;
import software.amazon.awssdk.services.bedrockruntime.model.InvokeModelResponse;
import software.amazon.awssdk.services.bedrockruntime.model.ValidationException;

/** InvokeModel on the built-in embedding models with Titan Text Embeddings V2 and Cohere embed bodies. */
@BasaltServerTest
class EmbeddingInvokeIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MODEL = "basalt.bge-small-en-v1.5";

    private static JsonNode invoke(BedrockRuntimeClient runtime, String body) throws Exception {
        InvokeModelResponse response = runtime.invokeModel(r -> r.modelId(MODEL).body(SdkBytes.fromUtf8String(body)));
        assertThat(response.sdkHttpResponse().firstMatchingHeader("X-Amzn-Bedrock-Input-Token-Count")).isPresent();
        return JSON.readTree(response.body().asByteArray());
    }

    private static double norm(JsonNode vector) {
        double sum = 0;
        for (JsonNode v : vector) {
            sum += v.asDouble() * v.asDouble();
        }
        return Math.sqrt(sum);
    }

    @Test
    void titanAndCohereBodiesGetTheirOwnResponseShapes(TestServer server) throws Exception {
        try (BedrockRuntimeClient runtime = Clients.aws(BedrockRuntimeClient.builder(), server)) {
            JsonNode titan = invoke(runtime, "{\"inputText\":\"Basalt is a volcanic rock.\",\"dimensions\":256,"
                    + "\"embeddingTypes\":[\"float\",\"binary\"]}");
            assertThat(titan.get("embedding")).hasSize(256);
            assertThat(norm(titan.get("embedding"))).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
            assertThat(titan.at("/embeddingsByType/binary")).hasSize(256);
            assertThat(titan.get("inputTextTokenCount").asInt()).isGreaterThan(5);

            JsonNode cohere = invoke(runtime, "{\"texts\":[\"What is basalt?\",\"Granite is igneous.\"],"
                    + "\"input_type\":\"search_query\"}");
            assertThat(cohere.get("response_type").asText()).isEqualTo("embeddings_floats");
            assertThat(cohere.get("embeddings")).hasSize(2);
            assertThat(cohere.get("embeddings").get(0)).hasSize(384);
            assertThat(cohere.get("texts").get(1).asText()).isEqualTo("Granite is igneous.");

            assertThatThrownBy(() -> invoke(runtime, "{\"inputText\":\"x\",\"dimensions\":1024}"))
                    .isInstanceOf(ValidationException.class).hasMessageContaining("#/dimensions");
            assertThatThrownBy(() -> invoke(runtime, "{\"texts\":[\"x\"],\"input_type\":\"poetry\"}"))
                    .isInstanceOf(ValidationException.class).hasMessageContaining("#/input_type");
            assertThatThrownBy(() -> invoke(runtime, "{\"texts\":[\"x\"]}"))
                    .isInstanceOf(ValidationException.class).hasMessageContaining("input_type");
        }
    }
}
