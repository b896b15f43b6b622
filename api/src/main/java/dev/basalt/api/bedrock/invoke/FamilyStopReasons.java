package dev.basalt.api.bedrock.invoke;

import dev.basalt.engine.scheduler.StopReason;

/** The engine's stop reasons under the names the prompt families use. */
final class FamilyStopReasons {
    private FamilyStopReasons() {}

    /** Meta Llama and Mistral: {@code stop} for a natural end or a stop sequence, {@code length} for a limit. */
    static String stopOrLength(StopReason reason) {
        return switch (reason) {
            case END_OF_GENERATION, STOP_SEQUENCE, CANCELLED -> "stop";
            case MAX_TOKENS, CONTEXT_LENGTH -> "length";
        };
    }

    /** Amazon Titan's completionReason. */
    static String titan(StopReason reason) {
        return switch (reason) {
            case END_OF_GENERATION, CANCELLED -> "FINISH";
            case MAX_TOKENS, CONTEXT_LENGTH -> "LENGTH";
            case STOP_SEQUENCE -> "STOP_CRITERIA_MET";
        };
    }
}
