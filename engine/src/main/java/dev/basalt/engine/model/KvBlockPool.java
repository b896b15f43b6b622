package dev.basalt.engine.model;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A memory budget for key/value caches, handed out in blocks of {@link #blockSize} positions (all layers).
 * Blocks are allocated on first use and recycled, so a long-running server does not churn the heap.
 *
 * <p>Prefix reuse: when a sequence ends, the blocks that hold whole blocks of its prompt stay here, indexed
 * by the prompt tokens that produced them (the keys and values at a position depend only on the tokens up to
 * it). A later prompt that starts with the same tokens, typically a shared system prompt, attaches those
 * blocks instead of recomputing them. Cached blocks nobody uses are evicted, least recently used first,
 * when fresh blocks are needed. Thread-safe.
 */
public final class KvBlockPool {
    static final class Block {
        final float[] keys;
        final float[] values;
        /** For a cached block: the chain key of the prompt up to its end, and its own tokens (to rule out collisions). */
        long key;
        int[] tokens;
        long previousKey;
        int references;

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
    private final Map<Long, Block> cached = new HashMap<>();
    /** Cached blocks no sequence uses, least recently used first: evicted when fresh blocks are needed. */
    private final LinkedHashMap<Long, Block> idle = new LinkedHashMap<>();
    private int allocated;
    private long reusedPositions;

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

    /** Blocks that can be handed out now (never allocated, recycled, or cached but idle). */
    public synchronized int freeBlocks() {
        return maxBlocks - allocated + free.size() + idle.size();
    }

    /** Prompt positions served from cached blocks so far. */
    public synchronized long reusedPositions() {
        return reusedPositions;
    }

    synchronized boolean tryTake(int count, List<Block> into) {
        if (count > freeBlocks()) {
            return false;
        }
        for (int i = 0; i < count; i++) {
            Block b = free.poll();
            if (b == null && allocated < maxBlocks) {
                b = new Block(layers * blockSize * kvDim);
                allocated++;
            }
            if (b == null) {
                b = idle.pollFirstEntry().getValue();
                cached.remove(b.key);
                b.tokens = null;
            }
            b.references = 1;
            into.add(b);
        }
        return true;
    }

    /** The cached block that follows {@code previousKey} with exactly {@code tokens}, now referenced, or null. */
    synchronized Block lookup(long key, long previousKey, int[] tokens) {
        Block b = cached.get(key);
        if (b == null || b.previousKey != previousKey || !Arrays.equals(b.tokens, tokens)) {
            return null;
        }
        if (b.references++ == 0) {
            idle.remove(key);
        }
        reusedPositions += blockSize;
        return b;
    }

    /**
     * Gives a block back. A full prompt block ({@code key != 0}) is kept for reuse under its key, unless an
     * equal one is cached already; any other block is recycled.
     */
    synchronized void release(Block b, long key, long previousKey, int[] tokens) {
        if (--b.references > 0) {
            return;
        }
        if (b.tokens != null) { // a cached block: idle now
            idle.put(b.key, b);
        } else if (key != 0 && !cached.containsKey(key)) {
            b.key = key;
            b.previousKey = previousKey;
            b.tokens = tokens;
            cached.put(key, b);
            idle.put(key, b);
        } else {
            free.push(b);
        }
    }
}
