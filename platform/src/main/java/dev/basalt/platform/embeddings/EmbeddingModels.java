package dev.basalt.platform.embeddings;

import dev.basalt.platform.errors.NotFoundException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The built-in embedding models, which ship as ONNX files inside Maven artifacts and so work offline. A model is
 * loaded (ONNX session opened, about 1 s and 100 MB) on first use and kept until {@link #close()}.
 */
public final class EmbeddingModels implements AutoCloseable {

    /** sentence-transformers/all-MiniLM-L6-v2, int8-quantized; mean pooling; 256 word pieces per its model card. */
    public static final EmbeddingModelSpec ALL_MINILM_L6_V2 = new EmbeddingModelSpec(
            "basalt.all-minilm-l6-v2", "all-minilm-l6-v2-q.onnx", "all-minilm-l6-v2-q-tokenizer.json",
            384, 256, Pooling.MEAN, "");

    /**
     * BAAI/bge-small-en-v1.5, int8-quantized; [CLS] pooling; 512 tokens. Queries get the instruction its model card
     * gives for short-query-to-passage retrieval; documents get none.
     */
    public static final EmbeddingModelSpec BGE_SMALL_EN_V15 = new EmbeddingModelSpec(
            "basalt.bge-small-en-v1.5", "bge-small-en-v1.5-q.onnx", "bge-small-en-v1.5-q-tokenizer.json",
            384, 512, Pooling.CLS, "Represent this sentence for searching relevant passages: ");

    private static final List<EmbeddingModelSpec> BUILT_IN = List.of(ALL_MINILM_L6_V2, BGE_SMALL_EN_V15);

    private final int intraOpThreads;
    private final Map<String, OnnxEmbeddingModel> loaded = new ConcurrentHashMap<>();

    /** Models that use every core of this machine inside one run. */
    public EmbeddingModels() {
        this(Runtime.getRuntime().availableProcessors());
    }

    public EmbeddingModels(int intraOpThreads) {
        if (intraOpThreads < 1) {
            throw new IllegalArgumentException("intraOpThreads must be at least 1: " + intraOpThreads);
        }
        this.intraOpThreads = intraOpThreads;
    }

    /** Metadata of every built-in model (nothing is loaded). */
    public static List<EmbeddingModelSpec> builtIn() {
        return BUILT_IN;
    }

    public static Optional<EmbeddingModelSpec> spec(String id) {
        return BUILT_IN.stream().filter(spec -> spec.id().equals(id)).findFirst();
    }

    /**
     * The model {@code id}, loaded on first use; concurrent first calls load it once.
     *
     * @throws NotFoundException when no built-in model has that id
     */
    public EmbeddingModel get(String id) {
        EmbeddingModelSpec spec = spec(id).orElseThrow(() -> new NotFoundException("No embedding model " + id + "."));
        return loaded.computeIfAbsent(spec.id(), key -> OnnxEmbeddingModel.load(spec, intraOpThreads));
    }

    @Override
    public void close() {
        loaded.values().forEach(OnnxEmbeddingModel::close);
        loaded.clear();
    }
}
