package dev.basalt.engine.scheduler;

import dev.basalt.engine.grammar.ConstraintState;
import dev.basalt.engine.grammar.TokenTrie;
import dev.basalt.engine.model.ForwardPass;
import dev.basalt.engine.model.KvBlockPool;
import dev.basalt.engine.model.KvCache;
import dev.basalt.engine.model.Transformer;
import dev.basalt.engine.parallel.WorkerPool;
import dev.basalt.engine.sampling.Sampler;
import dev.basalt.engine.sampling.StopSequences;
import dev.basalt.engine.sampling.TokenLogprobs;
import dev.basalt.engine.tokenizer.TokenDecoder;
import dev.basalt.engine.tokenizer.Tokenizer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Continuous batching: one thread runs every active sequence of a model. Each step builds one batch from the
 * next token of every decoding sequence plus a chunk of waiting prompt tokens, runs one forward pass (one
 * read of the weights for all of them), and samples each sequence's next token. Long prompts are fed in
 * chunks, so they never stall running streams for more than one step.
 *
 * <p>Admission: a request enters the bounded queue (or is refused with {@link EngineBusyException}), and is
 * admitted when a sequence slot is free and the KV cache budget can hold its prompt and its maximum output.
 * Reserving the worst case up front means an admitted sequence never runs out of cache mid-generation.
 */
public final class Scheduler implements AutoCloseable {

    /**
     * @param maxSequences  sequences decoded together
     * @param maxBatchRows  tokens per forward pass (decode tokens plus prompt chunk)
     * @param maxContext    positions per sequence (at most the model's context length)
     * @param kvBudgetBytes memory for the KV caches of all sequences
     * @param queueCapacity requests that may wait for admission before new ones are refused
     */
    public record Options(int maxSequences, int maxBatchRows, int maxContext, long kvBudgetBytes, int queueCapacity) {
        public Options {
            if (maxSequences < 1 || maxBatchRows < maxSequences || maxContext < 2 || kvBudgetBytes <= 0 || queueCapacity < 0) {
                throw new IllegalArgumentException("invalid scheduler options " + this
                        + ": need maxSequences >= 1, maxBatchRows >= maxSequences, maxContext >= 2, a positive KV budget");
            }
        }
    }

    private static final int KV_BLOCK = 16;

    private final Tokenizer tokenizer;
    private final Supplier<TokenTrie> trie;
    private final Options options;
    private final ForwardPass pass;
    private final KvBlockPool kvPool;
    private final Thread thread;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    private final ArrayDeque<Sequence> waiting = new ArrayDeque<>();
    private final List<Sequence> active = new ArrayList<>();
    private volatile boolean closed;

    // Batch buffers, reused every step.
    private final int[] rowTokens;
    private final KvCache[] rowCaches;
    private final int[] logitRows;
    private final Sequence[] logitOwners;

    public Scheduler(Transformer model, Tokenizer tokenizer, Supplier<TokenTrie> trie, WorkerPool workers, Options options) {
        if (options.maxContext() > model.config().contextLength()) {
            throw new IllegalArgumentException("maxContext " + options.maxContext() + " exceeds the model's context length "
                    + model.config().contextLength());
        }
        this.tokenizer = tokenizer;
        this.trie = trie;
        this.options = options;
        this.pass = new ForwardPass(model, workers, options.maxBatchRows(), options.maxSequences(), options.maxContext());
        this.kvPool = new KvBlockPool(model.config(), KV_BLOCK, options.kvBudgetBytes());
        rowTokens = new int[options.maxBatchRows()];
        rowCaches = new KvCache[options.maxBatchRows()];
        logitRows = new int[options.maxSequences()];
        logitOwners = new Sequence[options.maxSequences()];
        thread = Thread.ofPlatform().name("basalt-scheduler").daemon().start(this::loop);
    }

    public Options options() {
        return options;
    }

