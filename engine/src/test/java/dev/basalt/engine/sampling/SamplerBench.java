package dev.basalt.engine.sampling;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Hand-run measurement of the sampler's cost per token (not a test: timings are never assertions), on
 * Gaussian logits (σ = 3) of 32k and 128k vocabularies; best of 1000 steps (the machines are shared).
 *
 * <p>Run: {@code ./mvnw -q -pl engine -am test-compile} then
 * {@code java --add-modules jdk.incubator.vector -cp engine/target/classes:engine/target/test-classes
 * dev.basalt.engine.sampling.SamplerBench}.
 */
public final class SamplerBench {
    private SamplerBench() {
    }

    public static void main(String[] args) {
        Map<String, SamplingParams> configs = new LinkedHashMap<>();
        configs.put("greedy", SamplingParams.greedy());
        configs.put("default k40 p.95 minp.05", SamplingParams.defaults());
        configs.put("top-p .9 (no top-k)", SamplingParams.builder().topK(0).minP(0).topP(0.9).build());
        configs.put("min-p .05 only", SamplingParams.builder().topK(0).topP(1).minP(0.05).build());
        configs.put("temperature only", SamplingParams.builder().topK(0).topP(1).minP(0).build());
        configs.put("default + penalties", SamplingParams.builder().repetitionPenalty(1.1).frequencyPenalty(0.5)
                .presencePenalty(0.5).build());
        configs.put("default + 5 logprobs", SamplingParams.builder().logprobs(true).topLogprobs(5).build());
        System.out.printf("%-28s %12s %12s%n", "config", "32k ns/tok", "128k ns/tok");
        for (var e : configs.entrySet()) {
            System.out.printf("%-28s %12d %12d%n", e.getKey(), measure(e.getValue(), 32_000),
                    measure(e.getValue(), 128_000));
        }
    }

    private static long measure(SamplingParams params, int vocab) {
        Random rnd = new Random(1);
        float[][] steps = new float[8][vocab];
        for (float[] logits : steps) {
            for (int i = 0; i < vocab; i++) {
                logits[i] = (float) (rnd.nextGaussian() * 3);
            }
        }
        Sampler sampler = new Sampler(params, vocab);
        // Best of many steps: this machine is shared, and the minimum is what the code costs undisturbed.
        long best = Long.MAX_VALUE;
        for (int r = 0; r < 1000; r++) {
            long start = System.nanoTime();
            sampler.accept(sampler.sample(steps[r % steps.length]));
            best = Math.min(best, System.nanoTime() - start);
        }
        return best;
    }
}
