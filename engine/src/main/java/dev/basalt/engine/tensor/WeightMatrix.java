package dev.basalt.engine.tensor;

import dev.basalt.engine.gguf.GgmlType;
import java.lang.foreign.MemorySegment;

/**
 * A row-major weight matrix in one of ggml's formats, viewed in place over the mapped model file (never copied
 * to the heap). A row holds {@code cols} values, i.e. {@code cols / blockSize} blocks.
 */
public record WeightMatrix(String name, GgmlType type, int rows, int cols, MemorySegment data) {
    public WeightMatrix {
        if (cols % type.blockSize != 0) {
            throw new IllegalArgumentException(name + ": " + cols + " columns are not whole " + type + " blocks");
        }
        if (data.byteSize() < (long) rows * type.byteSize(cols)) {
            throw new IllegalArgumentException(name + ": data holds " + data.byteSize() + " bytes, "
                    + rows + "x" + cols + " " + type + " needs " + (long) rows * type.byteSize(cols));
        }
    }

    public long rowBytes() {
        return type.byteSize(cols);
    }

    /** Row {@code row} dequantized to F32 into {@code out} (used for embedding lookups). */
    public void dequantizeRow(int row, float[] out) {
        Quantization.dequantize(type, data, row * rowBytes(), cols, out);
    }
}
