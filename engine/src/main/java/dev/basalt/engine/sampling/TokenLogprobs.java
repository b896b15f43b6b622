package dev.basalt.engine.sampling;

/**
 * Log-probabilities of one sampled token and its most likely alternatives. One instance per {@link Sampler},
 * overwritten by each {@link Sampler#sample} call so that the hot path allocates nothing: copy what you keep.
 *
 * <p>The distribution is the log-softmax of the model's logits after the repetition/frequency/presence
 * penalties and before any truncation (top-k, top-p, min-p) or temperature: that is what "the model's
 * probability of this token" means to API clients, and it does not depend on the sampling knobs that only
 * narrow the choice.
 */
public final class TokenLogprobs {
    private final int[] topTokens;
    private final float[] topLogprobs;
    private int topCount;
    private int token;
    private float logprob;

    TokenLogprobs(int capacity) {
        topTokens = new int[capacity];
        topLogprobs = new float[capacity];
    }

    /** The sampled token. */
    public int token() {
        return token;
    }

    /** Natural-log probability of the sampled token. */
    public float logprob() {
        return logprob;
    }

    /** Number of alternatives, most likely first; 0 when top logprobs were not requested. */
    public int topCount() {
        return topCount;
    }

    public int topToken(int rank) {
        checkRank(rank);
        return topTokens[rank];
    }

    public float topLogprob(int rank) {
        checkRank(rank);
        return topLogprobs[rank];
    }

    private void checkRank(int rank) {
        if (rank < 0 || rank >= topCount) {
            throw new IllegalArgumentException("rank " + rank + " outside 0.." + (topCount - 1));
        }
    }

    void setChosen(int token, float logprob) {
        this.token = token;
        this.logprob = logprob;
    }

    void setTop(int rank, int token, float logprob) {
        topTokens[rank] = token;
        topLogprobs[rank] = logprob;
    }

    void setTopCount(int count) {
        topCount = count;
    }
}
