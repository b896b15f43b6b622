package dev.basalt.engine.sampling;

import java.util.List;

/**
 * Finds stop sequences in streamed text whatever the token boundaries are. Text that could still become the
 * start of a stop sequence is held back until the following text decides it; when a stop sequence appears,
 * the text before it is released, the sequence itself and everything after it are dropped, and
 * {@link #stopped()} turns true. The stop sequence that is complete first in the text wins (ties: the one that
 * starts first), so the result does not depend on how the text was cut into chunks.
 *
 * <p>Use: per decoded chunk {@code emit(accept(chunk))}; stop generating once {@code stopped()}; at the natural
 * end {@code emit(flush())}. One instance per sequence; not thread-safe.
 */
public final class StopSequences {
    private final String[] stops;
    private final StringBuilder pending = new StringBuilder();
    private boolean stopped;

    public StopSequences(List<String> stops) {
        if (stops == null) {
            throw new IllegalArgumentException("stop sequences must be a list, not null");
        }
        for (String s : stops) {
            if (s == null || s.isEmpty()) {
                throw new IllegalArgumentException("stop sequences must be non-empty strings");
            }
        }
        this.stops = stops.toArray(String[]::new);
    }

    /** Adds newly decoded text; returns the part that is now certain not to belong to a stop sequence. */
    public String accept(String newText) {
        if (newText == null) {
            throw new IllegalArgumentException("text must not be null");
        }
        if (stopped) {
            return "";
        }
        pending.append(newText);
        int stopAt = earliestMatch();
        if (stopAt >= 0) {
            stopped = true;
            String out = pending.substring(0, stopAt);
            pending.setLength(0);
            return out;
        }
        int keep = longestSuffixStartingAStop();
        String out = pending.substring(0, pending.length() - keep);
        pending.delete(0, pending.length() - keep);
        return out;
    }

    public boolean stopped() {
        return stopped;
    }

    /** At the end of generation: the held-back text, which turned out not to be a stop sequence. */
    public String flush() {
        String out = pending.toString();
        pending.setLength(0);
        return out;
    }

    /** Start of the stop sequence whose first occurrence ends earliest, or -1. */
    private int earliestMatch() {
        int bestStart = -1;
        int bestEnd = Integer.MAX_VALUE;
        for (String stop : stops) {
            int at = pending.indexOf(stop);
            int end = at + stop.length();
            if (at >= 0 && (end < bestEnd || (end == bestEnd && at < bestStart))) {
                bestStart = at;
                bestEnd = end;
            }
        }
        return bestStart;
    }

    /** Length of the longest suffix of the pending text that is a proper prefix of some stop sequence. */
    private int longestSuffixStartingAStop() {
        int longest = 0;
        for (String stop : stops) {
            int max = Math.min(stop.length() - 1, pending.length());
            for (int len = max; len > longest; len--) {
                if (endsWithPrefixOf(stop, len)) {
                    longest = len;
                    break;
                }
            }
        }
        return longest;
    }

    private boolean endsWithPrefixOf(String stop, int len) {
        int start = pending.length() - len;
        for (int i = 0; i < len; i++) {
            if (pending.charAt(start + i) != stop.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
