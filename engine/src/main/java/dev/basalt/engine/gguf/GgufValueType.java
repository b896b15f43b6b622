package dev.basalt.engine.gguf;

/**
 * Metadata value types of the GGUF format. In Java, 8/16-bit integers and INT32 are {@code int}, UINT32 and
 * the 64-bit integers are {@code long} (UINT64 keeps its raw bits), floats are {@code float}/{@code double}.
 * Arrays of them are primitive arrays ({@code int[]}, {@code long[]}, {@code float[]}, {@code double[]},
 * {@code boolean[]}), {@code String[]}, or {@code GgufArray[]} for nested arrays.
 */
public enum GgufValueType {
    UINT8(1), INT8(1), UINT16(2), INT16(2), UINT32(4), INT32(4), FLOAT32(4), BOOL(1), STRING(8), ARRAY(12),
    UINT64(8), INT64(8), FLOAT64(8);

    /** The fewest bytes one value of this type takes in a file (a string: its 8-byte length). */
    final int minBytes;

    GgufValueType(int minBytes) {
        this.minBytes = minBytes;
    }

    static GgufValueType byId(int id, long offset) {
        if (id < 0 || id >= values().length) {
            throw new GgufFormatException("unknown metadata value type " + id + " at offset " + offset);
        }
        return values()[id];
    }
}
