package dev.basalt.engine.model;

import dev.basalt.engine.parallel.WorkerPool;
import java.util.Arrays;

/**
 * One sequence run on its own: a {@link KvCache} with a private {@link ForwardPass}. The simple way to run a
 * model (tests, benchmarks, the naive comparisons); the scheduler batches many sequences in one pass instead.
 */
public final class Session {
    private final ForwardPass pass;
    private final KvCache cache;
    private final KvCache[] rowCaches;
    private final int[] rowTokens;
    private final int[] lastRow = new int[1];

    /** A sequence of up to {@code maxContext} positions, fed in chunks of up to {@code maxChunk} tokens. */
    public Session(Transformer model, WorkerPool pool, int maxContext, int maxChunk) {
        pass = new ForwardPass(model, pool, maxChunk, 1, maxContext);
        cache = new KvBlockPool(model.config(), 16, KvBlockPool.blockBytes(model.config(), 16) * Math.ceilDiv(maxContext, 16))
                .newCache();
        rowCaches = new KvCache[maxChunk];
        Arrays.fill(rowCaches, cache);
        rowTokens = new int[maxChunk];
    }

    public int position() {
        return cache.length();
    }

    public int maxChunk() {
        return pass.maxRows();
    }

    /** Forgets everything after the first {@code newPosition} tokens. */
    public void truncate(int newPosition) {
        cache.truncate(newPosition);
    }

    /**
     * Runs {@code count} tokens from {@code tokens[offset..]} at the next positions and returns the logits
     * after the last one (the returned array is reused by the next call).
     */
    public float[] forward(int[] tokens, int offset, int count) {
        if (count < 1 || count > pass.maxRows()) {
            throw new IllegalArgumentException("chunk of " + count + " tokens; must be 1.." + pass.maxRows());
        }
        if (cache.length() + count > pass.maxContext()) {
            throw new IllegalArgumentException("context full: " + cache.length() + " + " + count + " tokens exceed " + pass.maxContext());
        }
        if (!cache.reserve(count)) {
            throw new IllegalStateException("KV cache budget exhausted"); // sized for maxContext: cannot happen
        }
        System.arraycopy(tokens, offset, rowTokens, 0, count);
        lastRow[0] = count - 1;
        return pass.forward(rowTokens, rowCaches, count, lastRow, 1)[0];
    }
}
