package dev.basalt.engine.scheduler;

/** Why a generation ended. */
public enum StopReason {
    /** The model produced an end-of-generation token (EOS, EOT, end of turn). */
    END_OF_GENERATION,
    /** The requested maximum number of tokens was generated. */
    MAX_TOKENS,
    /** A stop sequence was produced (and left out of the text). */
    STOP_SEQUENCE,
    /** The sequence reached the end of the context window. */
    CONTEXT_LENGTH,
    /** The caller cancelled it. */
    CANCELLED
}
