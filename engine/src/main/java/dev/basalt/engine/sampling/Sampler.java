package dev.basalt.engine.sampling;

import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Picks the next token from a step's logits. One instance per generation sequence (not thread-safe, and it
 * needs none: the result depends only on the seed, the logits and the accepted tokens, never on threads).
 *
 * <p>The transformation order is llama.cpp's default chain: penalties → top-k → top-p → min-p → temperature →
 * draw. Temperature 0 is greedy: the argmax of the penalized logits, ties going to the lowest id, which is what
 * llama.cpp picks (its truncations always keep the maximum, so they cannot change the argmax).
 *
 * <p>Use: {@link #acceptPrompt} each prompt token (they feed only the repetition window), then per step
 * {@code t = sample(logits)} and {@link #accept accept(t)} once the token is final. Sampling and accepting are
 * separate so that a grammar can reject a sampled token and have the caller sample again from masked logits.
 *
 * <p>Allocation: every buffer is sized to the vocabulary once, here. Candidate selection avoids sorting the
 * whole vocabulary:
 * <ul>
 *   <li>top-k: a bounded min-heap of k ids over one pass (O(V log k)), then a heapsort of those k;</li>
 *   <li>top-p without top-k: one pass computes every weight and a histogram of the logits' distance below the
 *       maximum ({@value #BUCKETS} buckets over {@value #BUCKET_RANGE} nats, the tail in the last bucket);
 *       walking the buckets' masses finds the bucket where the cumulative probability crosses p; only the
 *       tokens in that bucket and the ones above it are collected and sorted — usually a few dozen;</li>
 *   <li>min-p alone or no truncation: no sort at all; candidates stay in id order for the draw.</li>
 * </ul>
 * The draw walks the surviving candidates in that list order (best first after top-k/top-p, id order
 * otherwise) with one uniform number from a seeded xoshiro256**.
 */
public final class Sampler {
    static final int BUCKETS = 1024;
    static final int BUCKET_RANGE = 64;
    private static final double BUCKET_SCALE = (double) BUCKETS / BUCKET_RANGE;

    private final SamplingParams params;
    private final int vocabSize;
    private final Xoshiro256 random;

    private final float[] scores;
    private final double[] weights;
    private final int[] candidates;
    private final double[] bucketMass = new double[BUCKETS];

    private final int[] window;
    private int windowFill;
    private int windowNext;
    private final int[] windowStamp;
    private int stamp;

    private final int[] generatedCount;
    private int[] generatedDistinct = new int[16];
    private int generatedDistinctSize;

    private final TokenLogprobs logprobs;
    private final int[] topHeap;

    public Sampler(SamplingParams params, int vocabSize) {
        if (params == null) {
            throw new IllegalArgumentException("params must not be null");
        }
        if (vocabSize < 1) {
            throw new IllegalArgumentException("vocabSize must be >= 1, got " + vocabSize);
        }
        this.params = params;
        this.vocabSize = vocabSize;
        this.random = new Xoshiro256(params.seed().orElseGet(() -> ThreadLocalRandom.current().nextLong()));
        this.scores = new float[vocabSize];
        this.weights = new double[vocabSize];
        this.candidates = new int[vocabSize];
        this.window = new int[params.repetitionLastN()];
        this.windowStamp = new int[vocabSize];
        this.generatedCount = new int[vocabSize];
        int top = Math.min(params.topLogprobs(), vocabSize);
        this.logprobs = params.logprobs() ? new TokenLogprobs(top) : null;
        this.topHeap = new int[top];
    }

    public SamplingParams params() {
        return params;
    }

    /** Adds a prompt token to the repetition window (frequency and presence penalties count output only). */
    public void acceptPrompt(int token) {
        checkToken(token);
        pushWindow(token);
    }

    /** Records a generated token: it enters the repetition window and the frequency/presence counts. */
    public void accept(int token) {
        checkToken(token);
        pushWindow(token);
        if (generatedCount[token]++ == 0) {
            if (generatedDistinctSize == generatedDistinct.length) {
                // Amortised growth, bounded by the distinct tokens of one sequence: not a per-token allocation.
                generatedDistinct = Arrays.copyOf(generatedDistinct, Math.min(vocabSize, 2 * generatedDistinctSize));
            }
            generatedDistinct[generatedDistinctSize++] = token;
        }
    }

    /**
     * Chooses the next token. {@code logits} (length = vocabulary size) is read, never modified; masked tokens
     * may be {@code -Infinity}, NaN and +Infinity are rejected.
     */
    public int sample(float[] logits) {
        loadScores(logits);
        applyPenalties();
        int argmax = argmax();
        float max = scores[argmax];
        if (max == Float.NEGATIVE_INFINITY) {
            throw new IllegalArgumentException("every token has logit -Infinity: nothing can be sampled");
        }
        int token = params.isGreedy() ? argmax : draw(max);
        if (logprobs != null) {
            fillLogprobs(token, max);
        }
        return token;
    }

    /** Log-probabilities of the last {@link #sample} call; {@code null} when the params did not ask for them. */
    public TokenLogprobs logprobs() {
        return logprobs;
    }

    private void checkToken(int token) {
        if (token < 0 || token >= vocabSize) {
            throw new IllegalArgumentException("token id " + token + " outside the vocabulary 0.." + (vocabSize - 1));
        }
    }

    private void pushWindow(int token) {
        if (window.length == 0) {
            return;
        }
        window[windowNext] = token;
        windowNext = (windowNext + 1) % window.length;
        windowFill = Math.min(windowFill + 1, window.length);
    }

    private void loadScores(float[] logits) {
        if (logits == null || logits.length != vocabSize) {
            throw new IllegalArgumentException("logits must have the vocabulary size " + vocabSize + ", got "
                    + (logits == null ? "null" : logits.length));
        }
        for (int i = 0; i < vocabSize; i++) {
            float v = logits[i];
            if (Float.isNaN(v) || v == Float.POSITIVE_INFINITY) {
                throw new IllegalArgumentException("logit of token " + i + " is " + v);
            }
            scores[i] = v;
        }
    }

    private void applyPenalties() {
        float repetition = (float) params.repetitionPenalty();
        if (repetition != 1f && windowFill > 0) {
            stamp++; // each distinct token of the window is penalized once, as in llama.cpp
            for (int i = 0; i < windowFill; i++) {
                int t = window[i];
                if (windowStamp[t] != stamp) {
                    windowStamp[t] = stamp;
                    float s = scores[t];
                    scores[t] = s <= 0 ? s * repetition : s / repetition;
                }
            }
        }
        float frequency = (float) params.frequencyPenalty();
        float presence = (float) params.presencePenalty();
        if (frequency != 0f || presence != 0f) {
            for (int i = 0; i < generatedDistinctSize; i++) {
                int t = generatedDistinct[i];
                scores[t] -= generatedCount[t] * frequency + presence;
            }
        }
    }

    private int argmax() {
        int best = 0;
        float bestScore = scores[0];
        for (int i = 1; i < vocabSize; i++) {
            if (scores[i] > bestScore) {
                bestScore = scores[i];
                best = i;
            }
        }
        return best;
    }

    private int draw(float max) {
        // min-p keeps the tokens whose probability is at least minP times the best one's: a logit threshold.
        float minLogit = params.minP() > 0 ? (float) (max + Math.log(params.minP())) : Float.NEGATIVE_INFINITY;
        int n;
        if (params.topK() > 0 && params.topK() < vocabSize) {
            n = selectTopK(params.topK());
            n = trimBelow(cutTopP(n, sumWeightsOfCandidates(n, max)), minLogit);
        } else if (params.topP() < 1) {
            double total = weightsAndBuckets(max);
            n = trimBelow(cutTopP(selectTopPPrefix(max, total), total), minLogit);
        } else {
            n = gatherAbove(minLogit); // nothing sorted: the candidates stay in id order
        }
        return drawWithTemperature(n, max);
    }

    /** Drops the tail of a best-first candidate list below {@code minLogit}; the best token always stays. */
    private int trimBelow(int n, float minLogit) {
        while (n > 1 && scores[candidates[n - 1]] < minLogit) {
            n--;
        }
        return n;
    }

    /** candidates[0..k) = the k best finite-score tokens, best first. */
    private int selectTopK(int k) {
        int size = 0;
        for (int t = 0; t < vocabSize; t++) {
            if (scores[t] == Float.NEGATIVE_INFINITY) {
                continue;
            }
            if (size < k) {
                candidates[size++] = t;
                if (size == k) {
                    CandidateHeap.heapify(candidates, k, scores);
                }
            } else {
                CandidateHeap.offer(candidates, k, scores, t);
            }
        }
        if (size < k) {
            CandidateHeap.heapify(candidates, size, scores);
        }
        CandidateHeap.sortHeapDescending(candidates, size, scores);
        return size;
    }

    private double sumWeightsOfCandidates(int n, float max) {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            int t = candidates[i];
            double w = Math.exp(scores[t] - max);
            weights[t] = w;
            sum += w;
        }
        return sum;
    }

    /** Computes every token's weight at temperature 1 and the histogram masses; returns the total mass. */
    private double weightsAndBuckets(float max) {
        Arrays.fill(bucketMass, 0);
        double sum = 0;
        for (int t = 0; t < vocabSize; t++) {
            float s = scores[t];
            double w = s == Float.NEGATIVE_INFINITY ? 0 : Math.exp(s - max);
            weights[t] = w;
            bucketMass[bucket(s, max)] += w;
            sum += w;
        }
        return sum;
    }

    private static int bucket(float score, float max) {
        double distance = (double) max - score;
        return distance < BUCKET_RANGE ? (int) (distance * BUCKET_SCALE) : BUCKETS - 1;
    }

    /**
     * Collects, sorted best first, every token in the buckets down to the one where the cumulative mass
     * crosses p, plus the next non-empty bucket as a margin against rounding (the bucket sums add in another
     * order than the sorted walk of {@link #cutTopP}). Must run after {@link #weightsAndBuckets}.
     */
    private int selectTopPPrefix(float max, double total) {
        double target = params.topP() * total;
        double cumulative = 0;
        int last = BUCKETS - 1;
        boolean crossed = false;
        for (int b = 0; b < BUCKETS; b++) {
            if (bucketMass[b] == 0) {
                continue;
            }
            if (crossed) {
                last = b;
                break;
            }
            cumulative += bucketMass[b];
            crossed = cumulative >= target;
            last = b;
        }
        int n = 0;
        for (int t = 0; t < vocabSize; t++) {
            float s = scores[t];
            if (s != Float.NEGATIVE_INFINITY && bucket(s, max) <= last) {
                candidates[n++] = t;
            }
        }
        CandidateHeap.sortDescending(candidates, n, scores);
        return n;
    }

    /** llama.cpp's top-p: keep the best tokens until their probability sum reaches p (the crossing one too). */
    private int cutTopP(int n, double totalWeight) {
        if (params.topP() >= 1) {
            return n;
        }
        double cumulative = 0;
        for (int i = 0; i < n; i++) {
            cumulative += weights[candidates[i]] / totalWeight;
            if (cumulative >= params.topP()) {
                return i + 1;
            }
        }
        return n;
    }

    private int gatherAbove(float threshold) {
        int n = 0;
        for (int t = 0; t < vocabSize; t++) {
            float s = scores[t];
            if (s != Float.NEGATIVE_INFINITY && s >= threshold) {
                candidates[n++] = t;
            }
        }
        return n;
    }

    private int drawWithTemperature(int n, float max) {
        double inverseTemperature = 1.0 / params.temperature();
        double sum = 0;
        for (int i = 0; i < n; i++) {
            int t = candidates[i];
            double w = Math.exp((scores[t] - max) * inverseTemperature);
            weights[t] = w;
            sum += w;
        }
        double u = random.nextDouble() * sum;
        double cumulative = 0;
        for (int i = 0; i < n - 1; i++) {
            cumulative += weights[candidates[i]];
            if (u < cumulative) {
                return candidates[i];
            }
        }
        return candidates[n - 1];
    }

    private void fillLogprobs(int token, float max) {
        double sum = 0;
        for (int t = 0; t < vocabSize; t++) {
            float s = scores[t];
            if (s != Float.NEGATIVE_INFINITY) {
                sum += Math.exp(s - max);
            }
        }
        double logZ = max + Math.log(sum);
        logprobs.setChosen(token, (float) (scores[token] - logZ));
        int k = topHeap.length;
        if (k == 0) {
            logprobs.setTopCount(0);
            return;
        }
        for (int t = 0; t < k; t++) {
            topHeap[t] = t;
        }
        CandidateHeap.heapify(topHeap, k, scores);
        for (int t = k; t < vocabSize; t++) {
            CandidateHeap.offer(topHeap, k, scores, t);
        }
        CandidateHeap.sortHeapDescending(topHeap, k, scores);
        for (int i = 0; i < k; i++) {
            logprobs.setTop(i, topHeap[i], (float) (scores[topHeap[i]] - logZ));
        }
        logprobs.setTopCount(k);
    }
}
