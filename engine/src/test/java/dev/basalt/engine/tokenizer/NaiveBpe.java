package dev.basalt.engine.tokenizer;

import dev.basalt.engine.gguf.GgufFile;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The textbook BPE loops, written for obviousness and read straight from GGUF metadata: the test oracle for the
 * heap-based {@link BpeMerger} and {@link Tokenizer}'s symbol tables. O(n²); fine for test inputs. Covers plain
 * text only (no special-token texts in the input, no BOS).
 */
final class NaiveBpe {
    private final String[] tokens;
    private final float[] scores;
    private final int[] types;
    private final Map<String, Integer> ids = new HashMap<>();
    private final Map<String, Integer> mergeRanks = new HashMap<>();
    private final int unk;

    NaiveBpe(GgufFile gguf) {
        tokens = (String[]) gguf.getArray("tokenizer.ggml.tokens").values();
        scores = gguf.has("tokenizer.ggml.scores") ? (float[]) gguf.getArray("tokenizer.ggml.scores").values() : null;
        types = (int[]) gguf.getArray("tokenizer.ggml.token_type").values();
        for (int id = tokens.length - 1; id >= 0; id--) {
            ids.put(tokens[id], id); // lowest id wins for duplicate texts
        }
        if (gguf.has("tokenizer.ggml.merges")) {
            String[] merges = (String[]) gguf.getArray("tokenizer.ggml.merges").values();
            for (int rank = merges.length - 1; rank >= 0; rank--) {
                mergeRanks.put(merges[rank], rank);
            }
        }
        unk = gguf.getInt("tokenizer.ggml.unknown_token_id", 0);
    }

    private boolean isTextToken(String text) {
        Integer id = ids.get(text);
        return id != null && (types[id] == 1 || types[id] == 0 || types[id] == 4);
    }

    /** SentencePiece: repeatedly merge the adjacent pair that forms the highest-scoring token, leftmost first. */
    List<Integer> encodeSentencePiece(String text) {
        List<String> symbols = new ArrayList<>();
        (" " + text).replace(" ", "\u2581").codePoints().forEach(cp -> symbols.add(Character.toString(cp)));
        while (true) {
            int best = -1;
            float bestScore = Float.NEGATIVE_INFINITY;
            for (int i = 0; i + 1 < symbols.size(); i++) {
                String merged = symbols.get(i) + symbols.get(i + 1);
                if (isTextToken(symbols.get(i)) && isTextToken(symbols.get(i + 1)) && isTextToken(merged)
                        && scores[ids.get(merged)] > bestScore) {
                    best = i;
                    bestScore = scores[ids.get(merged)];
                }
            }
            if (best < 0) {
                break;
            }
            symbols.set(best, symbols.get(best) + symbols.remove(best + 1));
        }
        List<Integer> out = new ArrayList<>();
        boolean previousUnknown = false;
        for (String symbol : symbols) {
            if (isTextToken(symbol)) {
                out.add(ids.get(symbol));
                previousUnknown = false;
                continue;
            }
            List<Integer> bytes = new ArrayList<>();
            for (byte b : symbol.getBytes(StandardCharsets.UTF_8)) {
                bytes.add(ids.get(String.format("<0x%02X>", b & 0xFF)));
            }
            if (!bytes.contains(null)) {
                out.addAll(bytes);
                previousUnknown = false;
            } else {
                if (!previousUnknown) {
                    out.add(unk);
                }
                previousUnknown = true;
            }
        }
        return out;
    }

    /** Byte-level: per pre-tokenizer piece, repeatedly apply the lowest-ranked merge, leftmost first. */
    List<Integer> encodeByteLevel(String text, PreTokenizer preTokenizer) {
        List<Integer> out = new ArrayList<>();
        for (String word : preTokenizer.split(text)) {
            String whole = ByteLevel.encode(word.getBytes(StandardCharsets.UTF_8));
            if (preTokenizer == PreTokenizer.LLAMA3 && isTextToken(whole)) {
                out.add(ids.get(whole)); // Llama 3's ignore_merges
                continue;
            }
            List<String> symbols = new ArrayList<>();
            whole.chars().forEach(c -> symbols.add(String.valueOf((char) c)));
            while (true) {
                int best = -1;
                int bestRank = Integer.MAX_VALUE;
                for (int i = 0; i + 1 < symbols.size(); i++) {
                    Integer rank = mergeRanks.get(symbols.get(i) + " " + symbols.get(i + 1));
                    if (rank != null && rank < bestRank) {
                        best = i;
                        bestRank = rank;
                    }
                }
                if (best < 0) {
                    break;
                }
                symbols.set(best, symbols.get(best) + symbols.remove(best + 1));
            }
            symbols.forEach(s -> out.add(ids.get(s)));
        }
        return out;
    }
}
