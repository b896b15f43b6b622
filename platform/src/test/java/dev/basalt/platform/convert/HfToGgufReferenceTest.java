package dev.basalt.platform.convert;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.basalt.engine.gguf.GgmlType;
import dev.basalt.engine.gguf.GgufArray;
import dev.basalt.engine.gguf.GgufFile;
import dev.basalt.engine.gguf.GgufTensor;
import dev.basalt.engine.model.Session;
import dev.basalt.engine.model.Transformer;
import dev.basalt.engine.parallel.WorkerPool;
import dev.basalt.engine.tokenizer.Tokenizer;
import dev.basalt.testkit.ReferenceData;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The oracle: TinyStories-656K's Hugging Face folder converted here equals the GGUF files llama.cpp's converter
 * made from it (shared reference data), tensor by tensor and key by key, and the converted model reproduces
 * llama.cpp's greedy tokens and tokenizations.
 */
class HfToGgufReferenceTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @CsvSource({"F32, f32", "Q8_0, q8_0"})
    void convertsTinyStoriesLikeLlamaCpp(GgmlType type, String variant) throws Exception {
        Path folder = ReferenceData.require("models/tinystories-656k-hf");
        Path reference = ReferenceData.require("models/tinystories-656k-" + variant + ".gguf");
        JsonNode golden = new ObjectMapper().readTree(
                ReferenceData.require("golden/golden-tinystories-656k-" + variant + ".json").toFile());
        Path out = dir.resolve("converted.gguf");
        List<long[]> progress = new ArrayList<>();

        HfToGguf.Result result = HfToGguf.convert(folder, out, type, (done, total) -> progress.add(new long[] {done, total}));

        assertThat(result.tensors()).isEqualTo(20);
        assertThat(result.ggufArchitecture()).isEqualTo("llama");
        assertThat(progress.getLast()[0]).isEqualTo(progress.getLast()[1]).isPositive();
        try (GgufFile converted = GgufFile.open(out); GgufFile expected = GgufFile.open(reference)) {
            assertSameTensors(converted, expected);
            assertSameMetadata(converted, expected);
            assertGreedyTokens(converted, golden);
            assertTokenizations(Tokenizer.fromGguf(converted), golden);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"never, false", "first, true"})
    void sentencePieceSpacePrefixFollowsTheTokenizer(String prependScheme, boolean prefix) throws Exception {
        Path folder = dir.resolve("hf");
        Files.createDirectories(folder);
        try (var files = Files.list(ReferenceData.require("models/tinystories-656k-hf"))) {
            for (Path f : files.toList()) {
                Files.copy(f, folder.resolve(f.getFileName()));
            }
        }
        Path tokenizerJson = folder.resolve("tokenizer.json");
        ObjectNode tokenizer = (ObjectNode) JSON.readTree(tokenizerJson.toFile());
        tokenizer.putNull("normalizer");
        tokenizer.putObject("pre_tokenizer").put("type", "Metaspace").put("replacement", "\u2581")
                .put("prepend_scheme", prependScheme).put("split", false);
        tokenizerJson.toFile().setWritable(true);
        JSON.writeValue(tokenizerJson.toFile(), tokenizer);
        Path out = dir.resolve("out.gguf");
        HfToGguf.convert(folder, out, GgmlType.F32, HfToGguf.Progress.NONE);
        try (GgufFile gguf = GgufFile.open(out)) {
            assertThat(gguf.getBoolean("tokenizer.ggml.add_space_prefix", true)).isEqualTo(prefix);
            Tokenizer t = Tokenizer.fromGguf(gguf);
            byte[] first = t.tokenBytes(t.encode("Hello", false, false)[0]);
            assertThat(first[0] == ' ').as("a space before the first word").isEqualTo(prefix);
        }
    }

    private static void assertSameTensors(GgufFile converted, GgufFile expected) {
        assertThat(converted.tensors().keySet()).containsExactlyInAnyOrderElementsOf(expected.tensors().keySet());
        for (GgufTensor want : expected.tensors().values()) {
            GgufTensor got = converted.tensor(want.name());
            assertThat(got.type()).as(want.name()).isEqualTo(want.type());
            assertThat(got.dims()).as(want.name()).containsExactly(want.dims());
            assertThat(got.data().toArray(ValueLayout.JAVA_BYTE)).as(want.name() + " bytes")
                    .isEqualTo(want.data().toArray(ValueLayout.JAVA_BYTE));
        }
    }

    /** Every key llama.cpp wrote has the same value, except the name (ours is the folder's). */
    private static void assertSameMetadata(GgufFile converted, GgufFile expected) {
        for (Map.Entry<String, Object> e : expected.metadata().entrySet()) {
            String key = e.getKey();
            if (key.equals("general.name")) {
                continue;
            }
            assertThat(converted.typeOf(key)).as(key).isEqualTo(expected.typeOf(key));
            Object got = converted.metadata().get(key);
            if (e.getValue() instanceof GgufArray want) {
                GgufArray array = (GgufArray) got;
                assertThat(array.elementType()).as(key).isEqualTo(want.elementType());
                assertThat(array.values()).as(key).isEqualTo(want.values());
            } else {
                assertThat(got).as(key).isEqualTo(e.getValue());
            }
        }
        assertThat(converted.metadata().keySet()).containsExactlyInAnyOrderElementsOf(expected.metadata().keySet());
    }

    private static void assertGreedyTokens(GgufFile gguf, JsonNode golden) {
        Transformer model = Transformer.load(gguf);
        int cases = 0;
        try (WorkerPool pool = new WorkerPool(1)) {
            for (JsonNode c : golden.get("generation")) {
                int[] prompt = ints(c.get("prompt_tokens_with_bos"));
                int[] expected = ints(c.get("greedy_tokens"));
                Session session = new Session(model, pool, 512, 64);
                float[] logits = session.forward(prompt, 0, prompt.length);
                int[] produced = new int[expected.length];
                for (int i = 0; i < expected.length; i++) {
                    produced[i] = argmax(logits);
                    logits = session.forward(new int[] {produced[i]}, 0, 1);
                }
                assertThat(produced).as(c.get("prompt").asText()).containsExactly(expected);
                cases++;
            }
        }
        assertThat(cases).isEqualTo(8);
    }

    private static void assertTokenizations(Tokenizer tokenizer, JsonNode golden) {
        int checked = 0;
        for (JsonNode entry : golden.get("tokenization")) {
            assertThat(tokenizer.encode(entry.get("text").asText(), false, true)).as(entry.get("text").asText())
                    .containsExactly(ints(entry.get("tokens_no_special")));
            checked++;
        }
        for (JsonNode entry : golden.get("generation")) {
            assertThat(tokenizer.encode(entry.get("prompt").asText(), true, true)).as(entry.get("prompt").asText())
                    .containsExactly(ints(entry.get("prompt_tokens_with_bos")));
            checked++;
        }
        assertThat(checked).isEqualTo(16);
    }

    private static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }

    private static int[] ints(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).mapToInt(JsonNode::asInt).toArray();
    }
}
