package dev.basalt.engine.bench;

import dev.basalt.engine.gguf.GgufFile;
import dev.basalt.engine.model.ModelConfig;
import dev.basalt.engine.model.Session;
import dev.basalt.engine.model.Transformer;
import dev.basalt.engine.parallel.WorkerPool;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
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
                         Stats prefill, Stats decode, long bytesPerDecodedToken) {
        /** Read bandwidth implied by the median decode rate, in GB/s. */
        public double decodeGigabytesPerSecond() {
            return bytesPerDecodedToken * decode.median() / 1e9;
        }
    }

    public record Stats(double median, double min, double max) {
        static Stats of(double[] values) {
            double[] s = values.clone();
            Arrays.sort(s);
            double median = s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
            return new Stats(median, s[0], s[s.length - 1]);
        }
    }

    private Benchmark() {}

    /** Runs the benchmark; {@code progress} receives one line per step. */
    public static Result run(Settings s, Consumer<String> progress) throws IOException {
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
                    model.weightBytesPerToken() + kvBytesPerToken(c, s.genTokens()));
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
