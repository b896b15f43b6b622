package dev.basalt.platform.convert;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * One tensor of a safetensors file: its row-major bytes ({@code shape[0]} is the slowest dimension, as in
 * PyTorch) in a mapping that stays valid until the file is closed.
 */
public record SafetensorsTensor(String name, SafetensorsDtype dtype, long[] shape, MemorySegment data) {

    public long elementCount() {
        return Arrays.stream(shape).reduce(1, Math::multiplyExact);
    }

    /** Values per row: the product of every dimension but the first; a vector (or scalar) is one row. */
    public int rowLength() {
        if (shape.length <= 1) {
            return Math.toIntExact(elementCount());
        }
        long n = 1;
        for (int i = 1; i < shape.length; i++) {
            n = Math.multiplyExact(n, shape[i]);
        }
        return Math.toIntExact(n);
    }

    /**
     * Decodes row {@code row} into {@code out}, which holds {@link #rowLength()} values.
     *
     * @throws SafetensorsFormatException if the dtype is not F32, F16 or BF16
     */
    public void readRow(long row, float[] out) {
        if (out.length != rowLength() || row < 0 || (row + 1) * out.length > elementCount()) {
            throw new IllegalArgumentException("row " + row + " of " + out.length + " values is not in " + this);
        }
        if (!dtype.isFloat()) {
            throw new SafetensorsFormatException("tensor " + name + " has dtype " + dtype
                    + "; only F32, F16 and BF16 weights can be converted");
        }
        dtype.decode(data, row * out.length * dtype.size, out);
    }

    @Override
    public String toString() {
        return name + " " + dtype + Arrays.toString(shape);
    }
}
