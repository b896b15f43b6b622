package dev.basalt.engine.tensor;

import dev.basalt.engine.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Dot products of one weight row with an activation, dequantizing on the fly (the weights are read once, in
 * their compact form, which is what makes decoding memory-bandwidth bound rather than copy bound). Uses the
 * widest float species the CPU prefers (8 lanes on AVX2, 16 on AVX-512); bytes are loaded with as many lanes
 * as there are float lanes so that one byte load widens to exactly one float vector.
 *
 * <p>Every method here has a plain-loop twin in {@link ScalarKernels} that tests compare it against.
 */
public final class Kernels {
    /** 512-bit vectors where the CPU has them (AVX-512), else 256-bit (AVX2), else the scalar twins. */
    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED.length() >= 16 ? FloatVector.SPECIES_512 : FloatVector.SPECIES_256;
    static final int L = F.length();
    /** False where the CPU's vectors are narrower than 8 floats (then the scalar twins run instead). */
    static final boolean VECTORIZED = FloatVector.SPECIES_PREFERRED.length() >= 8;
    // The narrower species are the exact static constants, not VectorSpecies.of(...) results: C2 compiles the
    // loads and conversions of these into single instructions, and was measured 2-3x slower otherwise.
    private static final VectorSpecies<Byte> B = L == 16 ? ByteVector.SPECIES_128 : ByteVector.SPECIES_64;
    private static final VectorSpecies<Short> S = L == 16 ? ShortVector.SPECIES_256 : ShortVector.SPECIES_128;
    private static final VectorSpecies<Integer> I = L == 16 ? IntVector.SPECIES_512 : IntVector.SPECIES_256;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(LE);

    // Shuffles bringing lane i + shift to lane i, for shift = L/2, L/4, L/8 (and L/16 with 16 lanes). Separate
    // constants, not an array: only a compile-time constant shuffle becomes one permute instruction.
    private static final VectorShuffle<Float> FOLD_1 = fold(L / 2);
    private static final VectorShuffle<Float> FOLD_2 = fold(L / 4);
    private static final VectorShuffle<Float> FOLD_3 = fold(L / 8);
    private static final VectorShuffle<Float> FOLD_4 = fold(Math.max(1, L / 16));

    private Kernels() {}

    private static VectorShuffle<Float> fold(int shift) {
        return VectorShuffle.fromOp(F, i -> (i + shift) % L);
    }

    /**
     * The sum of the lanes in a fixed order. {@code reduceLanes(ADD)} may add in a different order once the
     * JIT compiles it than when interpreted, which would make the same request give different logits early
     * and late in a process's life; lane-wise adds are exact per lane whichever way they run.
     */
    static float sum(FloatVector v) {
        v = v.add(v.rearrange(FOLD_1));
        v = v.add(v.rearrange(FOLD_2));
        v = v.add(v.rearrange(FOLD_3));
        if (L == 16) {
            v = v.add(v.rearrange(FOLD_4));
        }
        return v.lane(0);
    }

    /** Dot product of the row at byte offset {@code offset} of {@code w} (type {@code type}) with {@code x}. */
    public static float dot(GgmlType type, MemorySegment w, long offset, Activation x) {
        if (!VECTORIZED) {
            return ScalarKernels.dot(type, w, offset, x);
        }
        return switch (type) {
            case F32 -> dotF32(w, offset, x.values);
            case F16 -> dotF16(w, offset, x.values);
            case BF16 -> dotBF16(w, offset, x.values);
            case Q8_0 -> dotQ8_0(w, offset, x);
            case Q4_0 -> dotQ4_0(w, offset, x);
            case Q4_K -> dotQ4K(w, offset, x);
            case Q5_K -> dotQ5K(w, offset, x);
            case Q6_K -> dotQ6K(w, offset, x);
            default -> throw new UnsupportedOperationException("no kernel for " + type);
        };
    }

