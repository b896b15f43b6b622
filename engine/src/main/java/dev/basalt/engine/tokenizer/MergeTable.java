package dev.basalt.engine.tokenizer;

import java.util.Arrays;

/**
 * BPE merge rules keyed by the ids of the two adjacent tokens: {@code (left, right) -> (rank, result)}.
 * An open-addressing table of primitive longs, so that a lookup in the merge loop allocates nothing.
 * Lower rank merges first (merge-list position for byte-level BPE, score order for SentencePiece).
 */
final class MergeTable {
    static final long ABSENT = -1;
    private static final long EMPTY_KEY = -1;

    private long[] keys;
    private long[] values;
    private int size;

    MergeTable(int expected) {
        int capacity = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
        keys = new long[capacity];
        values = new long[capacity];
        Arrays.fill(keys, EMPTY_KEY);
    }

    private static long key(int left, int right) {
        return ((long) left << 32) | (right & 0xFFFFFFFFL);
    }

    /** Adds a rule unless the pair already has one (the first, lower-ranked rule wins, as in the merge list). */
    void putIfAbsent(int left, int right, int rank, int result) {
        if ((size + 1) * 2 > keys.length) {
            grow();
        }
        long k = key(left, right);
        int slot = slot(k);
        if (keys[slot] == EMPTY_KEY) {
            keys[slot] = k;
            values[slot] = ((long) rank << 32) | (result & 0xFFFFFFFFL);
            size++;
        }
    }

    /** The packed {@code rank << 32 | result} for the pair, or {@link #ABSENT}. */
    long get(int left, int right) {
        long k = key(left, right);
        int slot = slot(k);
        return keys[slot] == k ? values[slot] : ABSENT;
    }

    static int rank(long packed) {
        return (int) (packed >>> 32);
    }

    static int result(long packed) {
        return (int) packed;
    }

    int size() {
        return size;
    }

    private int slot(long k) {
        int mask = keys.length - 1;
        int i = (int) (mix(k) & mask);
        while (keys[i] != EMPTY_KEY && keys[i] != k) {
            i = (i + 1) & mask;
        }
        return i;
    }

    private static long mix(long k) {
        k ^= k >>> 33;
        k *= 0xff51afd7ed558ccdL;
        return k ^ (k >>> 33);
    }

    private void grow() {
        long[] oldKeys = keys;
        long[] oldValues = values;
        keys = new long[oldKeys.length * 2];
        values = new long[oldKeys.length * 2];
        Arrays.fill(keys, EMPTY_KEY);
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != EMPTY_KEY) {
                int slot = slot(oldKeys[i]);
                keys[slot] = oldKeys[i];
                values[slot] = oldValues[i];
            }
        }
    }
}
