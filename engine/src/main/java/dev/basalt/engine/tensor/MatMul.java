package dev.basalt.engine.tensor;

import dev.basalt.engine.parallel.WorkerPool;

/**
 * out[t] = W · x[t] for a batch of activations, rows split across the worker pool. Each row is multiplied
 * with every activation of the batch while it is in cache, so a prefill chunk reads the weights once rather
 * than once per token. One instance per caller, reused: a product allocates nothing.
 */
public final class MatMul implements WorkerPool.RangeTask {
    private final WorkerPool pool;
    private WeightMatrix w;
    private Activation[] xs;
    private float[][] outs;
    private int count;

    public MatMul(WorkerPool pool) {
        this.pool = pool;
    }

    /** {@code outs[t][0..rows) = w · xs[t]} for {@code t < count}. */
    public void apply(WeightMatrix w, Activation[] xs, float[][] outs, int count) {
        for (int t = 0; t < count; t++) {
            if (xs[t].size() != w.cols()) {
                throw new IllegalArgumentException(w.name() + " has " + w.cols() + " columns, input has " + xs[t].size());
            }
            xs[t].prepareFor(w.type());
        }
        this.w = w;
        this.xs = xs;
        this.outs = outs;
        this.count = count;
        pool.run(this, w.rows(), 16);
        this.w = null;
        this.xs = null;
        this.outs = null;
    }

    @Override
    public void run(int from, int to) {
        long rowBytes = w.rowBytes();
        int quads = Kernels.hasDot4(w.type()) ? count / 4 * 4 : 0;
        for (int r = from; r < to; r++) {
            long offset = r * rowBytes;
            for (int t = 0; t < quads; t += 4) {
                Kernels.dot4(w.type(), w.data(), offset, xs, t, outs, r);
            }
            for (int t = quads; t < count; t++) {
                outs[t][r] = Kernels.dot(w.type(), w.data(), offset, xs[t]);
            }
        }
    }
}
