package dev.basalt.engine.model;

import dev.basalt.engine.gguf.GgmlType;
import dev.basalt.engine.gguf.GgufWriter;
import dev.basalt.engine.tensor.Quantization;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import dev.basalt.engine.tokenizer.SyntheticTokenizer;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Random-weight models of real shapes, for tests and benchmarks: decode speed depends on shapes and formats,
 * not on weight values. Weights are uniform with the spread of a trained model's (σ ≈ 0.02), norms are 1, so
 * activations stay in a realistic range. The same seed always writes the same file.
 */
public final class SyntheticModel {

    /** Shapes named after the real models they copy. */
    public enum Shape {
        /** A few hundred KB: unit tests. */
        TINY(128, 2, 4, 2, 256, 1024, 10000f, 2048),
        /** SmolLM-135M. */
        SMOLLM_135M(576, 30, 9, 3, 1536, 49152, 10000f, 2048),
        /** Llama-3.2-1B (tied embeddings). */
        LLAMA_1B(2048, 16, 32, 8, 8192, 128256, 500000f, 8192);

        public final int dim;
        public final int layers;
        public final int heads;
        public final int kvHeads;
        public final int ffnDim;
        public final int vocabSize;
        final float ropeBase;
        final int contextLength;

        Shape(int dim, int layers, int heads, int kvHeads, int ffnDim, int vocabSize, float ropeBase, int contextLength) {
            this.dim = dim;
            this.layers = layers;
            this.heads = heads;
            this.kvHeads = kvHeads;
            this.ffnDim = ffnDim;
            this.vocabSize = vocabSize;
            this.ropeBase = ropeBase;
            this.contextLength = contextLength;
        }

        /** The CLI name: tiny, 135m, 1b. */
        public String cliName() {
            return switch (this) {
                case TINY -> "tiny";
                case SMOLLM_135M -> "135m";
                case LLAMA_1B -> "1b";
            };
        }

        public static Shape fromCliName(String name) {
            return Arrays.stream(values()).filter(s -> s.cliName().equals(name)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("unknown shape '" + name + "'; choose one of "
                            + Arrays.stream(values()).map(Shape::cliName).collect(Collectors.joining(", "))));
        }
    }

    /** Weight formats a synthetic model can be written in. */
    public static final GgmlType[] WEIGHT_TYPES = {GgmlType.F32, GgmlType.F16, GgmlType.BF16, GgmlType.Q8_0, GgmlType.Q4_0};

    private SyntheticModel() {}

    /** Writes a model of {@code shape} with a byte-level BPE tokenizer like the real model's (see {@link #write}). */
    public static void write(Architecture arch, Shape shape, GgmlType weightType, long seed, Path out) throws IOException {
        write(arch, shape, weightType, seed, tokenizerFor(shape), out);
    }

    /** Llama 3's chat format (the Llama-3-8B-Instruct template). */
    private static final String LLAMA3_TEMPLATE = "{{- bos_token }}{%- for message in messages %}"
            + "{{- '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n' + message['content'] | trim + '<|eot_id|>' }}"
            + "{%- endfor %}{%- if add_generation_prompt %}{{- '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}{%- endif %}";

    /** ChatML, as SmolLM2-Instruct uses (without its default system prompt). */
    private static final String CHATML_TEMPLATE = "{%- for message in messages %}"
            + "{{- '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>\\n' }}"
            + "{%- endfor %}{%- if add_generation_prompt %}{{- '<|im_start|>assistant\\n' }}{%- endif %}";

    /** The real model's kind of vocabulary, special tokens and chat template. */
    private static Consumer<GgufWriter> tokenizerFor(Shape shape) {
        SyntheticTokenizer tokenizer = switch (shape) {
            case LLAMA_1B -> SyntheticTokenizer.llama3();
            case SMOLLM_135M -> SyntheticTokenizer.smolLm();
            case TINY -> SyntheticTokenizer.smolLmStyle(shape.vocabSize);
        };
        String template = shape == Shape.LLAMA_1B ? LLAMA3_TEMPLATE : CHATML_TEMPLATE;
        return w -> {
            tokenizer.writeTo(w);
            w.putString("tokenizer.chat_template", template);
        };
    }

