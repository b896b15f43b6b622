package dev.basalt.platform.config;

import java.time.Duration;

/**
 * Model invocations.
 *
 * @param requestTimeout the longest one invocation (queueing included) may take; past it, generation is cancelled
 *                       and the caller gets a timeout error (Bedrock's {@code ModelTimeoutException})
 */
public record InferenceConfig(Duration requestTimeout) {
    public InferenceConfig {
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("requestTimeout: must be positive, got " + requestTimeout);
        }
    }

    public static InferenceConfig defaults() {
        return new InferenceConfig(Duration.ofMinutes(10));
    }
}