    /** Whether {@link #dot4} has a kernel for {@code type} (the formats used for speed: Q8_0, Q4_0). */
    public static boolean hasDot4(GgmlType type) {
        return VECTORIZED && (type == GgmlType.Q8_0 || type == GgmlType.Q4_0);
    }

    /**
     * Four dot products of one row with {@code xs[t..t+3]}, into {@code outs[t..t+3][row]}: each block of
     * weights is decoded once and used four times, which is what makes prefill and batched decoding faster
     * than one token at a time. Per token, the operations and their order are those of {@link #dot}, so
     * results are bit-identical however requests are batched.
     */
    public static void dot4(GgmlType type, MemorySegment w, long offset, Activation[] xs, int t, float[][] outs, int row) {
        Activation x0 = xs[t];
        Activation x1 = xs[t + 1];
        Activation x2 = xs[t + 2];
        Activation x3 = xs[t + 3];
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = FloatVector.zero(F);
        FloatVector a2 = FloatVector.zero(F);
        FloatVector a3 = FloatVector.zero(F);
        boolean q8 = type == GgmlType.Q8_0;
        long blockBytes = q8 ? 34 : 18;
        int blocks = x0.values.length / 32;
        for (int b = 0; b < blocks; b++) {
            long base = offset + blockBytes * b;
            FloatVector s0 = FloatVector.zero(F);
            FloatVector s1 = FloatVector.zero(F);
            FloatVector s2 = FloatVector.zero(F);
            FloatVector s3 = FloatVector.zero(F);
            if (q8) {
                for (int j = 0; j < 32; j += L) {
                    FloatVector wq = (FloatVector) ByteVector.fromMemorySegment(B, w, base + 2 + j, LE).castShape(F, 0);
                    int xo = 32 * b + j;
                    s0 = wq.fma(FloatVector.fromArray(F, x0.q8, xo), s0);
                    s1 = wq.fma(FloatVector.fromArray(F, x1.q8, xo), s1);
                    s2 = wq.fma(FloatVector.fromArray(F, x2.q8, xo), s2);
                    s3 = wq.fma(FloatVector.fromArray(F, x3.q8, xo), s3);
                }
            } else {
                for (int j = 0; j < 16; j += L) {
                    IntVector packed = (IntVector) ByteVector.fromMemorySegment(B, w, base + 2 + j, LE).castShape(I, 0);
                    FloatVector lo = nibble(packed, 0);
                    FloatVector hi = nibble(packed, 4);
                    int xo = 32 * b + j;
                    s0 = hi.fma(FloatVector.fromArray(F, x0.q8, xo + 16), lo.fma(FloatVector.fromArray(F, x0.q8, xo), s0));
                    s1 = hi.fma(FloatVector.fromArray(F, x1.q8, xo + 16), lo.fma(FloatVector.fromArray(F, x1.q8, xo), s1));
                    s2 = hi.fma(FloatVector.fromArray(F, x2.q8, xo + 16), lo.fma(FloatVector.fromArray(F, x2.q8, xo), s2));
                    s3 = hi.fma(FloatVector.fromArray(F, x3.q8, xo + 16), lo.fma(FloatVector.fromArray(F, x3.q8, xo), s3));
                }
            }
            float d = Float.float16ToFloat(w.get(I16, base));
            a0 = s0.fma(FloatVector.broadcast(F, d * x0.q8Scale[b]), a0);
            a1 = s1.fma(FloatVector.broadcast(F, d * x1.q8Scale[b]), a1);
            a2 = s2.fma(FloatVector.broadcast(F, d * x2.q8Scale[b]), a2);
            a3 = s3.fma(FloatVector.broadcast(F, d * x3.q8Scale[b]), a3);
        }
        outs[t][row] = sum(a0);
        outs[t + 1][row] = sum(a1);
        outs[t + 2][row] = sum(a2);
        outs[t + 3][row] = sum(a3);
    }

