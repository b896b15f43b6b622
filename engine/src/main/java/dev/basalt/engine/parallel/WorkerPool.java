package dev.basalt.engine.parallel;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed set of worker threads that split a range of work items (matrix rows, attention heads) between
 * themselves and the calling thread. Started once per model; a dispatch creates no thread and allocates
 * nothing. Workers spin briefly before parking because dispatches come every few microseconds while
 * decoding, and waking a parked thread costs more than that.
 *
 * <p>Not reentrant: one {@link #run} at a time (the engine's decode loop is the only caller).
 */
public final class WorkerPool implements AutoCloseable {
    /** Work split into ranges: {@code run(from, to)} processes items {@code [from, to)}. */
    public interface RangeTask {
        void run(int from, int to);
    }

    private static final int SPIN_NANOS = 100_000;

    private final Thread[] workers;
    private final int threads;
    private volatile RangeTask task;
    private volatile int items;
    private volatile int grain;
    private volatile long generation;
    private volatile boolean closed;
    private final AtomicInteger pending = new AtomicInteger();
    private volatile Throwable failure;
    private volatile Thread caller;

    /** A pool of {@code threads} threads in all, counting the caller: {@code threads - 1} workers are started. */
    public WorkerPool(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        this.threads = threads;
        workers = new Thread[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            int index = i + 1;
            workers[i] = Thread.ofPlatform().daemon().name("basalt-engine-" + index).start(() -> work(index));
        }
    }

    public int threads() {
        return threads;
    }

    /**
     * Runs {@code task} over {@code [0, count)} split into one contiguous part per thread, each part a
     * multiple of {@code alignment} items (so rows of a block stay together); returns when all are done.
     */
    public void run(RangeTask task, int count, int alignment) {
        if (threads == 1 || count <= alignment) {
            task.run(0, count);
            return;
        }
        this.task = task;
        this.items = count;
        this.grain = alignment;
        this.caller = Thread.currentThread();
        pending.set(workers.length);
        generation++; // publishes the fields above to the workers
        for (Thread w : workers) {
            LockSupport.unpark(w);
        }
        runPart(task, 0, count, alignment);
        long start = System.nanoTime();
        while (pending.get() > 0) {
            if (System.nanoTime() - start < SPIN_NANOS) {
                Thread.onSpinWait();
            } else {
                LockSupport.parkNanos(50_000);
            }
        }
        Throwable t = failure;
        if (t != null) {
            failure = null;
            throw new IllegalStateException("engine worker failed: " + t, t);
        }
    }

    private void runPart(RangeTask t, int part, int count, int alignment) {
        int units = (count + alignment - 1) / alignment;
        int from = Math.min(count, (int) ((long) units * part / threads) * alignment);
        int to = Math.min(count, (int) ((long) units * (part + 1) / threads) * alignment);
        if (from < to) {
            t.run(from, to);
        }
    }

    private void work(int index) {
        long seen = 0;
        while (true) {
            long start = System.nanoTime();
            while (generation == seen && !closed) {
                if (System.nanoTime() - start < SPIN_NANOS) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.park(this);
                }
            }
            if (closed) {
                return;
            }
            seen = generation;
            try {
                runPart(task, index, items, grain);
            } catch (Throwable t) {
                failure = t;
            } finally {
                if (pending.decrementAndGet() == 0) {
                    LockSupport.unpark(caller);
                }
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Thread w : workers) {
            LockSupport.unpark(w);
        }
    }
}
