package dev.basalt.engine.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.basalt.engine.gguf.GgmlType;
import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The vectorized kernels against their scalar twins on random rows and inputs, and the K-quant decoders
 * against blocks packed independently from known values.
 */
class KernelsTest {
    private static final int[] SIZES = {256, 512, 2048, 4096};

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_K", "Q5_K", "Q6_K"})
    void vectorKernelMatchesScalarTwin(GgmlType type) {
        assertThat(Kernels.VECTORIZED).as("these machines have AVX2; the vector path must be the one tested").isTrue();
        Random random = new Random(type.ordinal());
        for (int n : SIZES) {
            for (int trial = 0; trial < 20; trial++) {
                int rows = 3;
                byte[] data = randomRows(type, rows, n, random);
                MemorySegment w = MemorySegment.ofArray(data);
                Activation x = new Activation(n);
                for (int i = 0; i < n; i++) {
                    x.values()[i] = (float) random.nextGaussian();
                }
                x.changed();
                x.prepareFor(type);
                for (int r = 0; r < rows; r++) {
                    long offset = r * type.byteSize(n);
                    float expected = ScalarKernels.dot(type, w, offset, x);
                    float actual = Kernels.dot(type, w, offset, x);
                    // Float accumulation in a different order: error ≤ n·ε·Σ|w·x| in the worst case, in practice
                    // about √n·ε·Σ|w·x|; 1e-5·Σ|w||x| is far above that and far below any layout mistake, which
                    // moves the result by whole terms.
                    float[] row = Quantization.dequantize(type, w.asSlice(offset, type.byteSize(n)), n);
                    double magnitude = 0;
                    for (int i = 0; i < n; i++) {
                        magnitude += Math.abs(row[i] * x.values()[i]) + Math.abs(maxAbs(row) * x.values()[i]) * 1e-3;
                    }
                    assertThat(actual).as("%s row %d of %d values", type, r, n).isCloseTo(expected, within((float) (1e-5 * magnitude)));
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"F32", "Q8_0", "Q4_K"})
    void resultsAreBitIdenticalBeforeAndAfterJitCompilation(GgmlType type) {
        // Seeded sampling must give the same tokens early and late in a process's life, so kernels must not
        // change results when the JIT replaces the interpreted code.
        Random random = new Random(11);
        int n = 1024;
        MemorySegment w = MemorySegment.ofArray(randomRows(type, 1, n, random));
        Activation x = new Activation(n);
        for (int i = 0; i < n; i++) {
            x.values()[i] = (float) random.nextGaussian();
        }
        x.changed();
        x.prepareFor(type);
        float cold = Kernels.dot(type, w, 0, x);
        for (int i = 0; i < 50_000; i++) {
            assertThat(Float.floatToRawIntBits(Kernels.dot(type, w, 0, x))).as("call %d", i).isEqualTo(Float.floatToRawIntBits(cold));
        }
    }

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"Q8_0", "Q4_0"})
    void fourTokenKernelIsBitIdenticalToFourSingleOnes(GgmlType type) {
        // Batching must not change any request's result (seeded sampling stays reproducible under load).
        assertThat(Kernels.hasDot4(type)).isTrue();
        Random random = new Random(21);
        for (int n : SIZES) {
            MemorySegment w = MemorySegment.ofArray(randomRows(type, 2, n, random));
            Activation[] xs = new Activation[5];
            for (int t = 0; t < xs.length; t++) {
                xs[t] = new Activation(n);
                for (int i = 0; i < n; i++) {
                    xs[t].values()[i] = (float) random.nextGaussian();
                }
                xs[t].changed();
                xs[t].prepareFor(type);
            }
            float[][] outs = new float[5][2];
            Kernels.dot4(type, w, type.byteSize(n), xs, 1, outs, 1);
            for (int t = 1; t <= 4; t++) {
                assertThat(outs[t][1]).as("token %d of %d values", t, n).isEqualTo(Kernels.dot(type, w, type.byteSize(n), xs[t]));
            }
            assertThat(outs[0][1]).isZero();
        }
    }

