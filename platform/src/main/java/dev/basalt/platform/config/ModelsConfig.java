package dev.basalt.platform.config;

import java.lang.management.ManagementFactory;
import java.time.Duration;

/**
 * Loading and unloading models on demand.
 *
 * @param memoryBudget what loaded models may take together: each counts its GGUF file (mapped weights) plus its KV
 *                     cache budget. Loading a model that would pass it first unloads the least recently used idle
 *                     models. Default: 75% of physical memory (the rest is for the JVM heap, the OS and page cache)
 * @param loadTimeout  how long a request waits for its model to load (or for memory to free up) before it gets
 *                     {@code ModelNotReadyException}
 */
public record ModelsConfig(DataSize memoryBudget, Duration loadTimeout) {
    public ModelsConfig {
        if (memoryBudget.bytes() == 0) {
            throw new IllegalArgumentException("memoryBudget: must be positive");
        }
        if (loadTimeout.isNegative() || loadTimeout.isZero()) {
            throw new IllegalArgumentException("loadTimeout: must be positive, got " + loadTimeout);
        }
    }

    public static ModelsConfig defaults() {
        long physical = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getTotalMemorySize();
        // Rounded down to whole MiB so that --print-config shows a readable value that parses back.
        long budget = physical / 4 * 3 / (1 << 20) * (1 << 20);
        return new ModelsConfig(new DataSize(Math.max(budget, 1 << 20)), Duration.ofSeconds(30));
    }
}
