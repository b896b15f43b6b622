package dev.basalt.engine.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.basalt.engine.gguf.GgmlType;
import dev.basalt.engine.gguf.GgufFile;
import dev.basalt.engine.gguf.GgufWriter;
import dev.basalt.engine.parallel.WorkerPool;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The optimized forward pass against the naive reference on synthetic models of every architecture. */
class TransformerTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"LLAMA, F32, 0.002", "QWEN2, F32, 0.002", "QWEN3, F32, 0.002", "LLAMA, F16, 0.002", "LLAMA, BF16, 0.002",
            "LLAMA, Q8_0, 0.03", "QWEN3, Q4_0, 0.03"})
    void matchesTheNaiveReference(Architecture arch, GgmlType type, double tolerance) throws Exception {
        // Tolerance relative to the largest logit. F32 weights: the optimized path rounds K, V, Q and attention
        // weights to F16 as llama.cpp does (relative error 2^-11 ≈ 5e-4 each). Q8_0/Q4_0 weights: it also
        // quantizes activations to 8 bits (about 0.4% per value), which the reference does not.
        Path file = synthetic(arch, type);
        int[] tokens = new Random(3).ints(24, 0, SyntheticModel.Shape.TINY.vocabSize).toArray();
        try (GgufFile gguf = GgufFile.open(file); WorkerPool pool = new WorkerPool(2)) {
            ReferenceTransformer reference = new ReferenceTransformer(gguf);
            Session session = new Session(Transformer.load(gguf), pool, 64, 8);
            for (int t = 0; t < tokens.length; t++) {
                float[] actual = session.forward(tokens, t, 1);
                float[] expected = reference.logits(java.util.Arrays.copyOf(tokens, t + 1));
                assertThat(maxAbsDifference(actual, expected)).as("position %d", t)
                        .isLessThanOrEqualTo(tolerance * maxAbs(expected));
            }
        }
    }

    @Test
    void chunkSizesAndThreadCountsGiveBitIdenticalLogits() throws Exception {
        // Each output row is computed by one thread with the same instruction sequence whatever the split,
        // so results must not depend on threads or chunking (reproducibility of seeded sampling rests on it).
        Path file = synthetic(Architecture.LLAMA, GgmlType.Q8_0);
        int[] tokens = new Random(5).ints(30, 0, SyntheticModel.Shape.TINY.vocabSize).toArray();
        float[] reference = null;
        for (int[] setting : new int[][] {{1, 1}, {2, 7}, {3, 30}}) {
            try (GgufFile gguf = GgufFile.open(file); WorkerPool pool = new WorkerPool(setting[0])) {
                Session session = new Session(Transformer.load(gguf), pool, 64, setting[1]);
                float[] logits = null;
                for (int i = 0; i < tokens.length; i += setting[1]) {
                    logits = session.forward(tokens, i, Math.min(setting[1], tokens.length - i));
                }
                if (reference == null) {
                    reference = logits.clone();
                } else {
                    assertThat(logits).as("threads %d, chunk %d", setting[0], setting[1]).containsExactly(reference);
                }
            }
        }
    }

    @Test
    void truncateRewindsTheSequence() throws Exception {
        Path file = synthetic(Architecture.LLAMA, GgmlType.F32);
        try (GgufFile gguf = GgufFile.open(file); WorkerPool pool = new WorkerPool(1)) {
            Session session = new Session(Transformer.load(gguf), pool, 16, 4);
            float[] first = session.forward(new int[] {5, 6, 7}, 0, 3).clone();
            session.forward(new int[] {9}, 0, 1);
            session.truncate(0);
            assertThat(session.forward(new int[] {5, 6, 7}, 0, 3)).containsExactly(first);
        }
    }

    @Test
    void badInputsAreRefusedClearly() throws Exception {
        Path file = synthetic(Architecture.LLAMA, GgmlType.F32);
        try (GgufFile gguf = GgufFile.open(file); WorkerPool pool = new WorkerPool(1)) {
            Session session = new Session(Transformer.load(gguf), pool, 4, 4);
            assertThatThrownBy(() -> session.forward(new int[] {1_000_000}, 0, 1)).hasMessageContaining("outside the vocabulary");
            assertThatThrownBy(() -> session.forward(new int[] {1, 2, 3, 4, 5}, 0, 5)).hasMessageContaining("must be 1..4");
            session.forward(new int[] {1, 2, 3, 4}, 0, 4);
            assertThatThrownBy(() -> session.forward(new int[] {1}, 0, 1)).hasMessageContaining("context full");
        }
    }

    @Test
    void aBatchMustKeepEachSequencesRowsTogetherAndIsCheckedBeforeRunning() throws Exception {
        Path file = synthetic(Architecture.LLAMA, GgmlType.F32);
        try (GgufFile gguf = GgufFile.open(file); WorkerPool pool = new WorkerPool(1)) {
            Transformer model = Transformer.load(gguf);
            KvBlockPool blocks = new KvBlockPool(model.config(), 16, 1 << 20);
            KvCache a = blocks.newCache();
            KvCache b = blocks.newCache();
            a.reserve(4);
            b.reserve(4);
            ForwardPass pass = new ForwardPass(model, pool, 4, 2, 64);
            assertThatThrownBy(() -> pass.forward(new int[] {1, 2, 3}, new KvCache[] {a, b, a}, 3, new int[] {2}, 1))
                    .hasMessageContaining("contiguous");
            assertThatThrownBy(() -> pass.forward(new int[] {1, 2}, new KvCache[] {a, b}, 2, new int[] {5}, 1))
                    .hasMessageContaining("logits asked for row 5");
            assertThat(a.length()).isZero(); // refused batches change nothing
            pass.forward(new int[] {1, 2, 3}, new KvCache[] {a, a, b}, 3, new int[] {1, 2}, 2);
            assertThat(a.length()).isEqualTo(2);
            assertThat(b.length()).isEqualTo(1);
        }
    }

    @Test
    void unsupportedArchitecturesAndMissingTensorsAreNamed() throws Exception {
        Path file = dir.resolve("gpt.gguf");
        new GgufWriter().putString("general.architecture", "gptneox").tensor("token_embd.weight", GgmlType.F32,
                new long[] {32, 4}, () -> java.lang.foreign.MemorySegment.ofArray(new byte[32 * 4 * 4])).write(file);
        try (GgufFile gguf = GgufFile.open(file)) {
            assertThatThrownBy(() -> Transformer.load(gguf))
                    .isInstanceOf(UnsupportedModelException.class)
                    .hasMessageContaining("'gptneox'").hasMessageContaining("supported: llama, qwen2, qwen3");
        }
        Path noEmbedding = dir.resolve("empty.gguf");
        new GgufWriter().putString("general.architecture", "llama").write(noEmbedding);
        try (GgufFile gguf = GgufFile.open(noEmbedding)) {
            assertThatThrownBy(() -> Transformer.load(gguf)).hasMessageContaining("missing tensor token_embd.weight");
        }
    }

    private Path synthetic(Architecture arch, GgmlType type) throws Exception {
        Path file = dir.resolve(arch + "-" + type + ".gguf");
        SyntheticModel.write(arch, SyntheticModel.Shape.TINY, type, 42, w -> { }, file);
        return file;
    }

    private static double maxAbsDifference(float[] a, float[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }

    private static double maxAbs(float[] a) {
        double m = 0;
        for (float f : a) {
            m = Math.max(m, Math.abs(f));
        }
        return m;
    }
}