    @Test
    void attentionKernelsMatchTheirScalarTwinsForEveryLengthAndOffset() {
        Random random = new Random(5);
        for (int n = 1; n <= 150; n++) {
            float[] a = new float[n + 7];
            float[] b = new float[n + 3];
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) random.nextGaussian();
            }
            for (int i = 0; i < b.length; i++) {
                b[i] = (float) random.nextGaussian();
            }
            double magnitude = 0;
            for (int i = 0; i < n; i++) {
                magnitude += Math.abs(a[7 + i] * b[3 + i]);
            }
            assertThat(Kernels.dot(a, 7, b, 3, n)).as("dot of %d", n)
                    .isCloseTo(ScalarKernels.dot(a, 7, b, 3, n), within((float) (1e-6 * magnitude + 1e-30)));
            float[] y1 = b.clone();
            float[] y2 = b.clone();
            Kernels.axpy(0.37f, a, 7, y1, 3, n);
            ScalarKernels.axpy(0.37f, a, 7, y2, 3, n);
            assertThat(y1).as("axpy of %d", n).containsExactly(y2); // one fused multiply-add per element either way
        }
    }

    @Test
    void kQuantDecodersFollowGgmlBlockLayouts() {
        Random random = new Random(7);
        check(GgmlType.Q4_K, KQuantBlocks::q4k, random);
        check(GgmlType.Q5_K, KQuantBlocks::q5k, random);
        check(GgmlType.Q6_K, KQuantBlocks::q6k, random);
    }

    @Test
    void q8ActivationQuantizationMatchesLlamaCppOnTiesAndZeros() {
        Activation x = new Activation(64);
        x.values()[0] = 127f; // amax 127: scale 1, values quantize to themselves
        x.values()[1] = 2.5f; // a tie rounds to even, as _mm256_round_ps does
        x.values()[2] = -3.5f;
        x.changed();
        x.prepareFor(GgmlType.Q8_0);
        assertThat(x.q8Scale[0]).isEqualTo(1f);
        assertThat(x.q8[1]).isEqualTo(2f);
        assertThat(x.q8[2]).isEqualTo(-4f);
        assertThat(x.q8Scale[1]).isZero(); // an all-zero block has scale 0 and no NaN
        assertThat(x.q8[40]).isZero();
    }

    private static void check(GgmlType type, Function<Random, KQuantBlocks.Block> maker, Random random) {
        for (int trial = 0; trial < 50; trial++) {
            KQuantBlocks.Block block = maker.apply(random);
            float[] decoded = Quantization.dequantize(type, MemorySegment.ofArray(block.bytes()), 256);
            assertThat(decoded).as(type.name()).containsExactly(block.values(), within(1e-6f));
        }
    }

    private static float maxAbs(float[] v) {
        float m = 0;
        for (float f : v) {
            m = Math.max(m, Math.abs(f));
        }
        return m;
    }

    private static byte[] randomRows(GgmlType type, int rows, int n, Random random) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int r = 0; r < rows; r++) {
            switch (type) {
                case Q4_K, Q5_K, Q6_K -> {
                    for (int b = 0; b < n / 256; b++) {
                        KQuantBlocks.Block block = switch (type) {
                            case Q4_K -> KQuantBlocks.q4k(random);
                            case Q5_K -> KQuantBlocks.q5k(random);
                            default -> KQuantBlocks.q6k(random);
                        };
                        out.writeBytes(block.bytes());
                    }
                }
                default -> {
                    float[] values = new float[n];
                    for (int i = 0; i < n; i++) {
                        values[i] = (float) random.nextGaussian() * 0.05f;
                    }
                    out.writeBytes(Quantization.quantize(type, values));
                }
            }
        }
        return out.toByteArray();
    }
}
