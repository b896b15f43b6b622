package dev.basalt.engine.model;

import java.util.ArrayList;
import java.util.Arrays;
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
    /** Chain keys and tokens of the prompt's whole blocks, for handing them to the prefix cache at the end. */
    private long[] promptKeys = new long[0];
    private int[][] promptBlocks = new int[0][];

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
     * For a new, empty sequence about to process {@code prompt}: attaches cached blocks that hold a prefix of
     * it (at least one prompt token is always left to compute, for its logits) and returns how many positions
     * they cover. The prompt's own whole blocks are offered to the cache when the sequence ends.
     */
    public int attachPrefix(int[] prompt) {
        if (length != 0 || !blocks.isEmpty()) {
            throw new IllegalStateException("prefix reuse needs an empty cache");
        }
        int b = pool.blockSize;
        int whole = prompt.length / b;
        promptKeys = new long[whole];
        promptBlocks = new int[whole][];
        long key = 0;
        for (int i = 0; i < whole; i++) {
            promptBlocks[i] = Arrays.copyOfRange(prompt, i * b, (i + 1) * b);
            key = chain(key, promptBlocks[i]);
            promptKeys[i] = key;
        }
        int reusable = (prompt.length - 1) / b;
        for (int i = 0; i < reusable; i++) {
            KvBlockPool.Block block = pool.lookup(promptKeys[i], i == 0 ? 0 : promptKeys[i - 1], promptBlocks[i]);
            if (block == null) {
                break;
            }
            blocks.add(block);
            length += b;
        }
        return length;
    }

    /**
     * Makes room for {@code count} more positions; returns false (taking nothing) if the pool has not enough
     * free blocks, so the caller can wait instead of failing mid-pass.
     */
    public boolean reserve(int count) {
        int needed = Math.ceilDiv(length + count, pool.blockSize) - blocks.size();
        return needed <= 0 || pool.tryTake(needed, blocks);
    }

    /** Forgets positions from {@code newLength} on, returning whole blocks no longer needed. */
    public void truncate(int newLength) {
        if (newLength < 0 || newLength > length) {
            throw new IllegalArgumentException("cannot truncate to " + newLength + " from " + length);
        }
        length = newLength;
        releaseBlocksFrom(Math.ceilDiv(newLength, pool.blockSize));
    }

    /** Returns every block to the pool; blocks holding whole blocks of the prompt stay cached for reuse. */
    public void release() {
        releaseBlocksFrom(0);
        length = 0;
        promptKeys = new long[0];
        promptBlocks = new int[0][];
    }

    /** Releases blocks {@code first..}; those filled with whole prompt blocks (below {@link #length}) are offered for reuse. */
    private void releaseBlocksFrom(int first) {
        int b = pool.blockSize;
        for (int i = blocks.size() - 1; i >= first; i--) {
            boolean promptBlock = i < promptKeys.length && length >= (i + 1) * b;
            pool.release(blocks.removeLast(), promptBlock ? promptKeys[i] : 0, promptBlock && i > 0 ? promptKeys[i - 1] : 0,
                    promptBlock ? promptBlocks[i] : null);
        }
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

    /** A 64-bit hash of the prompt up to the end of a block: the previous block's key mixed with this block's tokens. */
    private static long chain(long previous, int[] tokens) {
        long h = previous * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L;
        for (int t : tokens) {
            h = (h ^ t) * 0xBF58476D1CE4E5B9L;
            h ^= h >>> 31;
        }
        return h == 0 ? 1 : h;
    }
}
