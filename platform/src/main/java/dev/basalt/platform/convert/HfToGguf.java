package dev.basalt.platform.convert;

import dev.basalt.engine.gguf.GgmlType;
import dev.basalt.engine.gguf.GgufWriter;
import dev.basalt.engine.tensor.Quantization;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Converts a Hugging Face model folder (config.json, safetensors weights, tokenizer.json) of a supported
 * architecture into a GGUF file the engine loads, as llama.cpp's {@code convert_hf_to_gguf.py} does: the same
 * metadata keys, tensor names, Q/K row permutation for llama, and tokenizer keys. Matrices are written in the
 * chosen type (quantized with the engine's ggml-exact quantizer); vectors (norms, biases) stay F32.
 *
 * <pre>{@code
 * HfToGguf.convert(Path.of("TinyStories-656K"), Path.of("tinystories.gguf"), GgmlType.Q8_0, HfToGguf.Progress.NONE);
 * }</pre>
 */
public final class HfToGguf {
    /** Weight types a conversion can write. */
    public static final List<GgmlType> WEIGHT_TYPES = List.of(GgmlType.F32, GgmlType.F16, GgmlType.BF16, GgmlType.Q8_0);

    /** Bytes of source weights converted so far, out of the total; called after each tensor. */
    @FunctionalInterface
    public interface Progress {
        Progress NONE = (done, total) -> { };

        void update(long done, long total);
    }

    /** What a conversion wrote. */
    public record Result(Path file, String hfArchitecture, String ggufArchitecture, int tensors, long parameters,
                         int vocabularySize) {}

    /** One GGUF tensor and where its values come from. */
    private record Plan(String name, SafetensorsTensor source, GgmlType type, int permuteHeads) {}

    private HfToGguf() {}

    /**
     * Converts {@code folder} into {@code out} (written atomically) with matrices in {@code weights}.
     *
     * @throws ModelConversionException   if the folder lacks a file, or holds an unsupported or inconsistent model
     * @throws SafetensorsFormatException if a weights file is damaged
     */
    public static Result convert(Path folder, Path out, GgmlType weights, Progress progress) throws IOException {
        if (!WEIGHT_TYPES.contains(weights)) {
            throw new IllegalArgumentException("weights can be converted to " + WEIGHT_TYPES + ", not " + weights);
        }
        if (!Files.isDirectory(folder)) {
            throw new ModelConversionException(folder + " is not a folder");
        }
        HfConfig config = HfConfig.read(folder);
        HfTokenizer tokenizer = HfTokenizer.read(folder, config);
        try (Checkpoint checkpoint = new Checkpoint(folder)) {
            List<Plan> plans = plan(config, checkpoint.tensors(), weights);
            GgufWriter writer = new GgufWriter();
            writeMetadata(writer, config, weights, folder.toAbsolutePath().normalize().getFileName().toString());
            tokenizer.writeTo(writer);
            long total = plans.stream().mapToLong(p -> p.source.data().byteSize()).sum();
            long[] done = {0};
            progress.update(0, total);
            if (config.llama3Rope() != null) {
                float[] divisors = config.llama3Rope().frequencyDivisors(config.ropeTheta(), config.headDim());
                writer.tensor("rope_freqs.weight", GgmlType.F32, new long[] {divisors.length},
                        () -> MemorySegment.ofArray(Quantization.quantize(GgmlType.F32, divisors)));
            }
            for (Plan p : plans) {
                long[] shape = p.source.shape();
                long[] dims = shape.length == 1 ? new long[] {shape[0]} : new long[] {shape[1], shape[0]};
                writer.tensor(p.name, p.type, dims, () -> {
                    MemorySegment data = encode(p);
                    done[0] += p.source.data().byteSize();
                    progress.update(done[0], total);
                    return data;
                });
            }
            writer.write(out);
            long parameters = plans.stream().mapToLong(p -> p.source.elementCount()).sum();
            return new Result(out, config.hfArchitecture(), config.architecture().engine.ggufName,
                    plans.size() + (config.llama3Rope() == null ? 0 : 1), parameters,
                    tokenizer.size());
        }
    }

    private static void writeMetadata(GgufWriter w, HfConfig c, GgmlType weights, String name) {
        String a = c.architecture().engine.ggufName + ".";
        w.putString("general.architecture", c.architecture().engine.ggufName)
                .putString("general.name", name)
                .putUInt32("general.file_type", weights.fileType())
                .putUInt32(a + "context_length", c.contextLength())
                .putUInt32(a + "embedding_length", c.hiddenSize())
                .putUInt32(a + "block_count", c.layers())
                .putUInt32(a + "feed_forward_length", c.intermediateSize())
                .putUInt32(a + "attention.head_count", c.heads())
                .putUInt32(a + "attention.head_count_kv", c.kvHeads())
                .putFloat32(a + "attention.layer_norm_rms_epsilon", c.rmsEps())
                .putFloat32(a + "rope.freq_base", c.ropeTheta())
                .putUInt32(a + "rope.dimension_count", c.headDim())
                .putUInt32(a + "vocab_size", c.vocabSize());
        if (c.headDim() * c.heads() != c.hiddenSize()) {
            w.putUInt32(a + "attention.key_length", c.headDim()).putUInt32(a + "attention.value_length", c.headDim());
        }
        if (c.ropeScaleFactor() > 0) {
            w.putString(a + "rope.scaling.type", "linear").putFloat32(a + "rope.scaling.factor", c.ropeScaleFactor());
        }
    }

    /** Maps every HF tensor to its GGUF name, checking that each expected one is there with the config's shape. */
    private static List<Plan> plan(HfConfig c, Map<String, SafetensorsTensor> tensors, GgmlType weights) {
        HfArchitecture arch = c.architecture();
        int qDim = c.heads() * c.headDim();
        int kvDim = c.kvHeads() * c.headDim();
        Set<String> used = new HashSet<>();
        List<Plan> plans = new ArrayList<>();
        Planner p = new Planner(tensors, used, plans, weights);

        boolean hasLmHead = tensors.containsKey("lm_head.weight");
        // Tied checkpoints may store the shared matrix under either name (TinyStories keeps only lm_head).
        boolean tied = c.tiedEmbeddings() || !hasLmHead;
        String embedding = tensors.containsKey("model.embed_tokens.weight") || !tied ? "model.embed_tokens.weight" : "lm_head.weight";
        p.matrix(embedding, "token_embd.weight", c.vocabSize(), c.hiddenSize(), 0);
        for (int l = 0; l < c.layers(); l++) {
            String hf = "model.layers." + l + ".";
            String gg = "blk." + l + ".";
            p.vector(hf + "input_layernorm.weight", gg + "attn_norm.weight", c.hiddenSize());
            p.matrix(hf + "self_attn.q_proj.weight", gg + "attn_q.weight", qDim, c.hiddenSize(), arch.permuteQk ? c.heads() : 0);
            p.matrix(hf + "self_attn.k_proj.weight", gg + "attn_k.weight", kvDim, c.hiddenSize(), arch.permuteQk ? c.kvHeads() : 0);
            p.matrix(hf + "self_attn.v_proj.weight", gg + "attn_v.weight", kvDim, c.hiddenSize(), 0);
            p.matrix(hf + "self_attn.o_proj.weight", gg + "attn_output.weight", c.hiddenSize(), qDim, 0);
            if (arch.qkvBias()) {
                p.vector(hf + "self_attn.q_proj.bias", gg + "attn_q.bias", qDim);
                p.vector(hf + "self_attn.k_proj.bias", gg + "attn_k.bias", kvDim);
                p.vector(hf + "self_attn.v_proj.bias", gg + "attn_v.bias", kvDim);
            }
            if (arch.qkNorm()) {
                p.vector(hf + "self_attn.q_norm.weight", gg + "attn_q_norm.weight", c.headDim());
                p.vector(hf + "self_attn.k_norm.weight", gg + "attn_k_norm.weight", c.headDim());
            }
            p.vector(hf + "post_attention_layernorm.weight", gg + "ffn_norm.weight", c.hiddenSize());
            p.matrix(hf + "mlp.gate_proj.weight", gg + "ffn_gate.weight", c.intermediateSize(), c.hiddenSize(), 0);
            p.matrix(hf + "mlp.up_proj.weight", gg + "ffn_up.weight", c.intermediateSize(), c.hiddenSize(), 0);
            p.matrix(hf + "mlp.down_proj.weight", gg + "ffn_down.weight", c.hiddenSize(), c.intermediateSize(), 0);
        }
        p.vector("model.norm.weight", "output_norm.weight", c.hiddenSize());
        if (tied) {
            used.add("lm_head.weight");
        } else {
            p.matrix("lm_head.weight", "output.weight", c.vocabSize(), c.hiddenSize(), 0);
        }
        // Rotary inverse frequencies are recomputed from rope_theta; anything else would be silently lost.
        List<String> unexpected = tensors.keySet().stream()
                .filter(n -> !used.contains(n) && !n.endsWith(".rotary_emb.inv_freq")).sorted().toList();
        if (!unexpected.isEmpty()) {
            throw new ModelConversionException("the checkpoint has tensors a " + c.hfArchitecture() + " with this "
                    + HfConfig.FILE + " does not use: " + String.join(", ", unexpected.subList(0, Math.min(5, unexpected.size())))
                    + (unexpected.size() > 5 ? " and " + (unexpected.size() - 5) + " more" : ""));
        }
        return plans;
    }

    /** Collects plans, checking presence, shape and dtype of each source tensor. */
    private record Planner(Map<String, SafetensorsTensor> tensors, Set<String> used, List<Plan> plans, GgmlType weights) {
        void matrix(String hf, String gguf, int rows, int cols, int permuteHeads) {
            // ggml blocks run along rows; a row that is not whole Q8_0 blocks falls back to F16, as llama.cpp does.
            GgmlType type = cols % weights.blockSize == 0 ? weights : GgmlType.F16;
            plans.add(new Plan(gguf, source(hf, rows, cols), type, permuteHeads));
        }

        void vector(String hf, String gguf, int size) {
            plans.add(new Plan(gguf, source(hf, size), GgmlType.F32, 0));
        }

        private SafetensorsTensor source(String name, long... shape) {
            SafetensorsTensor t = tensors.get(name);
            if (t == null) {
                throw new ModelConversionException("the checkpoint has no tensor " + name);
            }
            if (!Arrays.equals(t.shape(), shape)) {
                throw new ModelConversionException("tensor " + name + " has shape " + Arrays.toString(t.shape())
                        + ", but " + HfConfig.FILE + " implies " + Arrays.toString(shape));
            }
            if (t.dtype() != SafetensorsDtype.F32 && t.dtype() != SafetensorsDtype.F16 && t.dtype() != SafetensorsDtype.BF16) {
                throw new ModelConversionException("tensor " + name + " has dtype " + t.dtype() + "; only F32, F16 and BF16"
                        + " weights can be converted (pre-quantized checkpoints are not supported)");
            }
            used.add(name);
            return t;
        }
    }

    /** The GGUF bytes of one tensor, row by row (each row is whole blocks), with llama's Q/K rows permuted. */
    private static MemorySegment encode(Plan p) {
        SafetensorsTensor src = p.source;
        int cols = src.rowLength();
        long rows = src.elementCount() / Math.max(cols, 1);
        long rowBytes = p.type.byteSize(cols);
        // Off-heap and freed by the GC once written: an embedding matrix can exceed a Java array.
        MemorySegment out = Arena.ofAuto().allocate(rowBytes * rows);
        float[] row = new float[cols];
        for (long r = 0; r < rows; r++) {
            src.readRow(p.permuteHeads > 0 ? sourceRow(r, rows / p.permuteHeads) : r, row);
            MemorySegment.copy(Quantization.quantize(p.type, row), 0, out, ValueLayout.JAVA_BYTE, r * rowBytes, (int) rowBytes);
        }
        return out;
    }

    /**
     * The HF row that becomes GGUF row {@code row} of a Q or K projection with heads of {@code headDim} rows.
     * HF keeps each head's two rotary halves apart (rows i and i + headDim/2 form a pair); GGUF llama wants
     * pairs adjacent (rows 2i and 2i + 1). This is convert_hf_to_gguf.py's
     * {@code reshape(heads, 2, headDim / 2, cols).swapaxes(1, 2)}.
     */
    static long sourceRow(long row, long headDim) {
        long head = row / headDim;
        long within = row % headDim;
        return head * headDim + (within % 2) * (headDim / 2) + within / 2;
    }
}
