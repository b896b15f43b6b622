package dev.basalt.engine.bench;

import dev.basalt.engine.gguf.GgufFile;
import dev.basalt.engine.model.ModelConfig;
import dev.basalt.engine.model.Session;
import dev.basalt.engine.model.Transformer;
import dev.basalt.engine.parallel.WorkerPool;
import java.io.IOException;
import java.nio.file.Path;
import dev.basalt.engine.LanguageModel;
import dev.basalt.engine.sampling.SamplingParams;
import dev.basalt.engine.scheduler.Completion;
import dev.basalt.engine.scheduler.GenerationListener;
import dev.basalt.engine.scheduler.GenerationRequest;
import dev.basalt.engine.scheduler.TokenEvent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Measures prefill and decode speed of a GGUF model the way llama.cpp's llama-bench does (pp N: N random
 * prompt tokens in one go; tg N: N tokens decoded one at a time after an empty context), so figures can be
 * compared with it on the same file.
 */
public final class Benchmark {
    /** What to run. */
    public record Settings(Path model, int threads, int promptTokens, int genTokens, int repeat, int prefillChunk) {
        public Settings {
            if (threads < 1 || promptTokens < 1 || genTokens < 1 || repeat < 1 || prefillChunk < 1) {
                throw new IllegalArgumentException("threads, prompt tokens, generated tokens, repeats and chunk size must be positive");
            }
        }
    }

    /** Tokens per second over the repeats, and the memory traffic decoding implies. */
    public record Result(String model, String architecture, long fileBytes, int threads, int promptTokens, int genTokens,
                         Stats prefill, Stats decode, long bytesPerDecodedToken, List<Concurrent> concurrent) {
        /** Read bandwidth implied by the median decode rate, in GB/s. */
        public double decodeGigabytesPerSecond() {
            return bytesPerDecodedToken * decode.median() / 1e9;
        }
    }

    /** Decoding {@code streams} sequences at once through the scheduler: tokens per second of all streams together. */
    public record Concurrent(int streams, Stats aggregateDecode) {}

    public record Stats(double median, double min, double max) {
        static Stats of(double[] values) {
            double[] s = values.clone();
            Arrays.sort(s);
            double median = s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
            return new Stats(median, s[0], s[s.length - 1]);
        }
    }

    /**
     * Prompt length of each concurrent stream: short, so the measurement is about decoding together (prefill
     * speed is measured separately) and eight 512-token prompts do not dominate the run.
     */
    private static final int CONCURRENT_PROMPT_TOKENS = 32;

    private Benchmark() {}

    /**
     * Runs the benchmark; {@code progress} receives one line per step. Concurrency levels above 1 run through
     * the continuous-batching scheduler, so the model file needs a tokenizer.
     */
    public static Result run(Settings s, List<Integer> concurrency, Consumer<String> progress) throws IOException {
        Result single = run(s, progress);
        List<Concurrent> levels = new ArrayList<>();
        for (int streams : concurrency) {
            levels.add(new Concurrent(streams, streams == 1 ? single.decode() : concurrent(s, streams, progress)));
        }
        return new Result(single.model(), single.architecture(), single.fileBytes(), single.threads(), single.promptTokens(),
                single.genTokens(), single.prefill(), single.decode(), single.bytesPerDecodedToken(), levels);
    }

    /**
     * Aggregate decode rate of {@code streams} concurrent greedy generations: generated tokens counted from the
     * moment every stream has its first token (all prompts are in) until the first stream ends.
     */
    private static Stats concurrent(Settings s, int streams, Consumer<String> progress) throws IOException {
        LanguageModel.Options options = new LanguageModel.Options(s.threads(), CONCURRENT_PROMPT_TOKENS + s.genTokens() + 1,
                streams, Math.max(streams, s.prefillChunk()), 8L << 30, streams);
        double[] rates = new double[s.repeat()];
        try (LanguageModel model = LanguageModel.load(s.model(), options)) {
            for (int r = 0; r < s.repeat(); r++) {
                rates[r] = concurrentRun(model, s, streams);
                progress.accept(String.format("concurrency %d, run %d/%d: %.2f tok/s aggregate", streams, r + 1, s.repeat(), rates[r]));
            }
        }
        return Stats.of(rates);
    }

