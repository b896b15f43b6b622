package dev.basalt.platform.runtime;

import dev.basalt.engine.scheduler.StopReason;

/** The assistant's reply, why it ended, and what it cost in tokens and time. */
public record ConverseResult(String text, StopReason stopReason, int inputTokens, int outputTokens, long latencyMillis) {}