    /**
     * Queues a generation. Throws {@link IllegalArgumentException} when the prompt leaves no room in the
     * context window or could never fit the KV budget, and {@link EngineBusyException} when the queue is full.
     */
    public Generation submit(GenerationRequest request, GenerationListener listener) {
        int promptLength = request.prompt().length;
        if (promptLength >= options.maxContext()) {
            throw new IllegalArgumentException("the prompt has " + promptLength + " tokens; the context window holds "
                    + options.maxContext() + " tokens in all, prompt and output");
        }
        for (int token : request.prompt()) {
            if (token < 0 || token >= tokenizer.size()) {
                throw new IllegalArgumentException("token id " + token + " outside the vocabulary of " + tokenizer.size());
            }
        }
        Sequence s = new Sequence(request, listener);
        if (s.reservation > kvPool.capacityPositions()) {
            throw new IllegalArgumentException("the prompt and max tokens need " + s.reservation
                    + " positions of KV cache; the configured budget holds " + kvPool.capacityPositions());
        }
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("the model is being unloaded");
            }
            if (waiting.size() >= options.queueCapacity() + Math.max(0, options.maxSequences() - active.size())) {
                throw new EngineBusyException("the engine is busy: " + waiting.size() + " requests are waiting");
            }
            waiting.add(s);
            work.signal();
        } finally {
            lock.unlock();
        }
        return s;
    }

    /** Requests waiting for admission. */
    public int queued() {
        lock.lock();
        try {
            return waiting.size();
        } finally {
            lock.unlock();
        }
    }

    private void loop() {
        while (!closed) {
            try {
                if (!awaitWork()) {
                    continue;
                }
                step();
            } catch (RuntimeException e) {
                failActive(e);
            } catch (OutOfMemoryError | StackOverflowError e) { // fail the running requests, keep serving
                failActive(new IllegalStateException("the engine ran out of resources: " + e, e));
            }
        }
        lock.lock();
        try {
            for (Sequence s : waiting) {
                fail(s, new IllegalStateException("the model was unloaded before this request ran"));
            }
            waiting.clear();
        } finally {
            lock.unlock();
        }
        failActive(new IllegalStateException("the model was unloaded while this request ran"));
    }

    /** Admits waiting sequences; returns false (after waiting) when there is nothing to run. */
    private boolean awaitWork() {
        lock.lock();
        try {
            while (!waiting.isEmpty() && active.size() < options.maxSequences()) {
                Sequence s = waiting.peek();
                if (s.cancelled) {
                    waiting.poll();
                    s.finish(StopReason.CANCELLED);
                    continue;
                }
                s.fed = s.cache.attachPrefix(s.prompt);
                if (!s.cache.reserve(s.reservation - s.fed)) {
                    s.cache.release(); // attached blocks go back to the idle cache while we wait
                    break; // wait for running sequences to free cache
                }
                s.cachedPromptTokens = s.fed;
                waiting.poll();
                active.add(s);
            }
            if (active.isEmpty()) {
                work.awaitUninterruptibly();
                return false;
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    private void step() {
        active.removeIf(s -> {
            if (s.cancelled) {
                s.finish(StopReason.CANCELLED);
                return true;
            }
            return false;
        });
        int rows = 0;
        int logits = 0;
        for (Sequence s : active) {
            if (s.fed == s.prompt.length) {
                rowTokens[rows] = s.next;
                rowCaches[rows] = s.cache;
                logitRows[logits] = rows;
                logitOwners[logits++] = s;
                rows++;
            }
        }
        for (Sequence s : active) {
            int n = Math.min(s.prompt.length - s.fed, rowTokens.length - rows);
            if (n <= 0) {
                continue;
            }
            System.arraycopy(s.prompt, s.fed, rowTokens, rows, n);
            Arrays.fill(rowCaches, rows, rows + n, s.cache);
            rows += n;
            s.fed += n;
            if (s.fed == s.prompt.length) {
                logitRows[logits] = rows - 1;
                logitOwners[logits++] = s;
            }
        }
        if (rows == 0) {
            return;
        }
        float[][] out = pass.forward(rowTokens, rowCaches, rows, logitRows, logits);
        for (int i = 0; i < logits; i++) {
            Sequence s = logitOwners[i];
            logitOwners[i] = null;
            boolean ended;
            try {
                ended = s.advance(out[i]);
            } catch (RuntimeException e) { // a failing listener or constraint ends its own sequence only
                fail(s, e);
                ended = true;
            }
            if (ended) {
                active.remove(s);
            }
        }
        Arrays.fill(rowCaches, 0, rows, null);
    }

    private void failActive(RuntimeException e) {
        for (Sequence s : active) {
            fail(s, e);
        }
        active.clear();
    }

    /** Ends {@code s} with {@code e}; a listener that throws in turn cannot take the scheduler thread down. */
    private static void fail(Sequence s, RuntimeException e) {
        s.cache.release();
        try {
            s.listener.onError(e);
        } catch (RuntimeException ignored) {
            // the listener's own problem; the sequence has ended either way
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            work.signal();
        } finally {
            lock.unlock();
        }
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One generation's state, touched only by the scheduler thread (except {@link #cancelled}). */
    private final class Sequence implements Generation {
        final int[] prompt;
        final GenerationListener listener;
        final Sampler sampler;
        final ConstraintState constraint;
        final KvCache cache = kvPool.newCache();
        final TokenDecoder decoder = tokenizer.newContinuationDecoder();
        final StopSequences stops;
        final int maxTokens;
        final int reservation;
        final long submitted = System.nanoTime();
        long firstToken;
        int fed;
        int cachedPromptTokens;
        int generated;
        int next;
        volatile boolean cancelled;
        private boolean done;

        Sequence(GenerationRequest request, GenerationListener listener) {
            this.prompt = request.prompt();
            this.listener = listener;
            this.sampler = new Sampler(request.sampling(), tokenizer.size());
            for (int t : prompt) {
                sampler.acceptPrompt(t);
            }
            this.constraint = request.constraint() == null ? null : request.constraint().newState(trie.get());
            this.stops = new StopSequences(request.sampling().stop());
            this.maxTokens = Math.min(request.sampling().maxTokens(), options.maxContext() - prompt.length);
            this.reservation = prompt.length + maxTokens;
        }

        @Override
        public void cancel() {
            cancelled = true;
            lock.lock();
            try {
                work.signal();
            } finally {
                lock.unlock();
            }
        }

        /** Samples the next token from {@code logits}; returns true when the generation has ended. */
        boolean advance(float[] logits) {
            int token;
            if (constraint != null) {
                token = constraint.sample(sampler, logits);
            } else {
                token = sampler.sample(logits);
                sampler.accept(token);
            }
            if (generated++ == 0) {
                firstToken = System.nanoTime();
            }
            TokenLogprobs lp = sampler.logprobs();
            if (tokenizer.isEndOfGeneration(token)) {
                emit(token, "", lp);
                return finish(StopReason.END_OF_GENERATION);
            }
            emit(token, stops.accept(decoder.accept(token)), lp);
            if (stops.stopped()) {
                return finish(StopReason.STOP_SEQUENCE);
            }
            if (generated >= maxTokens) {
                return finish(generated == options.maxContext() - prompt.length ? StopReason.CONTEXT_LENGTH : StopReason.MAX_TOKENS);
            }
            next = token;
            return false;
        }

        private void emit(int token, String text, TokenLogprobs lp) {
            if (lp == null) {
                listener.onToken(new TokenEvent(token, text, Float.NaN, List.of()));
                return;
            }
            List<TokenEvent.Alternative> alternatives = new ArrayList<>(lp.topCount());
            for (int r = 0; r < lp.topCount(); r++) {
                alternatives.add(new TokenEvent.Alternative(lp.topToken(r), lp.topLogprob(r)));
            }
            listener.onToken(new TokenEvent(token, text, lp.logprob(), alternatives));
        }

        boolean finish(StopReason reason) {
            if (done) {
                return true;
            }
            done = true;
            cache.release();
            if (reason != StopReason.STOP_SEQUENCE && reason != StopReason.CANCELLED) {
                String rest = stops.accept(decoder.finish()) + stops.flush();
                if (!rest.isEmpty()) {
                    listener.onToken(new TokenEvent(-1, rest, Float.NaN, List.of()));
                }
            }
            long now = System.nanoTime();
            listener.onComplete(new Completion(reason, prompt.length, cachedPromptTokens, generated,
                    generated > 0 ? firstToken - submitted : 0, now - submitted));
            return true;
        }
    }
}