    /** {@code a[ao..ao+n) · b[bo..bo+n)} on heap arrays (attention scores), lanes summed in a fixed order. */
    public static float dot(float[] a, int ao, float[] b, int bo, int n) {
        if (!VECTORIZED) {
            return ScalarKernels.dot(a, ao, b, bo, n);
        }
        FloatVector acc = FloatVector.zero(F);
        int i = 0;
        for (; i + L <= n; i += L) {
            acc = FloatVector.fromArray(F, a, ao + i).fma(FloatVector.fromArray(F, b, bo + i), acc);
        }
        float s = sum(acc);
        for (; i < n; i++) {
            s += a[ao + i] * b[bo + i];
        }
        return s;
    }

    /** {@code y[yo..yo+n) += alpha * x[xo..xo+n)} (attention-weighted sum of values). */
    public static void axpy(float alpha, float[] x, int xo, float[] y, int yo, int n) {
        if (!VECTORIZED) {
            ScalarKernels.axpy(alpha, x, xo, y, yo, n);
            return;
        }
        FloatVector a = FloatVector.broadcast(F, alpha);
        int i = 0;
        for (; i + L <= n; i += L) {
            FloatVector.fromArray(F, x, xo + i).fma(a, FloatVector.fromArray(F, y, yo + i)).intoArray(y, yo + i);
        }
        for (; i < n; i++) {
            y[yo + i] = Math.fma(alpha, x[xo + i], y[yo + i]);
        }
    }

    static float dotF32(MemorySegment w, long offset, float[] x) {
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = FloatVector.zero(F);
        int i = 0;
        for (; i + 2 * L <= x.length; i += 2 * L) {
            a0 = FloatVector.fromMemorySegment(F, w, offset + 4L * i, LE).fma(FloatVector.fromArray(F, x, i), a0);
            a1 = FloatVector.fromMemorySegment(F, w, offset + 4L * (i + L), LE).fma(FloatVector.fromArray(F, x, i + L), a1);
        }
        for (; i < x.length; i += L) { // sizes are multiples of 32, so at most one single step remains
            a0 = FloatVector.fromMemorySegment(F, w, offset + 4L * i, LE).fma(FloatVector.fromArray(F, x, i), a0);
        }
        return sum(a0.add(a1));
    }

    /**
     * F16 → F32 without a conversion instruction: the 15 magnitude bits shifted into F32 position and scaled
     * by 2^112 re-bias the exponent and turn F16 subnormals into the right F32 values. (Infinities and NaNs,
     * which weights never hold, come out as large finite values.)
     */
    static float dotF16(MemorySegment w, long offset, float[] x) {
        FloatVector acc = FloatVector.zero(F);
        for (int i = 0; i < x.length; i += L) {
            IntVector h = (IntVector) ShortVector.fromMemorySegment(S, w, offset + 2L * i, LE).castShape(I, 0);
            FloatVector magnitude = h.and(0x7fff).lanewise(VectorOperators.LSHL, 13).reinterpretAsFloats().mul(0x1p112f);
            IntVector sign = h.and(0x8000).lanewise(VectorOperators.LSHL, 16);
            FloatVector v = magnitude.reinterpretAsInts().or(sign).reinterpretAsFloats();
            acc = v.fma(FloatVector.fromArray(F, x, i), acc);
        }
        return sum(acc);
    }

    static float dotBF16(MemorySegment w, long offset, float[] x) {
        FloatVector acc = FloatVector.zero(F);
        for (int i = 0; i < x.length; i += L) {
            IntVector h = (IntVector) ShortVector.fromMemorySegment(S, w, offset + 2L * i, LE).castShape(I, 0);
            FloatVector v = h.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
            acc = v.fma(FloatVector.fromArray(F, x, i), acc);
        }
        return sum(acc);
    }

