package dev.basalt.engine.scheduler;

import java.util.List;

/**
 * One step of a generation: the token chosen (or -1 for text released at the end, e.g. held back while it
 * might have begun a stop sequence) and the text that became final with it, which may be empty (a token
 * holding part of a UTF-8 character or of a possible stop sequence).
 *
 * @param logprob      the chosen token's log-probability, NaN unless requested
 * @param alternatives the most likely tokens at this step, best first (empty unless requested)
 */
public record TokenEvent(int token, String text, float logprob, List<Alternative> alternatives) {
    /** A candidate token and its log-probability. */
    public record Alternative(int token, float logprob) {}
}