    private static double concurrentRun(LanguageModel model, Settings s, int streams) {
        SamplingParams greedy = SamplingParams.builder().temperature(0).maxTokens(s.genTokens()).build();
        Meter meter = new Meter(streams);
        int vocab = model.info().vocabularySize();
        for (int i = 0; i < streams; i++) {
            int[] prompt = new SplittableRandom(100 + i).ints(CONCURRENT_PROMPT_TOKENS, 0, vocab).toArray();
            model.generate(new GenerationRequest(prompt, greedy), meter.listener());
        }
        try {
            meter.done.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return meter.rate();
    }

    /**
     * Counts tokens of all streams between the moment every stream has its first token (all prompts are in)
     * and the moment the first stream ends. Listeners run on the scheduler thread; the lock only publishes.
     */
    private static final class Meter {
        private final int streams;
        private final CountDownLatch done;
        private int started;
        private long tokens;
        private long startNanos;
        private long startTokens;
        private long endNanos;
        private long endTokens;

        Meter(int streams) {
            this.streams = streams;
            this.done = new CountDownLatch(streams);
        }

        GenerationListener listener() {
            return new GenerationListener() {
                private boolean first = true;

                @Override
                public void onToken(TokenEvent event) {
                    synchronized (Meter.this) {
                        tokens++;
                        if (first) {
                            first = false;
                            if (++started == streams) {
                                startNanos = System.nanoTime();
                                startTokens = tokens;
                            }
                        }
                    }
                }

                @Override
                public void onComplete(Completion completion) {
                    synchronized (Meter.this) {
                        if (endNanos == 0) {
                            endNanos = System.nanoTime();
                            endTokens = tokens;
                        }
                    }
                    done.countDown();
                }

                @Override
                public void onError(RuntimeException error) {
                    done.countDown();
                }
            };
        }

        synchronized double rate() {
            if (startNanos == 0 || endNanos <= startNanos) {
                throw new IllegalStateException("a stream ended before all streams were decoding; use more --gen-tokens");
            }
            return (endTokens - startTokens) / ((endNanos - startNanos) / 1e9);
        }
    }

    /** Runs the single-sequence measurements. */
    private static Result run(Settings s, Consumer<String> progress) throws IOException {
        try (GgufFile gguf = GgufFile.open(s.model()); WorkerPool pool = new WorkerPool(s.threads())) {
            Transformer model = Transformer.load(gguf);
            ModelConfig c = model.config();
            int context = Math.min(c.contextLength(), s.promptTokens() + s.genTokens());
            if (s.promptTokens() + s.genTokens() > c.contextLength()) {
                throw new IllegalArgumentException("prompt + generated tokens (" + (s.promptTokens() + s.genTokens())
                        + ") exceed the model's context of " + c.contextLength());
            }
            Session session = new Session(model, pool, context, s.prefillChunk());
            int[] prompt = new SplittableRandom(1).ints(s.promptTokens(), 0, c.vocabSize()).toArray();
            progress.accept("warming up");
            prefill(session, prompt, Math.min(prompt.length, 2 * s.prefillChunk()));
            decode(session, Math.min(8, s.genTokens()));
            double[] prefill = new double[s.repeat()];
            double[] decode = new double[s.repeat()];
            for (int r = 0; r < s.repeat(); r++) {
                session.truncate(0);
                long t0 = System.nanoTime();
                prefill(session, prompt, prompt.length);
                prefill[r] = prompt.length / seconds(t0);
                session.truncate(0);
                long t1 = System.nanoTime();
                decode(session, s.genTokens());
                decode[r] = s.genTokens() / seconds(t1);
                progress.accept(String.format("run %d/%d: prefill %.1f tok/s, decode %.2f tok/s", r + 1, s.repeat(), prefill[r], decode[r]));
            }
            return new Result(s.model().getFileName().toString(), c.architecture().ggufName, java.nio.file.Files.size(s.model()), s.threads(),
                    s.promptTokens(), s.genTokens(), Stats.of(prefill), Stats.of(decode),
                    model.weightBytesPerToken() + kvBytesPerToken(c, s.genTokens()), List.of());
        }
    }

    private static void prefill(Session session, int[] prompt, int count) {
        for (int i = 0; i < count; i += session.maxChunk()) {
            session.forward(prompt, i, Math.min(session.maxChunk(), count - i));
        }
    }

    private static void decode(Session session, int tokens) {
        int[] next = {0};
        for (int i = 0; i < tokens; i++) {
            float[] logits = session.forward(next, 0, 1);
            next[0] = argmax(logits);
        }
    }

    private static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }

    /** Average KV cache bytes read per decoded token: keys and values of every earlier position, every layer. */
    private static long kvBytesPerToken(ModelConfig c, int genTokens) {
        return (long) c.layers() * 2 * c.kvDim() * Float.BYTES * (genTokens / 2);
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