    /**
     * Writes a model of {@code shape} with 2-D weights in {@code weightType} (norms and biases F32) to
     * {@code out}; {@code tokenizer} adds the {@code tokenizer.ggml.*} keys for a vocabulary of
     * {@code shape.vocabSize} tokens.
     */
    public static void write(Architecture arch, Shape shape, GgmlType weightType, long seed, Consumer<GgufWriter> tokenizer,
                             Path out) throws IOException {
        if (!Arrays.asList(WEIGHT_TYPES).contains(weightType)) {
            throw new IllegalArgumentException("synthetic weights can be " + Arrays.toString(WEIGHT_TYPES) + ", not " + weightType);
        }
        int headDim = shape.dim / shape.heads;
        String a = arch.ggufName + ".";
        GgufWriter w = new GgufWriter()
                .putString("general.architecture", arch.ggufName)
                .putString("general.name", "basalt-synthetic-" + arch.ggufName + "-" + shape.cliName())
                .putUInt32("general.file_type", weightType.fileType())
                .putUInt32(a + "context_length", shape.contextLength)
                .putUInt32(a + "embedding_length", shape.dim)
                .putUInt32(a + "block_count", shape.layers)
                .putUInt32(a + "feed_forward_length", shape.ffnDim)
                .putUInt32(a + "attention.head_count", shape.heads)
                .putUInt32(a + "attention.head_count_kv", shape.kvHeads)
                .putUInt32(a + "rope.dimension_count", headDim)
                .putFloat32(a + "rope.freq_base", shape.ropeBase)
                .putFloat32(a + "attention.layer_norm_rms_epsilon", 1e-5f)
                .putUInt32(a + "vocab_size", shape.vocabSize);
        tokenizer.accept(w);
        matrix(w, "token_embd.weight", weightType, shape.vocabSize, shape.dim, seed);
        vector(w, "output_norm.weight", shape.dim, 1f, 0f, seed);
        for (int l = 0; l < shape.layers; l++) {
            String p = "blk." + l + ".";
            vector(w, p + "attn_norm.weight", shape.dim, 1f, 0f, seed);
            matrix(w, p + "attn_q.weight", weightType, shape.heads * headDim, shape.dim, seed);
            matrix(w, p + "attn_k.weight", weightType, shape.kvHeads * headDim, shape.dim, seed);
            matrix(w, p + "attn_v.weight", weightType, shape.kvHeads * headDim, shape.dim, seed);
            matrix(w, p + "attn_output.weight", weightType, shape.dim, shape.heads * headDim, seed);
            if (arch.qkvBias) {
                vector(w, p + "attn_q.bias", shape.heads * headDim, 0f, 0.1f, seed);
                vector(w, p + "attn_k.bias", shape.kvHeads * headDim, 0f, 0.1f, seed);
                vector(w, p + "attn_v.bias", shape.kvHeads * headDim, 0f, 0.1f, seed);
            }
            if (arch.qkNorm) {
                vector(w, p + "attn_q_norm.weight", headDim, 1f, 0.2f, seed);
                vector(w, p + "attn_k_norm.weight", headDim, 1f, 0.2f, seed);
            }
            vector(w, p + "ffn_norm.weight", shape.dim, 1f, 0f, seed);
            matrix(w, p + "ffn_gate.weight", weightType, shape.ffnDim, shape.dim, seed);
            matrix(w, p + "ffn_up.weight", weightType, shape.ffnDim, shape.dim, seed);
            matrix(w, p + "ffn_down.weight", weightType, shape.dim, shape.ffnDim, seed);
        }
        w.write(out);
    }

    private static void matrix(GgufWriter w, String name, GgmlType type, int rows, int cols, long seed) {
        // σ = 0.02 as in trained checkpoints' initialisation; uniform on ±√3σ has that σ and is cheap to draw.
        float spread = (float) (0.02 * Math.sqrt(3));
        w.tensor(name, type, new long[] {cols, rows}, () -> {
            SplittableRandom random = new SplittableRandom(seed ^ name.hashCode());
            long rowBytes = type.byteSize(cols);
            byte[] data = new byte[Math.toIntExact(rowBytes * rows)];
            float[] row = new float[cols];
            for (int r = 0; r < rows; r++) {
                for (int i = 0; i < cols; i++) {
                    row[i] = (float) (random.nextDouble() * 2 - 1) * spread;
                }
                System.arraycopy(Quantization.quantize(type, row), 0, data, (int) (r * rowBytes), (int) rowBytes);
            }
            return MemorySegment.ofArray(data);
        });
    }

    private static void vector(GgufWriter w, String name, int size, float center, float jitter, long seed) {
        w.tensor(name, GgmlType.F32, new long[] {size}, () -> {
            SplittableRandom random = new SplittableRandom(seed ^ name.hashCode());
            float[] v = new float[size];
            for (int i = 0; i < size; i++) {
                v[i] = center + (float) (random.nextDouble() * 2 - 1) * jitter;
            }
            return MemorySegment.ofArray(Quantization.quantize(GgmlType.F32, v));
        });
    }
}
