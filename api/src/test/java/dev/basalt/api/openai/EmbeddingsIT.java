package dev.basalt.api.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import dev.basalt.testkit.clients.Clients;
import dev.basalt.testkit.server.BasaltServerTest;
import dev.basalt.testkit.server.TestServer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code /v1/embeddings} on the built-in ONNX models through openai-java (which asks for base64 by default). */
@BasaltServerTest
class EmbeddingsIT {
    private static final String MINILM = "basalt.all-minilm-l6-v2";

    private static double norm(List<Float> v) {
        return Math.sqrt(v.stream().mapToDouble(x -> x * x).sum());
    }

    private static double cosine(List<Float> a, List<Float> b) {
        double dot = 0;
        for (int i = 0; i < a.size(); i++) {
            dot += a.get(i) * b.get(i);
        }
        return dot / (norm(a) * norm(b));
    }

    @Test
    void textsBecomeUnitVectorsWhereParaphrasesAreClosest(TestServer server) {
        OpenAIClient openAi = Clients.openAi(server);
        try {
            CreateEmbeddingResponse response = openAi.embeddings().create(EmbeddingCreateParams.builder().model(MINILM)
                    .inputOfArrayOfStrings(List.of("The cat sits on the mat.", "A cat is sitting on a rug.",
                            "Interest rates rose sharply in March.")).build());
            assertThat(response.data()).hasSize(3);
            List<Float> a = response.data().get(0).embedding();
            assertThat(a).hasSize(384);
            assertThat(norm(a)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
            assertThat(cosine(a, response.data().get(1).embedding()))
                    .isGreaterThan(cosine(a, response.data().get(2).embedding()) + 0.2);
            assertThat(response.usage().promptTokens()).isGreaterThan(10);

            var shorter = openAi.embeddings().create(EmbeddingCreateParams.builder().model(MINILM)
                    .input("The cat sits on the mat.").dimensions(64).build()).data().getFirst().embedding();
            assertThat(shorter).hasSize(64);
            assertThat(norm(shorter)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
            // The same text alone (a vector depends slightly on its batch neighbours, see OnnxEmbeddingModel).
            var full = openAi.embeddings().create(EmbeddingCreateParams.builder().model(MINILM)
                    .input("The cat sits on the mat.").build()).data().getFirst().embedding();
            assertThat(cosine(shorter, full.subList(0, 64))).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
        } finally {
            openAi.close();
        }
    }

    @Test
    void badRequestsAreOpenAiErrors(TestServer server) {
        OpenAIClient openAi = Clients.openAi(server);
        try {
            assertThatThrownBy(() -> openAi.embeddings().create(EmbeddingCreateParams.builder().model(MINILM)
                    .input("x").dimensions(1000).build()))
                    .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.param()).hasValue("dimensions"));
            assertThatThrownBy(() -> openAi.embeddings().create(EmbeddingCreateParams.builder().model(MINILM)
                    .inputOfArrayOfTokens(List.of(1L, 2L)).build()))
                    .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.param()).hasValue("input"));
            assertThatThrownBy(() -> openAi.embeddings().create(EmbeddingCreateParams.builder().model(MINILM)
                    .input("").build())).isInstanceOf(BadRequestException.class);
            assertThatThrownBy(() -> openAi.embeddings().create(EmbeddingCreateParams.builder().model("nope")
                    .input("x").build())).isInstanceOf(NotFoundException.class).hasMessageContaining("not an embedding model");
        } finally {
            openAi.close();
        }
    }
}
