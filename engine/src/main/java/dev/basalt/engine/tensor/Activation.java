package dev.basalt.engine.tensor;

import dev.basalt.engine.gguf.GgmlType;

/**
 * An input vector of a matrix-vector product, plus the derived forms that quantized kernels read, computed
 * once per product rather than once per row: for Q8_0/Q4_0 weights the vector is quantized to Q8_0 exactly
 * as llama.cpp does (so integer block sums are exact, and greedy output matches llama.cpp), and for K-quants
 * the sum of every 32 values is kept for the "- dmin * min * sum(x)" term. Buffers are allocated once.
 */
public final class Activation {
    final float[] values;
    /** Q8_0 form: integer values -127..127 stored as floats (products and block sums stay exact in float). */
    final float[] q8;
    /** Q8_0 form: one scale per 32 values, rounded through F16 as in llama.cpp's block_q8_0. */
    final float[] q8Scale;
    /** Sum of each run of 32 values. */
    final float[] sums32;
    private boolean q8Ready;
    private boolean sumsReady;

    public Activation(int size) {
        if (size % 32 != 0) {
            throw new IllegalArgumentException("activation size " + size + " is not a multiple of 32");
        }
        values = new float[size];
        q8 = new float[size];
        q8Scale = new float[size / 32];
        sums32 = new float[size / 32];
    }

    /** The raw values; call {@link #changed()} after writing them. */
    public float[] values() {
        return values;
    }

    public int size() {
        return values.length;
    }

    /** Marks the derived forms stale after {@link #values()} was written. */
    public void changed() {
        q8Ready = false;
        sumsReady = false;
    }

    /** Computes what kernels for {@code weightType} read, if not already done since the last change. */
    public void prepareFor(GgmlType weightType) {
        switch (weightType) {
            case Q8_0, Q4_0 -> {
                if (!q8Ready) {
                    quantizeQ8(values, q8, q8Scale);
                    q8Ready = true;
                }
            }
            case Q4_K, Q5_K -> {
                if (!sumsReady) {
                    for (int b = 0; b < sums32.length; b++) {
                        float s = 0;
                        for (int j = 0; j < 32; j++) {
                            s += values[32 * b + j];
                        }
                        sums32[b] = s;
                    }
                    sumsReady = true;
                }
            }
            default -> { }
        }
    }

    /**
     * llama.cpp's AVX2 quantize_row_q8_0: d = amax / 127 stored as F16, q = round-half-even(x * 127 / amax).
     * (The AVX path uses the inverse 127/amax and _mm256_round_ps nearest; the scalar reference divides by
     * d. Matching the vector path is what reproduces llama.cpp on x86.)
     */
    static void quantizeQ8(float[] x, float[] q, float[] scale) {
        for (int b = 0; b < scale.length; b++) {
            float amax = 0;
            for (int j = 0; j < 32; j++) {
                amax = Math.max(amax, Math.abs(x[32 * b + j]));
            }
            float d = amax / 127f;
            scale[b] = Float.float16ToFloat(Float.floatToFloat16(d));
            float id = amax != 0 ? 127f / amax : 0f;
            for (int j = 0; j < 32; j++) {
                q[32 * b + j] = (float) Math.rint(x[32 * b + j] * id);
            }
        }
    }
}
