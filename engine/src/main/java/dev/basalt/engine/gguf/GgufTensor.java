package dev.basalt.engine.gguf;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * One tensor of a GGUF file.
 *
 * @param dims  ggml order: {@code dims[0]} is the innermost (row length), as in the file
 * @param data  the tensor's bytes, a slice of the mapped file (never copied onto the heap)
 */
public record GgufTensor(String name, GgmlType type, long[] dims, MemorySegment data) {
    public long elementCount() {
        return Arrays.stream(dims).reduce(1, Math::multiplyExact);
    }

    @Override
    public String toString() {
        return name + " " + type + " " + Arrays.toString(dims);
    }
}
