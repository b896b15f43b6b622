package dev.basalt.engine.gguf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.engine.tensor.Quantization;
import dev.basalt.testkit.ReferenceData;
import org.junit.jupiter.api.Test;

/** The real GGUF files in ../shared/data, as MANIFEST.md describes them (read back there with gguf-py). */
class ReferenceGgufFilesTest {
    @Test
    void tinyStoriesF32() throws Exception {
        try (GgufFile gguf = GgufFile.open(ReferenceData.require("models/tinystories-656k-f32.gguf"))) {
            assertThat(gguf.version()).isEqualTo(3);
            assertThat(gguf.tensors()).hasSize(20);
            assertThat(gguf.metadata()).hasSize(24);
            assertThat(gguf.getString("general.architecture")).isEqualTo("llama");
            assertThat(gguf.getInt("llama.context_length")).isEqualTo(512);
            assertThat(gguf.getInt("llama.embedding_length")).isEqualTo(128);
            assertThat(gguf.getInt("llama.attention.head_count_kv")).isEqualTo(4);
            assertThat(gguf.getFloat("llama.attention.layer_norm_rms_epsilon")).isEqualTo(1e-6f);
            assertThat(gguf.getArray("tokenizer.ggml.tokens").length()).isEqualTo(2048);
            assertThat(gguf.getBoolean("tokenizer.ggml.add_bos_token", false)).isTrue();
            assertThat(gguf.tensors()).doesNotContainKey("output.weight");
            GgufTensor embedding = gguf.tensor("token_embd.weight");
            assertThat(embedding.type()).isEqualTo(GgmlType.F32);
            assertThat(embedding.dims()).containsExactly(128, 2048);
            float[] row = Quantization.dequantize(GgmlType.F32, embedding.data(), 128);
            double sumSquares = 0;
            for (float v : row) {
                assertThat(v).isFinite();
                sumSquares += v * v;
            }
            assertThat(sumSquares).isPositive();
        }
    }

    @Test
    void tinyStoriesQ8_0MatchesTheF32WeightsWithinQuantizationError() throws Exception {
        try (GgufFile f32 = GgufFile.open(ReferenceData.require("models/tinystories-656k-f32.gguf"));
             GgufFile q8 = GgufFile.open(ReferenceData.require("models/tinystories-656k-q8_0.gguf"))) {
            assertThat(q8.getInt("general.file_type")).isEqualTo(7);
            GgufTensor q = q8.tensor("blk.0.ffn_down.weight");
            assertThat(q.type()).isEqualTo(GgmlType.Q8_0);
            int n = (int) q.elementCount();
            float[] exact = Quantization.dequantize(GgmlType.F32, f32.tensor("blk.0.ffn_down.weight").data(), n);
            float[] approx = Quantization.dequantize(GgmlType.Q8_0, q.data(), n);
            for (int i = 0; i < n; i++) {
                assertThat(Math.abs(exact[i] - approx[i])).isLessThanOrEqualTo(blockStep(exact, i));
            }
        }
    }

    private static float blockStep(float[] x, int i) {
        float amax = 0;
        for (int j = i / 32 * 32; j < i / 32 * 32 + 32; j++) {
            amax = Math.max(amax, Math.abs(x[j]));
        }
        // One quantization step: llama.cpp's converter rounds the F16 scale, so half a step is not always kept.
        return amax / 127f + 1e-7f;
    }

    @Test
    void llama2TinyRandom() throws Exception {
        try (GgufFile gguf = GgufFile.open(ReferenceData.require("models/llama-2-tiny-random.gguf"))) {
            assertThat(gguf.tensors()).hasSize(12);
            assertThat(gguf.metadata()).hasSize(18);
            assertThat(gguf.getArray("tokenizer.ggml.tokens").length()).isEqualTo(32_000);
            assertThat(gguf.getArray("tokenizer.ggml.scores").values()).isInstanceOf(float[].class);
            assertThat(gguf.tensor("output.weight").type()).isEqualTo(GgmlType.F16);
            assertThat(gguf.has("llama.rope.freq_base")).isFalse();
        }
    }
}
