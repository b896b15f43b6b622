package dev.basalt.engine.tokenizer;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Cuts the input at the texts of special tokens before BPE runs, as llama.cpp's {@code tokenizer_st_partition}:
 * special tokens are tried longest first, each one splitting every text fragment left by the longer ones.
 * Control and unknown tokens are only recognised when the caller asks to parse special tokens; user-defined
 * tokens always are.
 */
final class SpecialTokenSplitter {
    /** A piece of the input: either a special token ({@code token >= 0}) or the text {@code [start, end)}. */
    record Fragment(int token, int start, int end) {
        boolean isText() {
            return token < 0;
        }
    }

    private final int[] ids;
    private final String[] texts;
    private final boolean[] alwaysParsed;

    SpecialTokenSplitter(String[] tokens, TokenType[] types) {
        List<Integer> special = new ArrayList<>();
        for (int id = 0; id < tokens.length; id++) {
            if (types[id].isSpecial() && !tokens[id].isEmpty()) {
                special.add(id);
            }
        }
        special.sort(Comparator.comparingInt((Integer id) -> -tokens[id].length()).thenComparingInt(id -> id));
        ids = special.stream().mapToInt(Integer::intValue).toArray();
        texts = new String[ids.length];
        alwaysParsed = new boolean[ids.length];
        for (int i = 0; i < ids.length; i++) {
            texts[i] = tokens[ids[i]];
            alwaysParsed[i] = types[ids[i]] == TokenType.USER_DEFINED;
        }
    }

    List<Fragment> split(String text, boolean parseSpecial) {
        List<Fragment> fragments = new ArrayList<>();
        if (!text.isEmpty()) {
            fragments.add(new Fragment(-1, 0, text.length()));
        }
        for (int s = 0; s < ids.length; s++) {
            if (!parseSpecial && !alwaysParsed[s]) {
                continue;
            }
            List<Fragment> next = new ArrayList<>(fragments.size());
            // The next occurrence at or after the current fragment, carried across fragments (which are in text
            // order) so that one special token costs one pass over the text, not one per fragment.
            int[] occurrence = {-1};
            for (Fragment f : fragments) {
                if (f.isText()) {
                    cut(text, f, s, occurrence, next);
                } else {
                    next.add(f);
                }
            }
            fragments = next;
        }
        return fragments;
    }

    private void cut(String text, Fragment f, int s, int[] occurrence, List<Fragment> out) {
        String needle = texts[s];
        int from = f.start();
        while (true) {
            if (occurrence[0] != Integer.MAX_VALUE && occurrence[0] < from) {
                int at = text.indexOf(needle, from);
                occurrence[0] = at < 0 ? Integer.MAX_VALUE : at;
            }
            int at = occurrence[0];
            if (at == Integer.MAX_VALUE || at + needle.length() > f.end()) {
                break;
            }
            if (at > from) {
                out.add(new Fragment(-1, from, at));
            }
            out.add(new Fragment(ids[s], at, at + needle.length()));
            from = at + needle.length();
        }
        if (from < f.end()) {
            out.add(new Fragment(-1, from, f.end()));
        }
    }
}
