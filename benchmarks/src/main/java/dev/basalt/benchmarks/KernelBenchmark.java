package dev.basalt.benchmarks;

import dev.basalt.engine.gguf.GgmlType;
import dev.basalt.engine.tensor.Activation;
import dev.basalt.engine.tensor.Kernels;
import dev.basalt.engine.tensor.Quantization;
import dev.basalt.engine.tensor.ScalarKernels;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One matrix-vector product over a 4096 x 2048 weight matrix (16 MB in Q8_0, larger than the caches), one
 * thread: the single-token kernel, the four-token kernel (per four tokens) and the scalar twin. Bytes of
 * weights divided by the time per operation gives the read rate to compare with the machine's bandwidth.
 *
 * <p>Run: {@code ./mvnw -q -pl benchmarks -am package -DskipTests && java --add-modules jdk.incubator.vector
 * -cp "benchmarks/target/classes:benchmarks/target/lib/*" org.openjdk.jmh.Main KernelBenchmark}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class KernelBenchmark {
    private static final int ROWS = 4096;
    private static final int COLS = 2048;

    @Param({"Q8_0", "Q4_0", "Q4_K", "Q6_K", "F16", "F32"})
    public String format;

    private GgmlType type;
    private MemorySegment weights;
    private Activation[] x;
    private float[][] out;

    @Setup(Level.Trial)
    public void setUp() {
        type = GgmlType.valueOf(format);
        SplittableRandom random = new SplittableRandom(1);
        long rowBytes = type.byteSize(COLS);
        weights = Arena.ofAuto().allocate(rowBytes * ROWS, 64);
        if (type == GgmlType.Q4_K || type == GgmlType.Q6_K) {
            // Random bytes are valid K-quant blocks once the F16 scales are sane.
            for (long i = 0; i < weights.byteSize(); i++) {
                weights.set(java.lang.foreign.ValueLayout.JAVA_BYTE, i, (byte) random.nextInt(256));
            }
            long blockBytes = type.typeSize;
            long scaleAt = type == GgmlType.Q6_K ? 208 : 0;
            for (long b = 0; b < weights.byteSize() / blockBytes; b++) {
                weights.set(java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED, b * blockBytes + scaleAt, Float.floatToFloat16(0.01f));
                if (type == GgmlType.Q4_K) {
                    weights.set(java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED, b * blockBytes + 2, Float.floatToFloat16(0.01f));
                }
            }
        } else {
            float[] row = new float[COLS];
            for (int r = 0; r < ROWS; r++) {
                for (int i = 0; i < COLS; i++) {
                    row[i] = (float) random.nextGaussian() * 0.02f;
                }
                MemorySegment.copy(MemorySegment.ofArray(Quantization.quantize(type, row)), 0, weights, r * rowBytes, rowBytes);
            }
        }
        x = new Activation[4];
        out = new float[4][ROWS];
        for (int t = 0; t < 4; t++) {
            x[t] = new Activation(COLS);
            for (int i = 0; i < COLS; i++) {
                x[t].values()[i] = (float) random.nextGaussian();
            }
            x[t].changed();
            x[t].prepareFor(type);
        }
    }

    @Benchmark
    public float[] singleToken() {
        long rowBytes = type.byteSize(COLS);
        for (int r = 0; r < ROWS; r++) {
            out[0][r] = Kernels.dot(type, weights, r * rowBytes, x[0]);
        }
        return out[0];
    }

    @Benchmark
    public float[][] fourTokens() {
        long rowBytes = type.byteSize(COLS);
        for (int r = 0; r < ROWS; r++) {
            if (Kernels.hasDot4(type)) {
                Kernels.dot4(type, weights, r * rowBytes, x, 0, out, r);
            } else {
                for (int t = 0; t < 4; t++) {
                    out[t][r] = Kernels.dot(type, weights, r * rowBytes, x[t]);
                }
            }
        }
        return out;
    }

    @Benchmark
    public float[] scalarTwin() {
        long rowBytes = type.byteSize(COLS);
        for (int r = 0; r < ROWS; r += 64) { // 1/64 of the rows: the twin is slow; multiply the time by 64
            out[0][r] = ScalarKernels.dot(type, weights, r * rowBytes, x[0]);
        }
        return out[0];
    }
}
