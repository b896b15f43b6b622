package dev.basalt.engine.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Learns byte-level BPE merges from a text: the classic loop that merges the most frequent adjacent pair of
 * symbols over all pre-tokenized words until the budget is spent or no pair occurs twice. Meant for small texts
 * (synthetic vocabularies, tests), so it recounts pairs each round rather than maintaining counts incrementally.
 * Symbols are token texts in GPT-2's byte-to-character form.
 */
final class BpeTrainer {
    /** A learned merge: the two token texts it joins. */
    record Merge(String left, String right) {
        String result() {
            return left + right;
        }
    }

    private BpeTrainer() {
    }

    static List<Merge> learn(String text, PreTokenizer preTokenizer, int maxMerges) {
        Map<List<String>, Integer> words = new HashMap<>();
        for (String piece : preTokenizer.split(text)) {
            List<String> symbols = new ArrayList<>();
            for (byte b : piece.getBytes(StandardCharsets.UTF_8)) {
                symbols.add(String.valueOf(ByteLevel.charOf(b & 0xFF)));
            }
            words.merge(symbols, 1, Integer::sum);
        }
        List<List<String>> wordList = new ArrayList<>(words.keySet());
        List<Integer> counts = wordList.stream().map(words::get).toList();
        List<Merge> merges = new ArrayList<>();
        while (merges.size() < maxMerges) {
            Map<Merge, Integer> pairCounts = new HashMap<>();
            for (int w = 0; w < wordList.size(); w++) {
                List<String> symbols = wordList.get(w);
                for (int i = 0; i + 1 < symbols.size(); i++) {
                    pairCounts.merge(new Merge(symbols.get(i), symbols.get(i + 1)), counts.get(w), Integer::sum);
                }
            }
            Merge best = null;
            int bestCount = 1;
            for (var entry : pairCounts.entrySet()) {
                int count = entry.getValue();
                // Ties broken by text so that the result does not depend on hash order.
                if (count > bestCount || (count == bestCount && best != null && compare(entry.getKey(), best) < 0)) {
                    best = entry.getKey();
                    bestCount = count;
                }
            }
            if (best == null) {
                break;
            }
            merges.add(best);
            for (List<String> symbols : wordList) {
                apply(best, symbols);
            }
        }
        return merges;
    }

    private static int compare(Merge a, Merge b) {
        int c = a.left().compareTo(b.left());
        return c != 0 ? c : a.right().compareTo(b.right());
    }

    private static void apply(Merge merge, List<String> symbols) {
        for (int i = 0; i + 1 < symbols.size(); i++) {
            if (symbols.get(i).equals(merge.left()) && symbols.get(i + 1).equals(merge.right())) {
                symbols.set(i, merge.result());
                symbols.remove(i + 1);
            }
        }
    }
}
