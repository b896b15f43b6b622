package dev.basalt.engine.model;

import dev.basalt.engine.gguf.GgmlType;
import dev.basalt.engine.gguf.GgufFile;
import dev.basalt.engine.gguf.GgufFormatException;
import dev.basalt.engine.gguf.GgufTensor;
import dev.basalt.engine.tensor.Quantization;
import dev.basalt.engine.tensor.WeightMatrix;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;

/**
 * A loaded model: its configuration and its weights, which stay in the memory-mapped GGUF file (only the
 * small norm vectors and biases are copied to the heap, as F32). Immutable and shared by every
 * {@link Session} running on it.
 */
public final class Transformer {

    /** The weights of one transformer block; biases and QK norms are null where the architecture has none. */
    record Layer(float[] attnNorm, WeightMatrix wq, WeightMatrix wk, WeightMatrix wv, WeightMatrix wo,
                 float[] bq, float[] bk, float[] bv, float[] qNorm, float[] kNorm,
                 float[] ffnNorm, WeightMatrix gate, WeightMatrix up, WeightMatrix down) {}

    static final Set<GgmlType> SUPPORTED_WEIGHT_TYPES = EnumSet.of(GgmlType.F32, GgmlType.F16, GgmlType.BF16,
            GgmlType.Q8_0, GgmlType.Q4_0, GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K);

    private final ModelConfig config;
    final WeightMatrix embedding;
    final Layer[] layers;
    final float[] outputNorm;
    final WeightMatrix output;
    /** Per rotary pair divisor of the frequency (Llama 3.x rope_freqs tensor), or null. */
    final float[] ropeFreqFactors;

    private Transformer(ModelConfig config, WeightMatrix embedding, Layer[] layers, float[] outputNorm,
                        WeightMatrix output, float[] ropeFreqFactors) {
        this.config = config;
        this.embedding = embedding;
        this.layers = layers;
        this.outputNorm = outputNorm;
        this.output = output;
        this.ropeFreqFactors = ropeFreqFactors;
    }

    public ModelConfig config() {
        return config;
    }

    /** Bytes of weights one decoded token reads: every layer's matrices and the output projection. */
    public long weightBytesPerToken() {
        long total = output.rows() * output.rowBytes();
        for (Layer l : layers) {
            for (WeightMatrix m : new WeightMatrix[] {l.wq(), l.wk(), l.wv(), l.wo(), l.gate(), l.up(), l.down()}) {
                total += m.rows() * m.rowBytes();
            }
        }
        return total;
    }

    /** Builds the model over the tensors of an open GGUF file; the file must stay open while the model is used. */
    public static Transformer load(GgufFile gguf) {
        GgufTensor embd = tensor(gguf, "token_embd.weight");
        if (embd.dims().length != 2) {
            throw new GgufFormatException("token_embd.weight must be 2-dimensional, is " + Arrays.toString(embd.dims()));
        }
        ModelConfig c = ModelConfig.from(gguf, Math.toIntExact(embd.dims()[1]));
        Architecture arch = c.architecture();
        WeightMatrix embedding = matrix(gguf, "token_embd.weight", c.vocabSize(), c.dim());
        Layer[] layers = new Layer[c.layers()];
        for (int i = 0; i < layers.length; i++) {
            String p = "blk." + i + ".";
            layers[i] = new Layer(
                    vector(gguf, p + "attn_norm.weight", c.dim()),
                    matrix(gguf, p + "attn_q.weight", c.qDim(), c.dim()),
                    matrix(gguf, p + "attn_k.weight", c.kvDim(), c.dim()),
                    matrix(gguf, p + "attn_v.weight", c.kvDim(), c.dim()),
                    matrix(gguf, p + "attn_output.weight", c.dim(), c.qDim()),
                    arch.qkvBias ? vector(gguf, p + "attn_q.bias", c.qDim()) : null,
                    arch.qkvBias ? vector(gguf, p + "attn_k.bias", c.kvDim()) : null,
                    arch.qkvBias ? vector(gguf, p + "attn_v.bias", c.kvDim()) : null,
                    arch.qkNorm ? vector(gguf, p + "attn_q_norm.weight", c.headDim()) : null,
                    arch.qkNorm ? vector(gguf, p + "attn_k_norm.weight", c.headDim()) : null,
                    vector(gguf, p + "ffn_norm.weight", c.dim()),
                    matrix(gguf, p + "ffn_gate.weight", c.ffnDim(), c.dim()),
                    matrix(gguf, p + "ffn_up.weight", c.ffnDim(), c.dim()),
                    matrix(gguf, p + "ffn_down.weight", c.dim(), c.ffnDim()));
        }
        // Tied embeddings: models without an output projection reuse the token embedding matrix.
        WeightMatrix output = gguf.tensors().containsKey("output.weight")
                ? matrix(gguf, "output.weight", c.vocabSize(), c.dim()) : embedding;
        float[] freqFactors = gguf.tensors().containsKey("rope_freqs.weight")
                ? vector(gguf, "rope_freqs.weight", c.ropeDim() / 2) : null;
        return new Transformer(c, embedding, layers, vector(gguf, "output_norm.weight", c.dim()), output, freqFactors);
    }

    private static GgufTensor tensor(GgufFile gguf, String name) {
        GgufTensor t = gguf.tensors().get(name);
        if (t == null) {
            throw new GgufFormatException("missing tensor " + name);
        }
        return t;
    }

    private static WeightMatrix matrix(GgufFile gguf, String name, int rows, int cols) {
        GgufTensor t = tensor(gguf, name);
        if (t.dims().length != 2 || t.dims()[0] != cols || t.dims()[1] != rows) {
            throw new GgufFormatException(name + " has shape " + Arrays.toString(t.dims()) + ", expected [" + cols + ", " + rows + "]");
        }
        if (!SUPPORTED_WEIGHT_TYPES.contains(t.type())) {
            throw new UnsupportedModelException(name + " is stored as " + t.type() + "; supported weight types: "
                    + SUPPORTED_WEIGHT_TYPES);
        }
        return new WeightMatrix(name, t.type(), rows, cols, t.data());
    }

    private static float[] vector(GgufFile gguf, String name, int size) {
        GgufTensor t = tensor(gguf, name);
        if (t.elementCount() != size) {
            throw new GgufFormatException(name + " has " + t.elementCount() + " values, expected " + size);
        }
        if (t.type() != GgmlType.F32 && t.type() != GgmlType.F16 && t.type() != GgmlType.BF16) {
            throw new GgufFormatException(name + " is " + t.type() + "; norm and bias vectors must be F32, F16 or BF16");
        }
        return Quantization.dequantize(t.type(), t.data(), size);
    }
}
