package dev.basalt.engine.tokenizer;

/**
 * The BPE merge loop shared by both tokenizer models: repeatedly merge the adjacent pair with the lowest rank
 * (leftmost first on ties) until no rule applies. A binary heap of candidate pairs plus a linked list of symbols
 * makes it O(n log n); a popped candidate is re-checked against the current symbols because merges around it
 * may have made it stale (llama.cpp's approach).
 */
final class BpeMerger {
    private static final int DEAD = Integer.MIN_VALUE;

    private BpeMerger() {
    }

    /**
     * Merges {@code ids[0..n)} in place. A negative id is a symbol that never merges (an unknown character).
     * Returns the number of symbols left, compacted to the front of {@code ids}.
     */
    static int merge(int[] ids, int n, MergeTable table) {
        if (n < 2) {
            return n;
        }
        int[] prev = new int[n];
        int[] next = new int[n];
        for (int i = 0; i < n; i++) {
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }
        LongHeap heap = new LongHeap(n);
        for (int i = 0; i + 1 < n; i++) {
            offer(heap, ids, i, i + 1, table);
        }
        while (!heap.isEmpty()) {
            long top = heap.poll();
            int rank = (int) (top >>> 32);
            int left = (int) top;
            int right = next[left];
            if (ids[left] < 0 || right < 0 || ids[right] < 0) {
                continue;
            }
            long rule = table.get(ids[left], ids[right]);
            if (rule == MergeTable.ABSENT || MergeTable.rank(rule) != rank) {
                continue; // stale: one side was merged since this candidate was queued
            }
            ids[left] = MergeTable.result(rule);
            ids[right] = DEAD;
            next[left] = next[right];
            if (next[right] >= 0) {
                prev[next[right]] = left;
            }
            if (prev[left] >= 0) {
                offer(heap, ids, prev[left], left, table);
            }
            if (next[left] >= 0) {
                offer(heap, ids, left, next[left], table);
            }
        }
        int count = 0;
        for (int i = 0; i < n; i++) {
            if (ids[i] != DEAD) {
                ids[count++] = ids[i];
            }
        }
        return count;
    }

    private static void offer(LongHeap heap, int[] ids, int left, int right, MergeTable table) {
        if (ids[left] < 0 || ids[right] < 0) {
            return;
        }
        long rule = table.get(ids[left], ids[right]);
        if (rule != MergeTable.ABSENT) {
            heap.add(((long) MergeTable.rank(rule) << 32) | left);
        }
    }

    /** A min-heap of longs; ordering by {@code rank << 32 | position} gives lowest rank, then leftmost. */
    private static final class LongHeap {
        private long[] heap;
        private int size;

        LongHeap(int capacity) {
            heap = new long[Math.max(4, capacity)];
        }

        boolean isEmpty() {
            return size == 0;
        }

        void add(long value) {
            if (size == heap.length) {
                heap = java.util.Arrays.copyOf(heap, size * 2);
            }
            int i = size++;
            while (i > 0) {
                int parent = (i - 1) >>> 1;
                if (heap[parent] <= value) {
                    break;
                }
                heap[i] = heap[parent];
                i = parent;
            }
            heap[i] = value;
        }

        long poll() {
            long top = heap[0];
            long last = heap[--size];
            int i = 0;
            while (true) {
                int child = 2 * i + 1;
                if (child >= size) {
                    break;
                }
                if (child + 1 < size && heap[child + 1] < heap[child]) {
                    child++;
                }
                if (heap[child] >= last) {
                    break;
                }
                heap[i] = heap[child];
                i = child;
            }
            heap[i] = last;
            return top;
        }
    }
}
