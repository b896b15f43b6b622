package dev.basalt.engine.parallel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WorkerPoolTest {
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 5})
    void everyItemIsProcessedExactlyOnceInAlignedParts(int threads) {
        try (WorkerPool pool = new WorkerPool(threads)) {
            for (int round = 0; round < 2000; round++) {
                int count = 1 + round % 97;
                AtomicIntegerArray hits = new AtomicIntegerArray(count);
                int alignment = round % 3 == 0 ? 16 : 1;
                pool.run((from, to) -> {
                    assertThat(from % alignment).isZero();
                    for (int i = from; i < to; i++) {
                        hits.incrementAndGet(i);
                    }
                }, count, alignment);
                for (int i = 0; i < count; i++) {
                    assertThat(hits.get(i)).as("item %d of %d, round %d", i, count, round).isEqualTo(1);
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 4})
    void aFailureInAnyPartReachesTheCallerAndThePoolKeepsWorking(int threads) {
        try (WorkerPool pool = new WorkerPool(threads)) {
            assertThatThrownBy(() -> pool.run((from, to) -> {
                if (to == 64) {
                    throw new ArithmeticException("boom");
                }
            }, 64, 1)).hasMessageContaining("boom");
            int[] sum = new int[1];
            pool.run((from, to) -> {
                synchronized (sum) {
                    sum[0] += to - from;
                }
            }, 64, 1);
            assertThat(sum[0]).isEqualTo(64);
        }
    }
}
