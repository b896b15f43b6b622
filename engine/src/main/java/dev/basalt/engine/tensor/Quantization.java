package dev.basalt.engine.tensor;

import dev.basalt.engine.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Encoding of F32 values into ggml's block formats and back, exactly per ggml's reference (scalar) code.
 * These plain loops are the oracle that the vectorized kernels are tested against.
 */
public final class Quantization {
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private Quantization() {}

    /** Encodes {@code values} (a whole number of blocks) as {@code type}. */
    public static byte[] quantize(GgmlType type, float[] values) {
        if (values.length % type.blockSize != 0) {
            throw new IllegalArgumentException(values.length + " values are not whole " + type + " blocks");
        }
        MemorySegment out = MemorySegment.ofArray(new byte[(int) type.byteSize(values.length)]);
        switch (type) {
            case F32 -> MemorySegment.copy(values, 0, out, F32, 0, values.length);
            case F16 -> {
                for (int i = 0; i < values.length; i++) {
                    out.set(I16, 2L * i, Float.floatToFloat16(values[i]));
                }
            }
            case BF16 -> {
                for (int i = 0; i < values.length; i++) {
                    out.set(I16, 2L * i, floatToBf16(values[i]));
                }
            }
            case Q8_0 -> quantizeQ8_0(values, out);
            case Q4_0 -> quantizeQ4_0(values, out);
            default -> throw new UnsupportedOperationException("quantizing to " + type + " is not supported");
        }
        return (byte[]) out.heapBase().orElseThrow();
    }

    /** Decodes {@code count} values of {@code type} from {@code data}. */
    public static float[] dequantize(GgmlType type, MemorySegment data, int count) {
        float[] out = new float[count];
        dequantize(type, data, 0, count, out);
        return out;
    }

    /** Decodes {@code count} values of {@code type} from {@code data} at byte {@code offset} into {@code out[0..count)}. */
    public static void dequantize(GgmlType type, MemorySegment data, long offset, int count, float[] out) {
        switch (type) {
            case F32 -> MemorySegment.copy(data, F32, offset, out, 0, count);
            case F16 -> {
                for (int i = 0; i < count; i++) {
                    out[i] = Float.float16ToFloat(data.get(I16, offset + 2L * i));
                }
            }
            case BF16 -> {
                for (int i = 0; i < count; i++) {
                    out[i] = Float.intBitsToFloat(data.get(I16, offset + 2L * i) << 16);
                }
            }
            case Q8_0 -> {
                for (int b = 0; b < count / 32; b++) {
                    long base = offset + 34L * b;
                    float d = Float.float16ToFloat(data.get(I16, base));
                    for (int j = 0; j < 32; j++) {
                        out[32 * b + j] = d * data.get(ValueLayout.JAVA_BYTE, base + 2 + j);
                    }
                }
            }
            case Q4_0 -> {
                for (int b = 0; b < count / 32; b++) {
                    long base = offset + 18L * b;
                    float d = Float.float16ToFloat(data.get(I16, base));
                    for (int j = 0; j < 16; j++) {
                        int packed = Byte.toUnsignedInt(data.get(ValueLayout.JAVA_BYTE, base + 2 + j));
                        out[32 * b + j] = d * ((packed & 0x0F) - 8);
                        out[32 * b + j + 16] = d * ((packed >>> 4) - 8);
                    }
                }
            }
            case Q4_K -> dequantizeK4or5(data, offset, count, out, false);
            case Q5_K -> dequantizeK4or5(data, offset, count, out, true);
            case Q6_K -> dequantizeQ6K(data, offset, count, out);
            default -> throw new UnsupportedOperationException("dequantizing " + type + " is not supported");
        }
    }

    /**
     * The 6-bit scale and min of sub-block {@code j} (0..7) of a Q4_K/Q5_K block, packed in 12 bytes as ggml's
     * get_scale_min_k4: sub-blocks 0-3 in the low 6 bits of bytes 0-3 / 4-7, sub-blocks 4-7 split between the
     * nibbles of bytes 8-11 and the top 2 bits of bytes 0-7. Returns {@code scale | min << 8}.
     */
    static int scaleMinK4(MemorySegment scales, long base, int j) {
        int sc;
        int m;
        if (j < 4) {
            sc = u8(scales, base + j) & 63;
            m = u8(scales, base + j + 4) & 63;
        } else {
            sc = (u8(scales, base + j + 4) & 0x0F) | ((u8(scales, base + j - 4) >>> 6) << 4);
            m = (u8(scales, base + j + 4) >>> 4) | ((u8(scales, base + j) >>> 6) << 4);
        }
        return sc | m << 8;
    }

