package dev.basalt.engine.grammar;

import java.nio.charset.StandardCharsets;
import java.util.Random;

/**
 * Hand-run measurement of constrained-decoding overhead (not a test: timings are never assertions). Prints the
 * cost of {@link ConstraintState#mask} (the full vocabulary walk, paid only when a sampled token is refused)
 * and of {@link ConstraintState#allows} (the per-step check) on synthetic 32k and 128k vocabularies, in three
 * states: inside a free string (almost every token allowed: the mask's worst case), after an object's opening
 * brace (few tokens allowed) and inside a number. Figures are the best of many runs (the machines are shared).
 *
 * <p>Run: {@code ./mvnw -q -pl engine -am test-compile} then
 * {@code java --add-modules jdk.incubator.vector -cp engine/target/classes:engine/target/test-classes
 * dev.basalt.engine.grammar.ConstraintBench}.
 */
public final class ConstraintBench {
    private static final String SCHEMA = """
            {"type":"object","properties":{"name":{"type":"string"},"age":{"type":"number"},
             "tags":{"type":"array","items":{"type":"string"}}},"required":["name","age"]}""";

    private ConstraintBench() {
    }

    public static void main(String[] args) {
        JsonConstraint constraint = JsonSchemaGrammar.compile(SCHEMA);
        System.out.printf("%-8s %-14s %12s %14s %10s%n", "vocab", "state", "mask ns", "allows ns/tok", "allowed");
        for (int size : new int[] {32_000, 128_000}) {
            TestVocabulary vocab = TestVocabulary.synthetic(size, 1);
            long t0 = System.nanoTime();
            TokenTrie trie = TokenTrie.build(vocab);
            long buildMs = (System.nanoTime() - t0) / 1_000_000;
            for (String[] state : new String[][] {{"in string", "{\"name\":\"Jo"}, {"after {", "{"},
                    {"in number", "{\"name\":\"a\",\"age\":12"}}) {
                ConstraintState s = constraint.newState(trie);
                feed(s, vocab, state[1]);
                float[] logits = new float[vocab.size()];
                // Best of many runs: this machine is shared, and the minimum is what the code costs undisturbed.
                long maskNs = Long.MAX_VALUE;
                for (int r = 0; r < 300; r++) {
                    java.util.Arrays.fill(logits, 0f);
                    long start = System.nanoTime();
                    s.mask(logits);
                    maskNs = Math.min(maskNs, System.nanoTime() - start);
                }
                int allowed = 0;
                for (float l : logits) {
                    allowed += l == 0f ? 1 : 0;
                }
                Random rnd = new Random(2);
                int[] probes = new int[10_000];
                for (int i = 0; i < probes.length; i++) {
                    probes[i] = rnd.nextInt(vocab.size());
                }
                long allowsNs = Long.MAX_VALUE;
                int sink = 0;
                for (int r = 0; r < 200; r++) {
                    long start = System.nanoTime();
                    for (int p : probes) {
                        sink += s.allows(p) ? 1 : 0;
                    }
                    allowsNs = Math.min(allowsNs, System.nanoTime() - start);
                }
                System.out.printf("%-8d %-14s %12d %14.1f %10d%s%n", size, state[0], maskNs,
                        allowsNs / (double) probes.length, allowed, sink < 0 ? "!" : "");
            }
            System.out.printf("%-8d trie build %d ms, %d nodes%n", size, buildMs, trie.trie().size());
        }
    }

    /** Feeds text one byte token at a time (the byte tokens spell anything). */
    private static void feed(ConstraintState s, TestVocabulary vocab, String text) {
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            s.accept(vocab.byteToken(b & 0xFF));
        }
    }
}
