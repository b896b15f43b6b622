package dev.basalt.engine.model;

import java.util.ArrayList;
import java.util.List;

/**
 * The keys and values of one sequence, in fixed-size blocks of positions taken from a shared
 * {@link KvBlockPool} as the sequence grows (paged, so memory follows actual lengths rather than the
 * maximum context). Values are stored rounded to F16 precision, llama.cpp's default cache type.
 */
public final class KvCache {
    private final KvBlockPool pool;
    private final List<KvBlockPool.Block> blocks = new ArrayList<>();
    private int length;

    KvCache(KvBlockPool pool) {
        this.pool = pool;
    }

    /** Positions filled so far. */
    public int length() {
        return length;
    }

    /** Positions this cache can hold without taking more blocks. */
    int capacity() {
        return blocks.size() * pool.blockSize;
    }

    /**
     * Makes room for {@code count} more positions; returns false (taking nothing) if the pool has not enough
     * free blocks, so the caller can wait or preempt instead of failing mid-pass.
     */
    public boolean reserve(int count) {
        int needed = Math.ceilDiv(length + count, pool.blockSize) - blocks.size();
        if (needed <= 0) {
            return true;
        }
        if (!pool.tryTake(needed, blocks)) {
            return false;
        }
        return true;
    }

    /** Forgets positions from {@code newLength} on, returning whole blocks no longer needed. */
    public void truncate(int newLength) {
        if (newLength < 0 || newLength > length) {
            throw new IllegalArgumentException("cannot truncate to " + newLength + " from " + length);
        }
        length = newLength;
        int keep = Math.ceilDiv(newLength, pool.blockSize);
        while (blocks.size() > keep) {
            pool.give(blocks.removeLast());
        }
    }

    /** Returns every block to the pool. */
    public void release() {
        truncate(0);
    }

    void advance(int count) {
        length += count;
    }

    float[] keys(int position) {
        return blocks.get(position / pool.blockSize).keys;
    }

    float[] values(int position) {
        return blocks.get(position / pool.blockSize).values;
    }

    /** Offset in {@link #keys}/{@link #values} of the vector of {@code layer} at {@code position}. */
    int offset(int layer, int position) {
        return (layer * pool.blockSize + position % pool.blockSize) * pool.kvDim;
    }
}
