package dev.basalt.api.bedrock;

import dev.basalt.engine.scheduler.StopReason;

/** The engine's stop reasons under Bedrock's names. */
public final class StopReasons {
    private StopReasons() {}

    public static String wireName(StopReason reason) {
        return switch (reason) {
            case END_OF_GENERATION, CANCELLED -> "end_turn";
            case MAX_TOKENS -> "max_tokens";
            case STOP_SEQUENCE -> "stop_sequence";
            case CONTEXT_LENGTH -> "model_context_window_exceeded";
        };
    }
}
