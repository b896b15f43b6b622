package dev.basalt.api.bedrock;

import dev.basalt.engine.scheduler.StopReason;
import dev.basalt.platform.runtime.ConverseResult;

/** The engine's stop reasons under Bedrock's names. */
public final class StopReasons {
    private StopReasons() {}

    /** A reply that calls tools stops with {@code tool_use}, whatever ended the generation. */
    public static String wireName(ConverseResult result) {
        return result.callsTools() ? "tool_use" : wireName(result.stopReason());
    }

    public static String wireName(StopReason reason) {
        return switch (reason) {
            case END_OF_GENERATION, CANCELLED -> "end_turn";
            case MAX_TOKENS -> "max_tokens";
            case STOP_SEQUENCE -> "stop_sequence";
            case CONTEXT_LENGTH -> "model_context_window_exceeded";
        };
    }
}
