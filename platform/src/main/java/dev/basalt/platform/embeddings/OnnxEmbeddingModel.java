package dev.basalt.platform.embeddings;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.basalt.platform.errors.InternalException;
import dev.basalt.platform.errors.ValidationException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * A BERT-style sentence encoder run by ONNX Runtime (CPU) with its Hugging Face tokenizer (DJL's binding of the Rust
 * tokenizers library). One ONNX session serves every call: {@link OrtSession#run} is thread-safe, and each run uses
 * the session's intra-op thread pool.
 *
 * <p>Inputs of a call are sorted by token count and run in batches of equal token count, so no batch has padding;
 * vectors are put back in input order. Equal lengths rather than merely similar ones because both built-in models
 * are int8 with dynamic activation quantization: ONNX Runtime scales each activation tensor by its largest value
 * over the whole batch, so padded rows (and, less, the other inputs) move a vector. Measured on random inputs: an
 * input's vector in a mixed-length padded batch is at cosine 0.955 or more to its vector alone, in an equal-length
 * batch at 0.975 or more. Equal-length batches were also the fastest on SciFact claims in calls of 32 (one
 * interleaved run on a shared 2-core machine, MiniLM: 513 claims/s, padded batches 391, one by one 472).
 */
public final class OnnxEmbeddingModel implements EmbeddingModel, AutoCloseable {

    /** Most inputs per ONNX run: larger batches gain little on a CPU and hold more memory. */
    static final int MAX_BATCH = 32;
    /** Most tokens per ONNX run, so a batch of long inputs stays within a few tens of MB of activations. */
    static final int MAX_BATCH_TOKENS = 8192;

    private static final String INPUT_IDS = "input_ids";
    private static final String ATTENTION_MASK = "attention_mask";
    private static final String TOKEN_TYPE_IDS = "token_type_ids";
    private static final String HIDDEN_STATE = "last_hidden_state";
    static final String DJL_OPT_OUT = "OPT_OUT_TRACKING";

    private final EmbeddingModelSpec spec;
    private final OrtEnvironment environment;
    private final OrtSession session;
    private final HuggingFaceTokenizer tokenizer;
    private final boolean takesTokenTypes;

    private OnnxEmbeddingModel(EmbeddingModelSpec spec, OrtEnvironment environment, OrtSession session,
                               HuggingFaceTokenizer tokenizer) throws OrtException {
        this.spec = spec;
        this.environment = environment;
        this.session = session;
        this.tokenizer = tokenizer;
        Set<String> inputs = session.getInputNames();
        if (!inputs.contains(INPUT_IDS) || !inputs.contains(ATTENTION_MASK)
                || !Set.of(INPUT_IDS, ATTENTION_MASK, TOKEN_TYPE_IDS).containsAll(inputs)) {
            throw new IllegalStateException(spec.onnxResource() + " is not a BERT encoder graph: inputs " + inputs);
        }
        this.takesTokenTypes = inputs.contains(TOKEN_TYPE_IDS);
        NodeInfo output = session.getOutputInfo().get(HIDDEN_STATE);
        if (output == null || !(output.getInfo() instanceof TensorInfo tensor) || tensor.getShape().length != 3
                || tensor.getShape()[2] != spec.dimensions()) {
            throw new IllegalStateException(spec.onnxResource() + " has no " + HIDDEN_STATE + " output of width "
                    + spec.dimensions() + ": " + session.getOutputInfo());
        }
    }

    /**
     * Loads the model files named by {@code spec} from the classpath and opens one ONNX session.
     *
     * @param intraOpThreads threads ONNX Runtime uses inside one run (the machine's cores for throughput)
     */
    public static OnnxEmbeddingModel load(EmbeddingModelSpec spec, int intraOpThreads) {
        if (intraOpThreads < 1) {
            throw new IllegalArgumentException("intraOpThreads must be at least 1: " + intraOpThreads);
        }
        byte[] graph = resource(spec.onnxResource());
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        HuggingFaceTokenizer tokenizer = null;
        OrtSession session = null;
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(intraOpThreads);
            options.setInterOpNumThreads(1);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            session = environment.createSession(graph, options);
            // DJL's tokenizer factory probes the EC2 metadata address and, on EC2, reports use to DJL's telemetry
            // bucket; Basalt keeps everything on the machine, so opt out before DJL's first call.
            System.setProperty(DJL_OPT_OUT, "true");
            try (InputStream json = resourceStream(spec.tokenizerResource())) {
                // Truncation and padding are ours to do (see tokenize and runBatch): the tokenizer.json files set
                // their own (MiniLM's pads and truncates to 128), which would hide over-long inputs.
                tokenizer = HuggingFaceTokenizer.newInstance(json, Map.of(
                        "addSpecialTokens", "true", "truncation", "false", "padding", "false"));
            }
            return new OnnxEmbeddingModel(spec, environment, session, tokenizer);
        } catch (OrtException | IOException | RuntimeException e) {
            closeQuietly(tokenizer, session);
            throw new IllegalStateException("cannot load embedding model " + spec.id() + ": " + e.getMessage(), e);
        }
    }

    public EmbeddingModelSpec spec() {
        return spec;
    }

    @Override
    public String id() {
        return spec.id();
    }

    @Override
    public int dimensions() {
        return spec.dimensions();
    }

    @Override
    public int maxInputTokens() {
        return spec.maxInputTokens();
    }

    @Override
    public Embeddings embed(List<String> texts, InputKind kind, Truncation truncation) {
        Objects.requireNonNull(texts, "texts");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(truncation, "truncation");
        long[][] ids = tokenize(texts, kind, truncation);
        float[][] vectors = new float[ids.length][];
        Integer[] byLength = IntStream.range(0, ids.length).boxed().toArray(Integer[]::new);
        Arrays.sort(byLength, Comparator.comparingInt(i -> ids[i].length));
        int from = 0;
        while (from < byLength.length) {
            int to = from + 1;
            int length = ids[byLength[from]].length;
            while (to < byLength.length && to - from < MAX_BATCH && ids[byLength[to]].length == length
                    && (long) (to - from + 1) * length <= MAX_BATCH_TOKENS) {
                to++;
            }
            runBatch(ids, Arrays.copyOfRange(byLength, from, to), vectors);
            from = to;
        }
        int[] counts = Arrays.stream(ids).mapToInt(row -> row.length).toArray();
        return new Embeddings(vectors, counts);
    }

    /** Token ids per input, [CLS] … [SEP], cut to the model's limit under TRUNCATE. */
    private long[][] tokenize(List<String> texts, InputKind kind, Truncation truncation) {
        String prefix = kind == InputKind.QUERY ? spec.queryInstruction() : "";
        String[] inputs = new String[texts.size()];
        for (int i = 0; i < inputs.length; i++) {
            String text = Objects.requireNonNull(texts.get(i), () -> "texts contains null");
            if (text.isEmpty()) {
                throw new ValidationException("Input " + i + " is empty: an embedding needs at least one character.");
            }
            inputs[i] = prefix + text;
        }
        if (inputs.length == 0) {
            return new long[0][];
        }
        Encoding[] encodings = tokenizer.batchEncode(inputs);
        long[][] ids = new long[inputs.length][];
        int limit = spec.maxInputTokens();
        for (int i = 0; i < ids.length; i++) {
            long[] row = encodings[i].getIds();
            if (row.length > limit) {
                if (truncation == Truncation.FAIL) {
                    throw new ValidationException("Input " + i + " has " + row.length + " tokens; " + spec.id()
                            + " reads at most " + limit + ". Shorten it or ask for truncation.");
                }
                // keep [CLS] and the first tokens, end with the [SEP] the tokenizer put last (as HF truncation does)
                long last = row[row.length - 1];
                row = Arrays.copyOf(row, limit);
                row[limit - 1] = last;
            }
            ids[i] = row;
        }
        return ids;
    }

    /** Runs the inputs {@code members}, all of one token count, as one batch and stores their vectors. */
    private void runBatch(long[][] ids, Integer[] members, float[][] vectors) {
        int batch = members.length;
        int length = ids[members[0]].length;
        long[] tokens = new long[batch * length];
        for (int b = 0; b < batch; b++) {
            System.arraycopy(ids[members[b]], 0, tokens, b * length, length);
        }
        long[] mask = new long[batch * length];
        Arrays.fill(mask, 1L); // no padding to mask out
        long[] shape = {batch, length};
        Map<String, OnnxTensor> inputs = new HashMap<>();
        try {
            inputs.put(INPUT_IDS, OnnxTensor.createTensor(environment, LongBuffer.wrap(tokens), shape));
            inputs.put(ATTENTION_MASK, OnnxTensor.createTensor(environment, LongBuffer.wrap(mask), shape));
            if (takesTokenTypes) {
                inputs.put(TOKEN_TYPE_IDS, OnnxTensor.createTensor(environment, LongBuffer.wrap(new long[batch * length]), shape));
            }
            try (OrtSession.Result result = session.run(inputs, Set.of(HIDDEN_STATE))) {
                FloatBuffer hidden = ((OnnxTensor) result.get(0)).getFloatBuffer();
                for (int b = 0; b < batch; b++) {
                    vectors[members[b]] = pool(hidden, b * length * spec.dimensions(), length);
                }
            }
        } catch (OrtException e) {
            throw new InternalException(e);
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }

    /** One sentence vector from the {@code tokens} hidden states starting at {@code offset}, unit length. */
    private float[] pool(FloatBuffer hidden, int offset, int tokens) {
        int width = spec.dimensions();
        float[] vector = new float[width];
        int rows = spec.pooling() == Pooling.CLS ? 1 : tokens;
        for (int t = 0; t < rows; t++) {
            int base = offset + t * width;
            for (int d = 0; d < width; d++) {
                vector[d] += hidden.get(base + d);
            }
        }
        // the mean's 1/rows cancels in the normalisation below, so only the norm is needed
        return VectorMath.normalize(vector);
    }

    @Override
    public void close() {
        closeQuietly(tokenizer, session);
    }

    private static void closeQuietly(HuggingFaceTokenizer tokenizer, OrtSession session) {
        if (tokenizer != null) {
            tokenizer.close();
        }
        if (session != null) {
            try {
                session.close();
            } catch (OrtException ignored) {
                // closing releases native memory; nothing useful to do if ONNX Runtime reports a failure here
            }
        }
    }

    private static byte[] resource(String name) {
        try (InputStream in = resourceStream(name)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + name + ": " + e.getMessage(), e);
        }
    }

    private static InputStream resourceStream(String name) {
        InputStream in = OnnxEmbeddingModel.class.getClassLoader().getResourceAsStream(name);
        if (in == null) {
            throw new IllegalStateException(name + " is not on the classpath (it ships in a"
                    + " dev.langchain4j:langchain4j-embeddings-*-q artifact)");
        }
        return in;
    }
}
