package dev.basalt.engine;

import dev.basalt.engine.gguf.GgmlType;
import dev.basalt.engine.gguf.GgufFile;
import dev.basalt.engine.gguf.GgufTensor;
import dev.basalt.engine.grammar.TokenTrie;
import dev.basalt.engine.model.Transformer;
import dev.basalt.engine.parallel.WorkerPool;
import dev.basalt.engine.scheduler.Generation;
import dev.basalt.engine.scheduler.GenerationListener;
import dev.basalt.engine.scheduler.GenerationRequest;
import dev.basalt.engine.scheduler.Scheduler;
import dev.basalt.engine.tokenizer.Tokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The engine's API for the platform: a GGUF model loaded (memory-mapped, weights never copied to the heap),
 * its tokenizer and information, and generation through a continuous-batching {@link Scheduler}.
 * Thread-safe. Close it to stop its threads and unmap the file.
 */
public final class LanguageModel implements AutoCloseable {

    /**
     * @param threads       worker threads for the forward pass (all cores by default)
     * @param contextLength positions per sequence; 0 means the model's own, capped at 8192 to bound memory
     */
    public record Options(int threads, int contextLength, int maxSequences, int maxBatchRows, long kvBudgetBytes,
                          int queueCapacity) {
        public static Options defaults() {
            return new Options(Runtime.getRuntime().availableProcessors(), 0, 8, 64, 1L << 30, 64);
        }
    }

    private static final int DEFAULT_CONTEXT_CAP = 8192;

    private final GgufFile gguf;
    private final Tokenizer tokenizer;
    private final WorkerPool workers;
    private final Scheduler scheduler;
    private final ModelInfo info;
    private final Supplier<TokenTrie> trie;

    private LanguageModel(GgufFile gguf, Tokenizer tokenizer, WorkerPool workers, Scheduler scheduler, ModelInfo info,
                          Supplier<TokenTrie> trie) {
        this.trie = trie;
        this.gguf = gguf;
        this.tokenizer = tokenizer;
        this.workers = workers;
        this.scheduler = scheduler;
        this.info = info;
    }

    /** Maps and checks {@code file}; fails with a message naming the problem for unsupported or malformed files. */
    public static LanguageModel load(Path file, Options options) throws IOException {
        GgufFile gguf = GgufFile.open(file);
        WorkerPool workers = null;
        try {
            Transformer model = Transformer.load(gguf);
            Tokenizer tokenizer = Tokenizer.fromGguf(gguf);
            if (tokenizer.size() != model.config().vocabSize()) {
                throw new IllegalArgumentException("the tokenizer has " + tokenizer.size() + " tokens but the embedding has "
                        + model.config().vocabSize() + " rows");
            }
            int modelContext = model.config().contextLength();
            int context = options.contextLength() > 0 ? Math.min(options.contextLength(), modelContext)
                    : Math.min(modelContext, DEFAULT_CONTEXT_CAP);
            workers = new WorkerPool(options.threads());
            Supplier<TokenTrie> trie = lazily(() -> TokenTrie.build(tokenizer));
            Scheduler scheduler = new Scheduler(model, tokenizer, trie, workers,
                    new Scheduler.Options(options.maxSequences(), options.maxBatchRows(), context, options.kvBudgetBytes(),
                            options.queueCapacity()));
            ModelInfo info = new ModelInfo(
                    gguf.has("general.name") ? gguf.getString("general.name") : file.getFileName().toString(),
                    model.config().architecture().ggufName, context, parameterCount(gguf), dominantType(gguf),
                    tokenizer.size(), gguf.has("tokenizer.chat_template") ? gguf.getString("tokenizer.chat_template") : null,
                    tokenizer.bos() >= 0 ? tokenizer.tokenText(tokenizer.bos()) : null,
                    tokenizer.eos() >= 0 ? tokenizer.tokenText(tokenizer.eos()) : null, Files.size(file));
            return new LanguageModel(gguf, tokenizer, workers, scheduler, info, trie);
        } catch (RuntimeException | IOException e) {
            if (workers != null) {
                workers.close();
            }
            gguf.close();
            throw e;
        }
    }

    public ModelInfo info() {
        return info;
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    /** Token ids of {@code text}; {@code addBos} as the model wants by default; special-token texts are parsed. */
    public int[] tokenize(String text) {
        return tokenizer.encode(text, tokenizer.addBosByDefault(), true);
    }

    public String detokenize(int[] tokens) {
        return tokenizer.decode(tokens);
    }

    /** The byte trie of the vocabulary that JSON-constrained decoding walks, built on first use. */
    public TokenTrie tokenTrie() {
        return trie.get();
    }

    /** Starts a generation; see {@link Scheduler#submit} for the errors it raises. */
    public Generation generate(GenerationRequest request, GenerationListener listener) {
        return scheduler.submit(request, listener);
    }

    /** Requests waiting for a sequence slot. */
    public int queued() {
        return scheduler.queued();
    }

    @Override
    public void close() {
        scheduler.close();
        workers.close();
        gguf.close();
    }

    /** Computes {@code value} once, on first use (building a 128k-token trie takes a fraction of a second). */
    private static <T> Supplier<T> lazily(Supplier<T> value) {
        return new Supplier<>() {
            private T computed;

            @Override
            public synchronized T get() {
                if (computed == null) {
                    computed = value.get();
                }
                return computed;
            }
        };
    }

    private static long parameterCount(GgufFile gguf) {
        return gguf.tensors().values().stream().mapToLong(GgufTensor::elementCount).sum();
    }

    /** The format holding most weights: what users call the model's quantization. */
    private static String dominantType(GgufFile gguf) {
        Map<GgmlType, Long> bytes = new EnumMap<>(GgmlType.class);
        for (GgufTensor t : gguf.tensors().values()) {
            bytes.merge(t.type(), t.elementCount(), Long::sum);
        }
        return bytes.entrySet().stream().max(Map.Entry.comparingByValue()).map(e -> e.getKey().name()).orElse("unknown");
    }
}