    /**
     * Q4_K: 256 values in 8 sub-blocks of 32, value = d * scale * q - dmin * min, q a 4-bit nibble (low nibbles of
     * 32 bytes, then their high nibbles, per 64 values). Q5_K: the same with a fifth bit per value taken from
     * the 32-byte qh array (bit 2*chunk for the low half of a chunk, 2*chunk+1 for the high half).
     */
    private static void dequantizeK4or5(MemorySegment data, long offset, int count, float[] out, boolean fifthBit) {
        long blockBytes = fifthBit ? 176 : 144;
        for (int b = 0; b < count / 256; b++) {
            long base = offset + blockBytes * b;
            float d = Float.float16ToFloat(data.get(I16, base));
            float dmin = Float.float16ToFloat(data.get(I16, base + 2));
            long qh = base + 16;
            long qs = base + (fifthBit ? 48 : 16);
            for (int chunk = 0; chunk < 4; chunk++) {
                int sm1 = scaleMinK4(data, base + 4, 2 * chunk);
                int sm2 = scaleMinK4(data, base + 4, 2 * chunk + 1);
                for (int l = 0; l < 32; l++) {
                    int q = u8(data, qs + 32L * chunk + l);
                    int h = fifthBit ? u8(data, qh + l) : 0;
                    int lo = (q & 0x0F) | ((h >>> (2 * chunk)) & 1) << 4;
                    int hi = (q >>> 4) | ((h >>> (2 * chunk + 1)) & 1) << 4;
                    out[256 * b + 64 * chunk + l] = d * (sm1 & 0xFF) * lo - dmin * (sm1 >>> 8);
                    out[256 * b + 64 * chunk + 32 + l] = d * (sm2 & 0xFF) * hi - dmin * (sm2 >>> 8);
                }
            }
        }
    }

    /**
     * Q6_K: 256 values in 16 sub-blocks of 16 with signed 8-bit scales; each 6-bit value is 4 low bits from ql
     * and 2 high bits from qh, minus 32. Two halves of 128 values, each spread over 64 ql and 32 qh bytes.
     */
    private static void dequantizeQ6K(MemorySegment data, long offset, int count, float[] out) {
        for (int b = 0; b < count / 256; b++) {
            long base = offset + 210L * b;
            float d = Float.float16ToFloat(data.get(I16, base + 208));
            for (int half = 0; half < 2; half++) {
                long ql = base + 64L * half;
                long qh = base + 128 + 32L * half;
                long sc = base + 192 + 8L * half;
                int o = 256 * b + 128 * half;
                for (int l = 0; l < 32; l++) {
                    int h = u8(data, qh + l);
                    int q1 = ((u8(data, ql + l) & 0x0F) | (h & 3) << 4) - 32;
                    int q2 = ((u8(data, ql + l + 32) & 0x0F) | ((h >>> 2) & 3) << 4) - 32;
                    int q3 = ((u8(data, ql + l) >>> 4) | ((h >>> 4) & 3) << 4) - 32;
                    int q4 = ((u8(data, ql + l + 32) >>> 4) | ((h >>> 6) & 3) << 4) - 32;
                    int is = l / 16;
                    out[o + l] = d * data.get(ValueLayout.JAVA_BYTE, sc + is) * q1;
                    out[o + l + 32] = d * data.get(ValueLayout.JAVA_BYTE, sc + is + 2) * q2;
                    out[o + l + 64] = d * data.get(ValueLayout.JAVA_BYTE, sc + is + 4) * q3;
                    out[o + l + 96] = d * data.get(ValueLayout.JAVA_BYTE, sc + is + 6) * q4;
                }
            }
        }
    }

    private static int u8(MemorySegment data, long offset) {
        return Byte.toUnsignedInt(data.get(ValueLayout.JAVA_BYTE, offset));
    }

    /** Round to nearest even on the upper 16 bits, NaN kept quiet (as ggml's GGML_FP32_TO_BF16). */
    static short floatToBf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if ((bits & 0x7fffffff) > 0x7f800000) {
            return (short) ((bits >>> 16) | 64);
        }
        return (short) ((bits + (0x7fff + ((bits >>> 16) & 1))) >>> 16);
    }

    /** ggml quantize_row_q8_0_ref: d = amax / 127, q = roundf(x * (1 / d)). */
    private static void quantizeQ8_0(float[] x, MemorySegment out) {
        for (int b = 0; b < x.length / 32; b++) {
            float amax = 0;
            for (int j = 0; j < 32; j++) {
                amax = Math.max(amax, Math.abs(x[32 * b + j]));
            }
            float d = amax / 127f;
            float id = d != 0 ? 1f / d : 0f;
            long base = 34L * b;
            out.set(I16, base, Float.floatToFloat16(d));
            for (int j = 0; j < 32; j++) {
                out.set(ValueLayout.JAVA_BYTE, base + 2 + j, (byte) roundf(x[32 * b + j] * id));
            }
        }
    }

    /**
     * C's roundf: halves round away from zero. Math.round rounds them up, which differs on negative halves
     * (-86.5 becomes -86, not -87); weights stored as F16 hit such exact halves often.
     */
    static int roundf(float v) {
        return (int) Math.copySign(Math.floor(Math.abs(v) + 0.5), v);
    }

    /** ggml quantize_row_q4_0_ref: d = max / -8 (max = the value of largest magnitude), q = min(15, x/d + 8.5). */
    private static void quantizeQ4_0(float[] x, MemorySegment out) {
        for (int b = 0; b < x.length / 32; b++) {
            float amax = 0;
            float max = 0;
            for (int j = 0; j < 32; j++) {
                float v = x[32 * b + j];
                if (amax < Math.abs(v)) {
                    amax = Math.abs(v);
                    max = v;
                }
            }
            float d = max / -8f;
            float id = d != 0 ? 1f / d : 0f;
            long base = 18L * b;
            out.set(I16, base, Float.floatToFloat16(d));
            for (int j = 0; j < 16; j++) {
                int q0 = Math.min(15, (int) (x[32 * b + j] * id + 8.5f));
                int q1 = Math.min(15, (int) (x[32 * b + j + 16] * id + 8.5f));
                out.set(ValueLayout.JAVA_BYTE, base + 2 + j, (byte) (q0 | (q1 << 4)));
            }
        }
    }
}