    /** Q8_0 × Q8_0: per block the integer dot product (exact in float) times both scales, as llama.cpp. */
    static float dotQ8_0(MemorySegment w, long offset, Activation x) {
        FloatVector acc = FloatVector.zero(F);
        int blocks = x.values.length / 32;
        for (int b = 0; b < blocks; b++) {
            long base = offset + 34L * b;
            FloatVector s = FloatVector.zero(F);
            for (int j = 0; j < 32; j += L) {
                FloatVector wq = (FloatVector) ByteVector.fromMemorySegment(B, w, base + 2 + j, LE).castShape(F, 0);
                s = wq.fma(FloatVector.fromArray(F, x.q8, 32 * b + j), s);
            }
            float d = Float.float16ToFloat(w.get(I16, base)) * x.q8Scale[b];
            acc = s.fma(FloatVector.broadcast(F, d), acc);
        }
        return sum(acc);
    }

    /** Q4_0 × Q8_0: nibbles (low → values 0..15 of the block, high → 16..31) minus 8. */
    static float dotQ4_0(MemorySegment w, long offset, Activation x) {
        FloatVector acc = FloatVector.zero(F);
        int blocks = x.values.length / 32;
        for (int b = 0; b < blocks; b++) {
            long base = offset + 18L * b;
            FloatVector s = FloatVector.zero(F);
            for (int j = 0; j < 16; j += L) {
                IntVector packed = (IntVector) ByteVector.fromMemorySegment(B, w, base + 2 + j, LE).castShape(I, 0);
                FloatVector lo = nibble(packed, 0);
                FloatVector hi = nibble(packed, 4);
                s = lo.fma(FloatVector.fromArray(F, x.q8, 32 * b + j), s);
                s = hi.fma(FloatVector.fromArray(F, x.q8, 32 * b + 16 + j), s);
            }
            float d = Float.float16ToFloat(w.get(I16, base)) * x.q8Scale[b];
            acc = s.fma(FloatVector.broadcast(F, d), acc);
        }
        return sum(acc);
    }

    /**
     * A Q4_0 nibble (0..15) minus 8, as floats. The bytes are widened to int lanes first: x86 has no byte
     * shift, so shifting and masking in int lanes takes one instruction each instead of a widen-shift-narrow
     * sequence.
     */
    private static FloatVector nibble(IntVector packed, int shift) {
        IntVector v = shift == 0 ? packed : packed.lanewise(VectorOperators.ASHR, shift);
        return (FloatVector) v.and(0x0F).sub(8).castShape(F, 0);
    }

    /**
     * Q4_K and Q5_K: per 32-value sub-block, d*scale*Σ(q·x) − dmin*min*Σx; Σx per sub-block comes precomputed
     * with the activation, so the min term costs one scalar multiply-add per sub-block. Q5_K adds a fifth bit
     * per value from its 32-byte qh array (bit 2*chunk for the low nibbles, 2*chunk+1 for the high ones).
     */
    static float dotQ4K(MemorySegment w, long offset, Activation x) {
        return dotK4or5(w, offset, x, false);
    }

    static float dotQ5K(MemorySegment w, long offset, Activation x) {
        return dotK4or5(w, offset, x, true);
    }

