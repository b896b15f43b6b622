package dev.basalt.platform.embeddings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.basalt.platform.embeddings.EmbeddingModel.InputKind;
import dev.basalt.platform.embeddings.EmbeddingModel.Truncation;
import dev.basalt.platform.errors.NotFoundException;
import dev.basalt.platform.errors.ValidationException;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.bgesmallenv15q.BgeSmallEnV15QuantizedEmbeddingModel;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The built-in ONNX embedding models against langchain4j's own runtime for the same model files (the oracle), and
 * the properties batching, truncation and concurrency must keep.
 *
 * <p>The models are int8 with dynamic activation quantization: ONNX Runtime picks each activation tensor's scale
 * from the whole batch, so an input's vector moves very slightly with what it is batched with. Batch-versus-single
 * comparisons therefore use a cosine bound, not bit equality; runs of the same batch are bit-identical.
 */
class OnnxEmbeddingModelTest {

    private static final List<String> SENTENCES = List.of(
            "The cat sits on the mat.",
            "A quick brown fox jumps over the lazy dog near the river bank.",
            "Vitamin D deficiency is associated with an increased risk of respiratory infections.",
            "Basalt speaks the Amazon Bedrock API.",
            "Café naïve RÉSUMÉ — 東京の天気は？\tTabs,  spaces and ✓ symbols.");

    /**
     * Least cosine between an input's vector in a batch and alone: quantization noise, largest for inputs of a few
     * tokens (measured 0.975 or more). Order and layout mistakes are caught exactly by the tests that use it.
     */
    private static final double BATCH_COSINE = 0.95;

    private static EmbeddingModels models;

    @BeforeAll
    static void load() {
        models = new EmbeddingModels(2);
    }

    @AfterAll
    static void close() {
        models.close();
    }

    static Stream<Arguments> builtIn() {
        return Stream.of(
                Arguments.of(EmbeddingModels.ALL_MINILM_L6_V2.id(), new AllMiniLmL6V2QuantizedEmbeddingModel()),
                Arguments.of(EmbeddingModels.BGE_SMALL_EN_V15.id(), new BgeSmallEnV15QuantizedEmbeddingModel()));
    }

    @ParameterizedTest
    @MethodSource("builtIn")
    void matchesLangchain4jOnTheSameModelFile(String id, dev.langchain4j.model.embedding.EmbeddingModel oracle) {
        EmbeddingModel model = models.get(id);
        Embeddings batch = model.embed(SENTENCES, InputKind.DOCUMENT, Truncation.FAIL);
        for (int i = 0; i < SENTENCES.size(); i++) {
            float[] expected = oracle.embed(SENTENCES.get(i)).content().vector();
            float[] single = model.embed(List.of(SENTENCES.get(i)), InputKind.DOCUMENT, Truncation.FAIL).vector(0);
            assertThat(single).hasSize(384);
            assertThat(VectorMath.cosine(single, expected)).as(SENTENCES.get(i)).isGreaterThanOrEqualTo(0.9999);
            assertThat(VectorMath.cosine(batch.vector(i), expected)).as(SENTENCES.get(i)).isGreaterThanOrEqualTo(BATCH_COSINE);
        }
        String query = "does vitamin D prevent infections?";
        EmbeddingModelSpec spec = EmbeddingModels.spec(id).orElseThrow();
        float[] asQuery = model.embed(List.of(query), InputKind.QUERY, Truncation.FAIL).vector(0);
        float[] expected = oracle.embed(spec.queryInstruction() + query).content().vector();
        assertThat(VectorMath.cosine(asQuery, expected)).isGreaterThanOrEqualTo(0.9999);
    }

