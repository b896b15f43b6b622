package dev.basalt.engine.tensor;

import dev.basalt.engine.gguf.GgmlType;
import java.lang.foreign.MemorySegment;

/**
 * The test oracle for {@link Kernels}: dequantize the row with the reference decoders in {@link Quantization},
 * then a plain dot product. For Q8_0/Q4_0 weights it multiplies by the activation's Q8_0 form, as the vector
 * kernels (and llama.cpp) do. Also the fallback on CPUs with vectors narrower than 8 floats.
 */
public final class ScalarKernels {
    private ScalarKernels() {}

    public static float dot(GgmlType type, MemorySegment w, long offset, Activation x) {
        int n = x.values.length;
        float[] row = Quantization.dequantize(type, w.asSlice(offset, type.byteSize(n)), n);
        boolean quantizedInput = type == GgmlType.Q8_0 || type == GgmlType.Q4_0;
        double sum = 0;
        for (int i = 0; i < n; i++) {
            float xi = quantizedInput ? x.q8[i] * x.q8Scale[i / 32] : x.values[i];
            sum += (double) row[i] * xi;
        }
        return (float) sum;
    }

    /** Plain-loop twin of {@link Kernels#dot(float[], int, float[], int, int)}. */
    public static float dot(float[] a, int ao, float[] b, int bo, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += (double) a[ao + i] * b[bo + i];
        }
        return (float) s;
    }

    /** Plain-loop twin of {@link Kernels#axpy}. */
    public static void axpy(float alpha, float[] x, int xo, float[] y, int yo, int n) {
        for (int i = 0; i < n; i++) {
            y[yo + i] = Math.fma(alpha, x[xo + i], y[yo + i]);
        }
    }
}