    private static float dotK4or5(MemorySegment w, long offset, Activation x, boolean fifthBit) {
        FloatVector acc = FloatVector.zero(F);
        float mins = 0;
        int blocks = x.values.length / 256;
        long blockBytes = fifthBit ? 176 : 144;
        long qsStart = fifthBit ? 48 : 16;
        for (int b = 0; b < blocks; b++) {
            long base = offset + blockBytes * b;
            float d = Float.float16ToFloat(w.get(I16, base));
            float dmin = Float.float16ToFloat(w.get(I16, base + 2));
            for (int chunk = 0; chunk < 4; chunk++) {
                int sm1 = Quantization.scaleMinK4(w, base + 4, 2 * chunk);
                int sm2 = Quantization.scaleMinK4(w, base + 4, 2 * chunk + 1);
                int xo = 256 * b + 64 * chunk;
                FloatVector s1 = FloatVector.zero(F);
                FloatVector s2 = FloatVector.zero(F);
                for (int l = 0; l < 32; l += L) {
                    ByteVector q = ByteVector.fromMemorySegment(B, w, base + qsStart + 32L * chunk + l, LE);
                    ByteVector lo = q.and((byte) 0x0F);
                    ByteVector hi = q.lanewise(VectorOperators.ASHR, 4).and((byte) 0x0F);
                    if (fifthBit) {
                        ByteVector h = ByteVector.fromMemorySegment(B, w, base + 16 + l, LE);
                        lo = lo.or(h.lanewise(VectorOperators.ASHR, 2 * chunk).and((byte) 1).lanewise(VectorOperators.LSHL, 4));
                        hi = hi.or(h.lanewise(VectorOperators.ASHR, 2 * chunk + 1).and((byte) 1).lanewise(VectorOperators.LSHL, 4));
                    }
                    s1 = ((FloatVector) lo.castShape(F, 0)).fma(FloatVector.fromArray(F, x.values, xo + l), s1);
                    s2 = ((FloatVector) hi.castShape(F, 0)).fma(FloatVector.fromArray(F, x.values, xo + 32 + l), s2);
                }
                acc = s1.fma(FloatVector.broadcast(F, d * (sm1 & 0xFF)), acc);
                acc = s2.fma(FloatVector.broadcast(F, d * (sm2 & 0xFF)), acc);
                mins += dmin * (sm1 >>> 8) * x.sums32[xo / 32] + dmin * (sm2 >>> 8) * x.sums32[xo / 32 + 1];
            }
        }
        return sum(acc) - mins;
    }

    /** Q6_K: four 6-bit values per (ql, ql+32, qh) byte triple, signed 8-bit scale per 16 values. */
    static float dotQ6K(MemorySegment w, long offset, Activation x) {
        FloatVector acc = FloatVector.zero(F);
        int blocks = x.values.length / 256;
        for (int b = 0; b < blocks; b++) {
            long base = offset + 210L * b;
            float d = Float.float16ToFloat(w.get(I16, base + 208));
            for (int half = 0; half < 2; half++) {
                long ql = base + 64L * half;
                long qh = base + 128 + 32L * half;
                long sc = base + 192 + 8L * half;
                int xo = 256 * b + 128 * half;
                for (int l = 0; l < 32; l += L) {
                    ByteVector q0 = ByteVector.fromMemorySegment(B, w, ql + l, LE);
                    ByteVector q32 = ByteVector.fromMemorySegment(B, w, ql + 32 + l, LE);
                    ByteVector h = ByteVector.fromMemorySegment(B, w, qh + l, LE);
                    int is = l / 16;
                    acc = q6(q0.and((byte) 0x0F), h, 0, x.values, xo + l, d * w.get(ValueLayout.JAVA_BYTE, sc + is), acc);
                    acc = q6(q32.and((byte) 0x0F), h, 2, x.values, xo + 32 + l, d * w.get(ValueLayout.JAVA_BYTE, sc + is + 2), acc);
                    acc = q6(q0.lanewise(VectorOperators.ASHR, 4).and((byte) 0x0F), h, 4, x.values, xo + 64 + l,
                            d * w.get(ValueLayout.JAVA_BYTE, sc + is + 4), acc);
                    acc = q6(q32.lanewise(VectorOperators.ASHR, 4).and((byte) 0x0F), h, 6, x.values, xo + 96 + l,
                            d * w.get(ValueLayout.JAVA_BYTE, sc + is + 6), acc);
                }
            }
        }
        return sum(acc);
    }

    private static FloatVector q6(ByteVector low4, ByteVector h, int shift, float[] x, int xo, float scale, FloatVector acc) {
        ByteVector high2 = h.lanewise(VectorOperators.ASHR, shift).and((byte) 3).lanewise(VectorOperators.LSHL, 4);
        FloatVector q = (FloatVector) low4.or(high2).sub((byte) 32).castShape(F, 0);
        return q.mul(FloatVector.fromArray(F, x, xo)).fma(FloatVector.broadcast(F, scale), acc);
    }
}
