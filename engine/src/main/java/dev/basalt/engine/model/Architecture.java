package dev.basalt.engine.model;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The decoder-only transformer families the engine runs. They share one forward pass and differ in small,
 * named ways read from here rather than scattered through it.
 */
public enum Architecture {
    /** Llama 2/3/3.x, TinyLlama, SmolLM, Mistral: rotary pairs are adjacent (llama.cpp's ROPE_TYPE_NORM). */
    LLAMA("llama", false, false, false),
    /** Qwen2/2.5: biases on the Q, K and V projections; rotary pairs are half a head apart (NEOX). */
    QWEN2("qwen2", true, true, false),
    /** Qwen3: RMS norm of each query and key head before the rotation, no QKV biases. */
    QWEN3("qwen3", true, false, true);

    public final String ggufName;
    final boolean neoxRope;
    final boolean qkvBias;
    final boolean qkNorm;

    Architecture(String ggufName, boolean neoxRope, boolean qkvBias, boolean qkNorm) {
        this.ggufName = ggufName;
        this.neoxRope = neoxRope;
        this.qkvBias = qkvBias;
        this.qkNorm = qkNorm;
    }

    public static Architecture fromGguf(String name) {
        for (Architecture a : values()) {
            if (a.ggufName.equals(name)) {
                return a;
            }
        }
        throw new UnsupportedModelException("unsupported model architecture '" + name + "'; supported: "
                + Arrays.stream(values()).map(a -> a.ggufName).collect(Collectors.joining(", ")));
    }
}
