package dev.basalt.engine.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.engine.gguf.GgmlType;
import dev.basalt.engine.gguf.GgufFile;
import dev.basalt.engine.parallel.WorkerPool;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The decode hot path allocates nothing per token once compiled (checked with the JVM's allocation counters). */
class DecodeAllocationTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"Q8_0", "F16"})
    void decodingAllocatesNothingPerToken(GgmlType type) throws Exception {
        Path file = dir.resolve("tiny.gguf");
        SyntheticModel.write(Architecture.LLAMA, SyntheticModel.Shape.TINY, type, 1, file);
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (GgufFile gguf = GgufFile.open(file); WorkerPool pool = new WorkerPool(2)) {
            Session session = new Session(Transformer.load(gguf), pool, 1024, 4);
            int[] token = {7};
            double perToken = Double.MAX_VALUE;
            // Interpreted and C1 code allocate (Vector API boxes); wait for the JIT, window by window.
            for (int window = 0; window < 150 && perToken >= 1; window++) {
                session.truncate(0);
                session.forward(token, 0, 1); // the first position takes the cache's blocks
                long before = threads.getTotalThreadAllocatedBytes();
                for (int i = 0; i < 200; i++) {
                    session.forward(token, 0, 1);
                }
                perToken = (threads.getTotalThreadAllocatedBytes() - before) / 200.0;
            }
            assertThat(perToken).as("bytes allocated per decoded token").isLessThan(1);
        }
    }
}
