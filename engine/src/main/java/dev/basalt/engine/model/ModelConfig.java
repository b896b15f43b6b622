package dev.basalt.engine.model;

import dev.basalt.engine.gguf.GgufFile;
import dev.basalt.engine.gguf.GgufFormatException;

/**
 * Hyperparameters of a transformer, all read from GGUF metadata ({@code <arch>.*} keys) with llama.cpp's
 * defaults where a key is optional.
 *
 * @param ropeScale  position multiplier from {@code rope.scaling.type = linear} (1 / factor), else 1
 */
public record ModelConfig(Architecture architecture, int dim, int layers, int heads, int kvHeads, int headDim,
                          int ffnDim, int vocabSize, int contextLength, float rmsEps, float ropeBase, int ropeDim,
                          float ropeScale) {

    public ModelConfig {
        if (dim <= 0 || layers <= 0 || heads <= 0 || kvHeads <= 0 || headDim <= 0 || ffnDim <= 0 || vocabSize <= 0
                || contextLength <= 0) {
            throw new GgufFormatException("model hyperparameters must be positive: " + this);
        }
        if (heads % kvHeads != 0) {
            throw new GgufFormatException("head_count " + heads + " is not a multiple of head_count_kv " + kvHeads);
        }
        if (ropeDim % 2 != 0 || ropeDim > headDim) {
            throw new GgufFormatException("rope.dimension_count " + ropeDim + " must be even and at most the head size " + headDim);
        }
    }

    public int qDim() {
        return heads * headDim;
    }

    public int kvDim() {
        return kvHeads * headDim;
    }

    static ModelConfig from(GgufFile gguf, int vocabSize) {
        String archName = gguf.getString("general.architecture");
        Architecture arch = Architecture.fromGguf(archName);
        String p = archName + ".";
        int dim = gguf.getInt(p + "embedding_length");
        int heads = gguf.getInt(p + "attention.head_count");
        int headDim = gguf.getInt(p + "attention.key_length", dim / heads);
        int valueDim = gguf.getInt(p + "attention.value_length", headDim);
        if (valueDim != headDim) {
            throw new UnsupportedModelException("attention.value_length " + valueDim + " differs from key_length " + headDim);
        }
        float ropeScale = 1f;
        if (gguf.has(p + "rope.scaling.type")) {
            String type = gguf.getString(p + "rope.scaling.type");
            switch (type) {
                case "none" -> { }
                case "linear" -> ropeScale = 1f / gguf.getFloat(p + "rope.scaling.factor");
                default -> throw new UnsupportedModelException("unsupported rope scaling '" + type + "'; supported: none, linear"
                        + " (Llama 3.x frequency factors come from the rope_freqs tensor)");
            }
        }
        return new ModelConfig(arch, dim, gguf.getInt(p + "block_count"), heads,
                gguf.getInt(p + "attention.head_count_kv", heads), headDim, gguf.getInt(p + "feed_forward_length"),
                vocabSize, gguf.getInt(p + "context_length"),
                gguf.getFloat(p + "attention.layer_norm_rms_epsilon", 1e-5f),
                gguf.getFloat(p + "rope.freq_base", 10000f), gguf.getInt(p + "rope.dimension_count", headDim), ropeScale);
    }
}
