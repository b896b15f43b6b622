package dev.basalt.engine.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.basalt.engine.gguf.GgufFile;
import dev.basalt.engine.parallel.WorkerPool;
import dev.basalt.testkit.ReferenceData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Greedy decoding reproduces llama.cpp token for token on the real TinyStories model (golden outputs in the
 * shared reference data, produced by llama.cpp's server). The Q8_0 file matches too because activations are
 * quantized to Q8_0 the way llama.cpp does for Q8_0 weights.
 */
class GoldenGreedyTest {
    @ParameterizedTest(name = "{0} with {1} thread(s), prompt chunk {2}")
    @CsvSource({"f32, 1, 64", "f32, 2, 64", "f32, 2, 1", "q8_0, 1, 64", "q8_0, 2, 3"})
    void reproducesLlamaCppGreedyTokens(String variant, int threads, int chunk) throws Exception {
        Path modelPath = ReferenceData.require("models/tinystories-656k-" + variant + ".gguf");
        JsonNode golden = new ObjectMapper().readTree(
                ReferenceData.require("golden/golden-tinystories-656k-" + variant + ".json").toFile());
        try (GgufFile gguf = GgufFile.open(modelPath); WorkerPool pool = new WorkerPool(threads)) {
            Transformer model = Transformer.load(gguf);
            for (JsonNode case_ : golden.get("generation")) {
                int[] prompt = ints(case_.get("prompt_tokens_with_bos"));
                int[] expected = ints(case_.get("greedy_tokens"));
                Session session = new Session(model, pool, 512, chunk);
                float[] logits = null;
                for (int i = 0; i < prompt.length; i += chunk) {
                    logits = session.forward(prompt, i, Math.min(chunk, prompt.length - i));
                }
                List<Integer> produced = new ArrayList<>();
                for (int step = 0; step < expected.length; step++) {
                    int next = argmax(logits);
                    produced.add(next);
                    logits = session.forward(new int[] {next}, 0, 1);
                }
                assertThat(produced).as("greedy continuation of %s", case_.get("prompt").asText())
                        .containsExactly(java.util.Arrays.stream(expected).boxed().toArray(Integer[]::new));
            }
        }
    }

    static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }

    private static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }
}
