package dev.basalt.engine.sampling;

import java.util.List;
import java.util.OptionalLong;

/**
 * How the next token is chosen, validated once when the request arrives so that the hot path never checks.
 *
 * <p>Ranges follow what Bedrock and OpenAI accept: {@code temperature} 0..2 (0 means greedy argmax),
 * {@code topP} in (0, 1] (1 = off), {@code topK} ≥ 0 (0 = off), {@code minP} 0..1 (0 = off),
 * {@code frequencyPenalty} and {@code presencePenalty} -2..2 (OpenAI semantics, counted over the generated
 * tokens), {@code repetitionPenalty} &gt; 0 (llama.cpp semantics over the last {@code repetitionLastN} tokens of
 * prompt and output; 1 = off), at most 4 non-empty stop sequences, {@code topLogprobs} 0..20 (needs
 * {@code logprobs}).
 *
 * @param seed absent: the sampler draws a random seed
 */
public record SamplingParams(
        double temperature,
        int topK,
        double topP,
        double minP,
        double repetitionPenalty,
        int repetitionLastN,
        double frequencyPenalty,
        double presencePenalty,
        OptionalLong seed,
        int maxTokens,
        List<String> stop,
        boolean logprobs,
        int topLogprobs) {

    public static final int MAX_STOP_SEQUENCES = 4;
    public static final int MAX_TOP_LOGPROBS = 20;

    public SamplingParams {
        requireRange("temperature", temperature, 0, 2);
        if (topK < 0) {
            throw new IllegalArgumentException("topK must be >= 0 (0 disables top-k), got " + topK);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("topP must be in (0, 1], got " + topP);
        }
        requireRange("minP", minP, 0, 1);
        if (!(repetitionPenalty > 0) || Double.isInfinite(repetitionPenalty)) {
            throw new IllegalArgumentException("repetitionPenalty must be a finite number > 0 (1 disables it), got "
                    + repetitionPenalty);
        }
        if (repetitionLastN < 0) {
            throw new IllegalArgumentException("repetitionLastN must be >= 0, got " + repetitionLastN);
        }
        requireRange("frequencyPenalty", frequencyPenalty, -2, 2);
        requireRange("presencePenalty", presencePenalty, -2, 2);
        if (seed == null) {
            throw new IllegalArgumentException("seed must be OptionalLong.empty() when absent, not null");
        }
        if (maxTokens < 1) {
            throw new IllegalArgumentException("maxTokens must be >= 1, got " + maxTokens);
        }
        if (stop == null) {
            throw new IllegalArgumentException("stop must be a list (possibly empty), not null");
        }
        if (stop.size() > MAX_STOP_SEQUENCES) {
            throw new IllegalArgumentException("at most " + MAX_STOP_SEQUENCES + " stop sequences are allowed, got "
                    + stop.size());
        }
        for (String s : stop) {
            if (s == null || s.isEmpty()) {
                throw new IllegalArgumentException("stop sequences must be non-empty strings");
            }
        }
        stop = List.copyOf(stop);
        if (topLogprobs < 0 || topLogprobs > MAX_TOP_LOGPROBS) {
            throw new IllegalArgumentException("topLogprobs must be in 0.." + MAX_TOP_LOGPROBS + ", got " + topLogprobs);
        }
        if (topLogprobs > 0 && !logprobs) {
            throw new IllegalArgumentException("topLogprobs requires logprobs to be enabled");
        }
    }

    /** Defaults of llama.cpp's server for the knobs that exist there; penalties off; 256 tokens. */
    public static SamplingParams defaults() {
        return builder().build();
    }

    /** Argmax decoding: what temperature 0 means in every API Basalt speaks. */
    public static SamplingParams greedy() {
        return builder().temperature(0).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The same sampling with another token budget and no stop sequences (a sub-generation, e.g. a tool's name). */
    public SamplingParams withMaxTokensAndNoStop(int newMaxTokens) {
        return new SamplingParams(temperature, topK, topP, minP, repetitionPenalty, repetitionLastN, frequencyPenalty,
                presencePenalty, seed, newMaxTokens, List.of(), logprobs, topLogprobs);
    }

    public boolean isGreedy() {
        return temperature == 0;
    }

    private static void requireRange(String name, double value, double min, double max) {
        if (!(value >= min && value <= max)) {
            throw new IllegalArgumentException(name + " must be in " + min + ".." + max + ", got " + value);
        }
    }

    /** Mutable builder; {@link #build()} validates through the record constructor. */
    public static final class Builder {
        private double temperature = 0.8;
        private int topK = 40;
        private double topP = 0.95;
        private double minP = 0.05;
        private double repetitionPenalty = 1.0;
        private int repetitionLastN = 64;
        private double frequencyPenalty;
        private double presencePenalty;
        private OptionalLong seed = OptionalLong.empty();
        private int maxTokens = 256;
        private List<String> stop = List.of();
        private boolean logprobs;
        private int topLogprobs;

        private Builder() {
        }

        public Builder temperature(double v) { temperature = v; return this; }
        public Builder topK(int v) { topK = v; return this; }
        public Builder topP(double v) { topP = v; return this; }
        public Builder minP(double v) { minP = v; return this; }
        public Builder repetitionPenalty(double v) { repetitionPenalty = v; return this; }
        public Builder repetitionLastN(int v) { repetitionLastN = v; return this; }
        public Builder frequencyPenalty(double v) { frequencyPenalty = v; return this; }
        public Builder presencePenalty(double v) { presencePenalty = v; return this; }
        public Builder seed(long v) { seed = OptionalLong.of(v); return this; }
        public Builder maxTokens(int v) { maxTokens = v; return this; }
        public Builder stop(List<String> v) { stop = v; return this; }
        public Builder logprobs(boolean v) { logprobs = v; return this; }
        public Builder topLogprobs(int v) { topLogprobs = v; return this; }

        public SamplingParams build() {
            return new SamplingParams(temperature, topK, topP, minP, repetitionPenalty, repetitionLastN,
                    frequencyPenalty, presencePenalty, seed, maxTokens, stop, logprobs, topLogprobs);
        }
    }
}
