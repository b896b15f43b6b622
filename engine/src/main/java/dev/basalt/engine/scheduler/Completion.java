package dev.basalt.engine.scheduler;

/**
 * How a generation ended, with usage and timings.
 *
 * @param promptTokens         tokens of the prompt
 * @param cachedPromptTokens   of those, tokens whose keys and values came from the prefix cache (not recomputed)
 * @param completionTokens     tokens generated (the end-of-generation token included when there was one)
 * @param timeToFirstTokenNanos from submission to the first generated token (queueing and prefill included)
 * @param totalNanos           from submission to the end
 */
public record Completion(StopReason stopReason, int promptTokens, int cachedPromptTokens, int completionTokens,
                         long timeToFirstTokenNanos, long totalNanos) {}
