package dev.basalt.platform.convert;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Optional;

/**
 * Element types of the safetensors format, with their sizes so that any file's layout can be checked. Only the
 * floating-point types checkpoints store weights in can be read as floats.
 */
public enum SafetensorsDtype {
    BOOL(1), U8(1), I8(1), F8_E4M3(1), F8_E5M2(1), I16(2), U16(2), F16(2), BF16(2), I32(4), U32(4), F32(4),
    I64(8), U64(8), F64(8);

    private static final ValueLayout.OfShort I16_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat F32_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    public final int size;

    SafetensorsDtype(int size) {
        this.size = size;
    }

    static Optional<SafetensorsDtype> byName(String name) {
        return Arrays.stream(values()).filter(d -> d.name().equals(name)).findFirst();
    }

    boolean isFloat() {
        return this == F32 || this == F16 || this == BF16;
    }

    /** Decodes {@code out.length} values starting at byte {@code offset} of {@code data}. */
    void decode(MemorySegment data, long offset, float[] out) {
        switch (this) {
            case F32 -> MemorySegment.copy(data, F32_LE, offset, out, 0, out.length);
            case F16 -> {
                for (int i = 0; i < out.length; i++) {
                    out[i] = Float.float16ToFloat(data.get(I16_LE, offset + 2L * i));
                }
            }
            case BF16 -> {
                for (int i = 0; i < out.length; i++) {
                    out[i] = Float.intBitsToFloat(data.get(I16_LE, offset + 2L * i) << 16);
                }
            }
            default -> throw new IllegalStateException(this + " is not a floating-point type");
        }
    }
}
