package dev.basalt.engine.sampling;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * The test oracle for {@link Sampler}: the same chain written the obvious way (full sort, maps, lists), with
 * the same draw rule and the same generator, so that equal seeds must give equal tokens.
 */
final class ReferenceSampler {
    private final SamplingParams params;
    private final Xoshiro256 random;
    private final Deque<Integer> window = new ArrayDeque<>();
    private final Map<Integer, Integer> generated = new HashMap<>();

    ReferenceSampler(SamplingParams params) {
        this.params = params;
        this.random = new Xoshiro256(params.seed().orElseThrow());
    }

    void acceptPrompt(int token) {
        push(token);
    }

    void accept(int token) {
        push(token);
        generated.merge(token, 1, Integer::sum);
    }

    private void push(int token) {
        if (params.repetitionLastN() == 0) {
            return;
        }
        window.addLast(token);
        if (window.size() > params.repetitionLastN()) {
            window.removeFirst();
        }
    }

    float[] penalized(float[] logits) {
        float[] s = logits.clone();
        float rp = (float) params.repetitionPenalty();
        for (int t : new LinkedHashSet<>(window)) {
            s[t] = s[t] <= 0 ? s[t] * rp : s[t] / rp;
        }
        for (var e : generated.entrySet()) {
            s[e.getKey()] -= e.getValue() * (float) params.frequencyPenalty() + (float) params.presencePenalty();
        }
        return s;
    }

    int sample(float[] logits) {
        float[] s = penalized(logits);
        List<Integer> all = new ArrayList<>();
        for (int t = 0; t < s.length; t++) {
            if (s[t] != Float.NEGATIVE_INFINITY) {
                all.add(t);
            }
        }
        Comparator<Integer> best = (a, b) -> s[a] != s[b] ? Float.compare(s[b], s[a]) : Integer.compare(a, b);
        List<Integer> sorted = new ArrayList<>(all);
        sorted.sort(best);
        float max = s[sorted.get(0)];
        if (params.isGreedy()) {
            return sorted.get(0);
        }
        boolean truncatedSorted = (params.topK() > 0 && params.topK() < s.length) || params.topP() < 1;
        List<Integer> c = truncatedSorted ? sorted : all;
        if (params.topK() > 0 && params.topK() < c.size()) {
            c = c.subList(0, params.topK());
        }
        if (params.topP() < 1) {
            double z = 0;
            for (int t : c) {
                z += Math.exp(s[t] - max);
            }
            double cum = 0;
            for (int i = 0; i < c.size(); i++) {
                cum += Math.exp(s[c.get(i)] - max) / z;
                if (cum >= params.topP()) {
                    c = c.subList(0, i + 1);
                    break;
                }
            }
        }
        if (params.minP() > 0) {
            float threshold = (float) (max + Math.log(params.minP()));
            List<Integer> kept = new ArrayList<>();
            for (int t : c) {
                if (s[t] >= threshold || t == sorted.get(0)) {
                    kept.add(t);
                }
            }
            c = kept;
        }
        double sum = 0;
        double[] w = new double[c.size()];
        for (int i = 0; i < c.size(); i++) {
            w[i] = Math.exp((s[c.get(i)] - max) * (1.0 / params.temperature()));
            sum += w[i];
        }
        double u = random.nextDouble() * sum;
        double cum = 0;
        for (int i = 0; i < c.size() - 1; i++) {
            cum += w[i];
            if (u < cum) {
                return c.get(i);
            }
        }
        return c.get(c.size() - 1);
    }
}
