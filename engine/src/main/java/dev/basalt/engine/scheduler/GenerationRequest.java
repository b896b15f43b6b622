package dev.basalt.engine.scheduler;

import dev.basalt.engine.grammar.JsonConstraint;
import dev.basalt.engine.sampling.SamplingParams;

/**
 * What to generate: a tokenized prompt (special tokens and chat template already applied), sampling
 * parameters (including max tokens and stop sequences) and, optionally, a JSON constraint the output must
 * satisfy.
 */
public record GenerationRequest(int[] prompt, SamplingParams sampling, JsonConstraint constraint) {
    public GenerationRequest {
        if (prompt == null || prompt.length == 0) {
            throw new IllegalArgumentException("the prompt must hold at least one token");
        }
        if (sampling == null) {
            throw new IllegalArgumentException("sampling parameters are required");
        }
        prompt = prompt.clone();
    }

    public GenerationRequest(int[] prompt, SamplingParams sampling) {
        this(prompt, sampling, null);
    }
}
