package dev.basalt.engine.sampling;

/**
 * In-place binary min-heap over token ids keyed by score, used for partial selection (top-k, top logprobs)
 * and for sorting a candidate prefix. "Worse" means a lower score, or the higher id on equal scores, so the
 * order is total and every sort gives the same result as llama.cpp's (ties resolved towards the lower id).
 * Static methods over caller-owned arrays: nothing is allocated.
 */
final class CandidateHeap {
    private CandidateHeap() {
    }

    static boolean worse(float[] scores, int a, int b) {
        float sa = scores[a];
        float sb = scores[b];
        return sa < sb || (sa == sb && a > b);
    }

    static void heapify(int[] heap, int size, float[] scores) {
        for (int i = (size >>> 1) - 1; i >= 0; i--) {
            siftDown(heap, i, size, scores);
        }
    }

    static void siftDown(int[] heap, int i, int size, float[] scores) {
        int item = heap[i];
        while (true) {
            int child = 2 * i + 1;
            if (child >= size) {
                break;
            }
            if (child + 1 < size && worse(scores, heap[child + 1], heap[child])) {
                child++;
            }
            if (!worse(scores, heap[child], item)) {
                break;
            }
            heap[i] = heap[child];
            i = child;
        }
        heap[i] = item;
    }

    /** Offers a token to a full heap of the {@code size} best seen so far, replacing the worst if better. */
    static void offer(int[] heap, int size, float[] scores, int token) {
        if (worse(scores, heap[0], token)) {
            heap[0] = token;
            siftDown(heap, 0, size, scores);
        }
    }

    /** Turns a heap into an array sorted best first (heapsort's extraction phase). */
    static void sortHeapDescending(int[] heap, int size, float[] scores) {
        for (int end = size - 1; end > 0; end--) {
            int worst = heap[0];
            heap[0] = heap[end];
            heap[end] = worst;
            siftDown(heap, 0, end, scores);
        }
    }

    /** Sorts {@code ids[0..size)} best first. */
    static void sortDescending(int[] ids, int size, float[] scores) {
        heapify(ids, size, scores);
        sortHeapDescending(ids, size, scores);
    }
}
