package dev.basalt.engine.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SamplerTest {

    private static float[] randomLogits(Random rnd, int vocab, double spread, boolean quantized) {
        float[] logits = new float[vocab];
        for (int i = 0; i < vocab; i++) {
            double v = rnd.nextGaussian() * spread;
            logits[i] = (float) (quantized ? Math.round(v * 2) / 2.0 : v);
        }
        return logits;
    }

    @Test
    void xoshiroStreamIsPinnedSoSeededOutputSurvivesJdkUpgrades() {
        Xoshiro256 r = new Xoshiro256(42);
        assertThat(new long[] {r.nextLong(), r.nextLong(), r.nextLong()})
                .containsExactly(1546998764402558742L, 6990951692964543102L, -5902157311460992607L);
    }

    @Test
    void greedyIsArgmaxWithTiesToLowestId() {
        Sampler s = new Sampler(SamplingParams.greedy(), 6);
        assertThat(s.sample(new float[] {1, 3, 2, 3, -1, 0})).isEqualTo(1);
        assertThat(s.sample(new float[] {Float.NEGATIVE_INFINITY, -5, -5, -7, -9, -6})).isEqualTo(1);
    }

    @Test
    void matchesReferenceOnRandomLogitsForEveryKnobCombination() {
        Random rnd = new Random(7);
        int combos = 0;
        for (int vocab : new int[] {1, 3, 257, 3000}) {
            for (int topK : new int[] {0, 1, 5, 40, vocab, vocab + 3}) {
                for (double topP : new double[] {1, 0.95, 0.5, 0.05}) {
                    for (double minP : new double[] {0, 0.05, 0.4}) {
                        for (double temperature : new double[] {0, 0.4, 1, 2}) {
                            SamplingParams p = SamplingParams.builder().seed(rnd.nextLong()).topK(topK).topP(topP)
                                    .minP(minP).temperature(temperature).repetitionPenalty(1 + rnd.nextDouble())
                                    .repetitionLastN(rnd.nextInt(10)).frequencyPenalty(rnd.nextDouble() - 0.5)
                                    .presencePenalty(rnd.nextDouble() - 0.5).build();
                            compareWithReference(p, vocab, rnd, 12);
                            combos++;
                        }
                    }
                }
            }
        }
        assertThat(combos).isEqualTo(4 * 6 * 4 * 3 * 4);
    }

    private static void compareWithReference(SamplingParams p, int vocab, Random rnd, int steps) {
        Sampler fast = new Sampler(p, vocab);
        ReferenceSampler ref = new ReferenceSampler(p);
        for (int i = 0; i < 3; i++) {
            int prompt = rnd.nextInt(vocab);
            fast.acceptPrompt(prompt);
            ref.acceptPrompt(prompt);
        }
        for (int step = 0; step < steps; step++) {
            float[] logits = randomLogits(rnd, vocab, 1 + rnd.nextInt(8), step % 3 == 0);
            if (vocab > 2 && step % 4 == 1) {
                logits[rnd.nextInt(vocab)] = Float.NEGATIVE_INFINITY;
            }
            float[] copy = logits.clone();
            int expected = ref.sample(logits);
            int actual = fast.sample(logits);
            assertThat(actual).as("%s step %d", p, step).isEqualTo(expected);
            assertThat(logits).as("sample must not modify the logits").isEqualTo(copy);
            fast.accept(actual);
            ref.accept(expected);
        }
    }

    @Test
    void topPHistogramHandlesWideRangesAndProbabilityMassInTheTail() {
        Random rnd = new Random(11);
        for (double topP : new double[] {0.999999, 0.9999, 0.99, 0.3}) {
            for (int trial = 0; trial < 20; trial++) {
                // A spread of ~100 nats puts many tokens in the catch-all bucket; a flat block makes the tail heavy.
                SamplingParams p = SamplingParams.builder().seed(rnd.nextLong()).topK(0).minP(0).topP(topP)
                        .temperature(1).build();
                Sampler fast = new Sampler(p, 4000);
                ReferenceSampler ref = new ReferenceSampler(p);
                float[] logits = randomLogits(rnd, 4000, trial % 2 == 0 ? 40 : 0.01, false);
                for (int rep = 0; rep < 5; rep++) {
                    assertThat(fast.sample(logits)).isEqualTo(ref.sample(logits));
                }
            }
        }
    }

    @Test
    void samplesFollowTheDistribution() {
        float[] logits = {(float) Math.log(0.5), (float) Math.log(0.3), (float) Math.log(0.2)};
        Sampler s = new Sampler(SamplingParams.builder().seed(3).topK(0).topP(1).minP(0).temperature(1).build(), 3);
        int[] counts = new int[3];
        for (int i = 0; i < 20_000; i++) {
            counts[s.sample(logits)]++;
        }
        assertThat(counts[0] / 20_000.0).isCloseTo(0.5, org.assertj.core.data.Offset.offset(0.02));
        assertThat(counts[1] / 20_000.0).isCloseTo(0.3, org.assertj.core.data.Offset.offset(0.02));
        assertThat(counts[2] / 20_000.0).isCloseTo(0.2, org.assertj.core.data.Offset.offset(0.02));
    }

    @Test
    void truncationsKeepOnlyTheExpectedTokens() {
        float[] logits = {(float) Math.log(0.5), (float) Math.log(0.3), (float) Math.log(0.15), (float) Math.log(0.05)};
        assertThat(distinctTokens(SamplingParams.builder().topK(2).topP(1).minP(0).temperature(2), logits))
                .containsExactly(0, 1);
        // 0.5 + 0.3 = 0.8 >= 0.8: the crossing token is kept, nothing after it.
        assertThat(distinctTokens(SamplingParams.builder().topK(0).topP(0.8).minP(0).temperature(2), logits))
                .containsExactly(0, 1);
        // min-p 0.25: keep p >= 0.125, i.e. tokens 0..2.
        assertThat(distinctTokens(SamplingParams.builder().topK(0).topP(1).minP(0.25).temperature(2), logits))
                .containsExactly(0, 1, 2);
    }

    private static int[] distinctTokens(SamplingParams.Builder b, float[] logits) {
        Sampler s = new Sampler(b.seed(5).build(), logits.length);
        boolean[] seen = new boolean[logits.length];
        for (int i = 0; i < 5000; i++) {
            seen[s.sample(logits)] = true;
        }
        return java.util.stream.IntStream.range(0, logits.length).filter(i -> seen[i]).toArray();
    }

    @Test
    void penaltiesFollowLlamaCppAndOpenAiSemantics() {
        SamplingParams p = SamplingParams.builder().temperature(0).repetitionPenalty(2).repetitionLastN(3)
                .frequencyPenalty(0.5).presencePenalty(0.25).build();
        Sampler s = new Sampler(p, 4);
        s.acceptPrompt(0); // leaves the window of 3 below
        s.acceptPrompt(1);
        s.accept(2);
        s.accept(2);
        // window = {1, 2}: token 1: 3 / 2 = 1.5; token 2: (-1 * 2) - (2 * 0.5 + 0.25) = -3.25; token 0 untouched.
        assertThat(s.sample(new float[] {1.4f, 3f, -1f, 1.45f})).isEqualTo(1);
        assertThat(s.sample(new float[] {1.6f, 3f, -1f, 1.45f})).isEqualTo(0);
        assertThat(s.sample(new float[] {0f, 0f, 2f, -4f})).as("2 / 2 - 1.25 = -0.25 < 0").isEqualTo(0);
    }

    @Test
    void sameSeedSameTokensDifferentSeedDifferentTokens() {
        Random rnd = new Random(1);
        float[][] steps = new float[50][];
        for (int i = 0; i < steps.length; i++) {
            steps[i] = randomLogits(rnd, 1000, 0.1, false);
        }
        int[] a = run(SamplingParams.builder().seed(99).topK(0).minP(0).temperature(1).build(), steps);
        int[] b = run(SamplingParams.builder().seed(99).topK(0).minP(0).temperature(1).build(), steps);
        int[] c = run(SamplingParams.builder().seed(100).topK(0).minP(0).temperature(1).build(), steps);
        int[] d = run(SamplingParams.builder().topK(0).minP(0).temperature(1).build(), steps);
        assertThat(a).isEqualTo(b);
        assertThat(a).isNotEqualTo(c);
        assertThat(a).isNotEqualTo(d);
    }

    private static int[] run(SamplingParams p, float[][] steps) {
        Sampler s = new Sampler(p, steps[0].length);
        int[] out = new int[steps.length];
        for (int i = 0; i < steps.length; i++) {
            out[i] = s.sample(steps[i]);
            s.accept(out[i]);
        }
        return out;
    }

    @Test
    void logprobsAreTheLogSoftmaxOfPenalizedLogitsBeforeTruncation() {
        Random rnd = new Random(4);
        float[] logits = randomLogits(rnd, 500, 3, false);
        SamplingParams p = SamplingParams.builder().seed(1).topK(3).temperature(0.5).presencePenalty(1)
                .logprobs(true).topLogprobs(5).build();
        Sampler s = new Sampler(p, 500);
        s.accept(7);
        int token = s.sample(logits);
        float[] penalized = logits.clone();
        penalized[7] -= 1;
        double max = Double.NEGATIVE_INFINITY;
        for (float v : penalized) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (float v : penalized) {
            sum += Math.exp(v - max);
        }
        double logZ = max + Math.log(sum);
        TokenLogprobs lp = s.logprobs();
        assertThat(lp.token()).isEqualTo(token);
        assertThat((double) lp.logprob()).isCloseTo(penalized[token] - logZ, org.assertj.core.data.Offset.offset(1e-5));
        Integer[] order = new Integer[500];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, (x, y) -> Float.compare(penalized[y], penalized[x]));
        assertThat(lp.topCount()).isEqualTo(5);
        for (int r = 0; r < 5; r++) {
            assertThat(lp.topToken(r)).isEqualTo(order[r]);
            assertThat((double) lp.topLogprob(r)).isCloseTo(penalized[order[r]] - logZ,
                    org.assertj.core.data.Offset.offset(1e-5));
        }
        assertThatThrownBy(() -> lp.topToken(5)).isInstanceOf(IllegalArgumentException.class);
        assertThat(new Sampler(SamplingParams.defaults(), 10).logprobs()).isNull();
    }

    @Test
    void samplingAllocatesNothingPerToken() {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Random rnd = new Random(2);
        float[] logits = randomLogits(rnd, 32_000, 3, false);
        for (SamplingParams p : List.of(SamplingParams.defaults(),
                SamplingParams.builder().topK(0).topP(0.9).logprobs(true).topLogprobs(5).build(),
                SamplingParams.builder().topK(0).topP(1).minP(0.1).repetitionPenalty(1.1).build(),
                SamplingParams.greedy())) {
            Sampler s = new Sampler(p, logits.length);
            for (int i = 0; i < 200; i++) {
                s.accept(s.sample(logits));
            }
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 200; i++) {
                s.accept(s.sample(logits));
            }
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            // The distinct-token list may grow once; the sampling itself must not allocate.
            assertThat(allocated).as("bytes allocated by 200 steps with %s", p).isLessThan(2_000);
        }
    }

    @Test
    void badInputGetsClearErrors() {
        Sampler s = new Sampler(SamplingParams.defaults(), 3);
        assertThatThrownBy(() -> s.sample(new float[2])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("vocabulary size 3");
        assertThatThrownBy(() -> s.sample(new float[] {0, Float.NaN, 0})).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("token 1");
        float ninf = Float.NEGATIVE_INFINITY;
        assertThatThrownBy(() -> s.sample(new float[] {ninf, ninf, ninf})).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-Infinity");
        assertThatThrownBy(() -> s.accept(3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("outside the vocabulary");
        assertThatThrownBy(() -> new Sampler(SamplingParams.defaults(), 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