    @Test
    void onlyBgeGivesQueriesAnInstruction() {
        String text = "effects of aspirin on heart attacks";
        for (EmbeddingModelSpec spec : EmbeddingModels.builtIn()) {
            EmbeddingModel model = models.get(spec.id());
            Embeddings query = model.embed(List.of(text), InputKind.QUERY, Truncation.FAIL);
            Embeddings document = model.embed(List.of(text), InputKind.DOCUMENT, Truncation.FAIL);
            if (spec.queryInstruction().isEmpty()) {
                assertThat(query.vector(0)).containsExactly(document.vector(0));
                assertThat(query.tokenCounts()).containsExactly(document.tokenCounts());
            } else {
                assertThat(VectorMath.cosine(query.vector(0), document.vector(0))).isLessThan(0.99);
                assertThat(query.tokenCounts()[0]).isGreaterThan(document.tokenCounts()[0]);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("builtIn")
    void paraphraseIsCloserThanUnrelatedText(String id) {
        Embeddings e = models.get(id).embed(List.of(
                "How do I reset my password?",
                "What are the steps to change my account password?",
                "The Eiffel Tower is in Paris."), InputKind.DOCUMENT, Truncation.FAIL);
        double paraphrase = VectorMath.cosine(e.vector(0), e.vector(1));
        double unrelated = VectorMath.cosine(e.vector(0), e.vector(2));
        assertThat(paraphrase).isGreaterThan(unrelated + 0.2);
    }

    @ParameterizedTest
    @MethodSource("builtIn")
    void lengthGroupedBatchesGiveTheOneByOneVectorsInInputOrder(String id) {
        EmbeddingModel model = models.get(id);
        List<String> texts = randomTexts(new Random(7), 150, 1, 40); // many inputs share a length: real batches
        Embeddings batch = model.embed(texts, InputKind.DOCUMENT, Truncation.FAIL);
        assertThat(batch.size()).isEqualTo(texts.size());
        float[][] singles = new float[texts.size()][];
        for (int i = 0; i < texts.size(); i++) {
            Embeddings single = model.embed(List.of(texts.get(i)), InputKind.DOCUMENT, Truncation.FAIL);
            assertThat(batch.tokenCounts()[i]).isEqualTo(single.tokenCounts()[0]);
            singles[i] = single.vector(0);
            assertThat(VectorMath.cosine(batch.vector(i), singles[i])).as("input %d", i)
                    .isGreaterThanOrEqualTo(BATCH_COSINE);
        }
        for (int i = 0; i < texts.size(); i++) { // each batch vector is nearest to its own input's vector
            int nearest = 0;
            for (int j = 1; j < texts.size(); j++) {
                if (VectorMath.cosine(batch.vector(i), singles[j]) > VectorMath.cosine(batch.vector(i), singles[nearest])) {
                    nearest = j;
                }
            }
            assertThat(texts.get(nearest)).as("input %d", i).isEqualTo(texts.get(i)); // texts may repeat
        }
    }

    @ParameterizedTest
    @MethodSource("builtIn")
    void aBatchOfOneRepeatedTextGivesExactlyTheSingleVector(String id) {
        // no other input to move the quantization scales: batching itself must change nothing
        EmbeddingModel model = models.get(id);
        String text = "Lorem ipsum dolor sit amet, consectetur adipiscing elit.";
        float[] single = model.embed(List.of(text), InputKind.DOCUMENT, Truncation.FAIL).vector(0);
        Embeddings batch = model.embed(Collections.nCopies(40, text), InputKind.DOCUMENT, Truncation.FAIL);
        for (float[] vector : batch.vectors()) {
            assertThat(vector).containsExactly(single);
        }
    }

    @ParameterizedTest
    @MethodSource("builtIn")
    void vectorsHaveUnitLength(String id) {
        Embeddings e = models.get(id).embed(randomTexts(new Random(3), 10, 1, 30), InputKind.DOCUMENT, Truncation.FAIL);
        for (float[] vector : e.vectors()) {
            assertThat(Math.sqrt(VectorMath.dot(vector, vector))).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
        }
    }

    @Test
    void tokenCountsIncludeSpecialTokens() {
        Embeddings e = models.get(EmbeddingModels.ALL_MINILM_L6_V2.id())
                .embed(List.of("hello world", "hello"), InputKind.DOCUMENT, Truncation.FAIL);
        assertThat(e.tokenCounts()).containsExactly(4, 3); // [CLS] hello world [SEP]
        assertThat(e.totalTokens()).isEqualTo(7);
    }

    @ParameterizedTest
    @MethodSource("builtIn")
    void overLongInputIsTruncatedToTheLimitOrRejected(String id) {
        EmbeddingModel model = models.get(id);
        int limit = model.maxInputTokens();
        String tooLong = "word ".repeat(limit + 50).trim(); // one token per word
        String exactlyFits = "word ".repeat(limit - 2).trim(); // what truncation keeps: [CLS] word… [SEP]

        Embeddings truncated = model.embed(List.of(tooLong), InputKind.DOCUMENT, Truncation.TRUNCATE);
        Embeddings fitting = model.embed(List.of(exactlyFits), InputKind.DOCUMENT, Truncation.FAIL);
        assertThat(truncated.tokenCounts()).containsExactly(limit);
        assertThat(truncated.vector(0)).containsExactly(fitting.vector(0));

        assertThatThrownBy(() -> model.embed(List.of("short", tooLong), InputKind.DOCUMENT, Truncation.FAIL))
                .isInstanceOf(ValidationException.class)
                .hasMessageContaining("Input 1 has " + (limit + 52) + " tokens")
                .hasMessageContaining("at most " + limit);
    }

    @Test
    void emptyListGivesEmptyResultAndEmptyTextIsRejected() {
        EmbeddingModel model = models.get(EmbeddingModels.ALL_MINILM_L6_V2.id());
        Embeddings none = model.embed(List.of(), InputKind.DOCUMENT, Truncation.FAIL);
        assertThat(none.size()).isZero();
        assertThat(none.totalTokens()).isZero();
        assertThatThrownBy(() -> model.embed(List.of("fine", ""), InputKind.DOCUMENT, Truncation.TRUNCATE))
                .isInstanceOf(ValidationException.class)
                .hasMessageContaining("Input 1 is empty");
        assertThatThrownBy(() -> model.embed(null, InputKind.DOCUMENT, Truncation.FAIL))
                .isInstanceOf(NullPointerException.class);
    }

    @Test
    void manyThreadsAtOnceGetTheSameVectors() throws Exception {
        EmbeddingModel model = models.get(EmbeddingModels.ALL_MINILM_L6_V2.id());
        List<List<String>> requests = new ArrayList<>();
        Random random = new Random(11);
        for (int r = 0; r < 6; r++) {
            requests.add(randomTexts(random, 1 + r * 3, 1, 40));
        }
        List<Embeddings> expected = requests.stream()
                .map(texts -> model.embed(texts, InputKind.DOCUMENT, Truncation.FAIL)).toList();
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int task = 0; task < 48; task++) {
                int r = task % requests.size();
                results.add(pool.submit(() -> {
                    Embeddings got = model.embed(requests.get(r), InputKind.DOCUMENT, Truncation.FAIL);
                    for (int i = 0; i < got.size(); i++) {
                        assertThat(got.vector(i)).containsExactly(expected.get(r).vector(i));
                    }
                    return true;
                }));
            }
            for (Future<Boolean> result : results) {
                assertThat(result.get()).isTrue();
            }
        }
    }

    @Test
    void registryKnowsBothModelsAndLoadsEachOnce() {
        assertThat(EmbeddingModels.builtIn()).extracting(EmbeddingModelSpec::id)
                .containsExactly("basalt.all-minilm-l6-v2", "basalt.bge-small-en-v1.5");
        assertThat(EmbeddingModels.builtIn()).allSatisfy(spec -> assertThat(spec.dimensions()).isEqualTo(384));
        assertThat(EmbeddingModels.spec("basalt.bge-small-en-v1.5").orElseThrow().pooling()).isEqualTo(Pooling.CLS);
        assertThat(models.get("basalt.all-minilm-l6-v2")).isSameAs(models.get("basalt.all-minilm-l6-v2"));
        assertThat(System.getProperty(OnnxEmbeddingModel.DJL_OPT_OUT)).as("DJL telemetry off").isEqualTo("true");
        assertThatThrownBy(() -> models.get("basalt.nope"))
                .isInstanceOf(NotFoundException.class)
                .hasMessageContaining("basalt.nope");
    }

    /** Texts of {@code min..max} random common words, so lengths vary and batches need padding. */
    static List<String> randomTexts(Random random, int count, int minWords, int maxWords) {
        String[] words = ("the of and to in is was for on that with as by at from his her are be this which or an "
                + "protein cell gene patient study risk disease blood effect increase cancer mouse treatment model "
                + "river mountain city music language computer network storage quickly slowly bright dark")
                .split(" ");
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int n = minWords + random.nextInt(maxWords - minWords + 1);
            List<String> picked = new ArrayList<>();
            for (int w = 0; w < n; w++) {
                picked.add(words[random.nextInt(words.length)]);
            }
            texts.add(String.join(" ", picked));
        }
        Collections.shuffle(texts, random);
        return texts;
    }
}
