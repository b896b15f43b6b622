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
        switch (type) {
            case F32 -> MemorySegment.copy(data, F32, 0, out, 0, count);
            case F16 -> {
                for (int i = 0; i < count; i++) {
                    out[i] = Float.float16ToFloat(data.get(I16, 2L * i));
                }
            }
            case BF16 -> {
                for (int i = 0; i < count; i++) {
                    out[i] = Float.intBitsToFloat(data.get(I16, 2L * i) << 16);
                }
            }
            case Q8_0 -> {
                for (int b = 0; b < count / 32; b++) {
                    long base = 34L * b;
                    float d = Float.float16ToFloat(data.get(I16, base));
                    for (int j = 0; j < 32; j++) {
                        out[32 * b + j] = d * data.get(ValueLayout.JAVA_BYTE, base + 2 + j);
                    }
                }
            }
            case Q4_0 -> {
                for (int b = 0; b < count / 32; b++) {
                    long base = 18L * b;
                    float d = Float.float16ToFloat(data.get(I16, base));
                    for (int j = 0; j < 16; j++) {
                        int packed = Byte.toUnsignedInt(data.get(ValueLayout.JAVA_BYTE, base + 2 + j));
                        out[32 * b + j] = d * ((packed & 0x0F) - 8);
                        out[32 * b + j + 16] = d * ((packed >>> 4) - 8);
                    }
                }
            }
            default -> throw new UnsupportedOperationException("dequantizing " + type + " is not supported yet");
        }
        return out;
    }

    /** Round to nearest even on the upper 16 bits, NaN kept quiet (as ggml's GGML_FP32_TO_BF16). */
    static short floatToBf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if ((bits & 0x7fffffff) > 0x7f800000) {
            return (short) ((bits >>> 16) | 64);
        }
        return (short) ((bits + (0x7fff + ((bits >>> 16) & 1))) >>> 16);
    }

    /** ggml quantize_row_q8_0_ref: d = amax / 127, q = round(x / d). */
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
                out.set(ValueLayout.JAVA_BYTE, base + 2 + j, (byte) Math.round(x[32 * b + j] * id));
            }
        }
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
