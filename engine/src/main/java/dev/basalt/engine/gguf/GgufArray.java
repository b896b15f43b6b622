package dev.basalt.engine.gguf;

import java.lang.reflect.Array;

/**
 * A metadata array: its element type and its values as a Java array (see {@link GgufValueType} for which).
 * Kept as a primitive array so that a 128k-entry vocabulary's scores cost 512 KB, not 2 MB of boxes.
 */
public record GgufArray(GgufValueType elementType, Object values) {
    public int length() {
        return Array.getLength(values);
    }
}
