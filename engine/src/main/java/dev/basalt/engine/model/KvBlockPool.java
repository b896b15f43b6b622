package dev.basalt.engine.model;

import java.util.ArrayDeque;
import java.util.List;

/**
 * A memory budget for key/value caches, handed out in blocks of {@link #blockSize} positions (all layers).
 * Blocks are allocated on first use and recycled, so a long-running server does not churn the heap.
 * Thread-safe.
 */
public final class KvBlockPool {
    static final class Block {
        final float[] keys;
        final float[] values;

        Block(int floats) {
            keys = new float[floats];
            values = new float[floats];
        }
    }

    final int blockSize;
    final int kvDim;
    private final int layers;
    private final int maxBlocks;
    private final ArrayDeque<Block> free = new ArrayDeque<>();
    private int allocated;

    /** A pool of at most {@code budgetBytes} of cache for {@code config}'s shape. */
    public KvBlockPool(ModelConfig config, int blockSize, long budgetBytes) {
        if (blockSize < 1) {
            throw new IllegalArgumentException("block size must be positive");
        }
        this.blockSize = blockSize;
        this.kvDim = config.kvDim();
        this.layers = config.layers();
        this.maxBlocks = (int) Math.min(Integer.MAX_VALUE, budgetBytes / blockBytes(config, blockSize));
        if (maxBlocks < 1) {
            throw new IllegalArgumentException("a KV cache budget of " + budgetBytes + " bytes holds no block of "
                    + blockSize + " positions (" + blockBytes(config, blockSize) + " bytes)");
        }
    }

    /** Bytes of one block: keys and values, every layer. */
    public static long blockBytes(ModelConfig config, int blockSize) {
        return 2L * Float.BYTES * config.layers() * blockSize * config.kvDim();
    }

    public KvCache newCache() {
        return new KvCache(this);
    }

    /** Positions the whole budget holds. */
    public int capacityPositions() {
        return maxBlocks * blockSize;
    }

    public synchronized int freeBlocks() {
        return maxBlocks - allocated + free.size();
    }

    synchronized boolean tryTake(int count, List<Block> into) {
        if (count > freeBlocks()) {
            return false;
        }
        for (int i = 0; i < count; i++) {
            Block b = free.poll();
            if (b == null) {
                b = new Block(layers * blockSize * kvDim);
                allocated++;
            }
            into.add(b);
        }
        return true;
    }

    synchronized void give(Block block) {
        free.push(block);
    }
}
