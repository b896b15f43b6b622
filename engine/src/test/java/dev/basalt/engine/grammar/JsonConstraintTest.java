package dev.basalt.engine.grammar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class JsonConstraintTest {
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();
    private static final ObjectMapper LENIENT_JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    static final List<String> SCHEMAS = List.of(
            """
            {"type":"object","properties":{
               "name":{"type":"string","maxLength":12},
               "age":{"type":"integer"},
               "tags":{"type":"array","items":{"type":"string","enum":["red","green","blue"]},"minItems":1,"maxItems":3},
               "ok":{"type":"boolean"}},
             "required":["name","tags"],"additionalProperties":false}
            """,
            """
            {"type":"array","items":{"anyOf":[{"type":"number"},{"type":"null"},{"type":"string","maxLength":5},
               {"const":true}]},"maxItems":6}
            """,
            """
            {"type":"object","properties":{
               "kind":{"enum":["a","b",1,12,null,{"x":[1,2]}]},
               "value":{"type":["string","null"],"minLength":2,"maxLength":4},
               "items":{"type":"array","maxItems":2,"items":{"type":"object","properties":{
                   "id":{"type":"integer"},"name":{"type":"string","maxLength":3}},"required":["id"]}}},
             "required":["kind","items"]}
            """,
            """
            {"type":"object","properties":{"a":{"type":"number"},"b":{"type":"number"},"c":{}},"required":[]}
            """,
            """
            {"anyOf":[{"type":"integer"},{"type":"boolean"}]}
            """,
            """
            {"type":"object","properties":{"id":{"type":"object","properties":{"id":{"type":"object",
              "properties":{"id":{"type":"array","maxItems":2,"items":{"type":"object"}}}}}}},"required":["id"]}
            """);

    private static final TestVocabulary VOCAB = TestVocabulary.standard();
    private static final TokenTrie TRIE = TokenTrie.build(VOCAB);

    /** Feeds raw bytes (not tokens) through a fresh automaton. */
    private static JsonMatcher feed(JsonConstraint c, String text) {
        JsonMatcher m = new JsonMatcher(c.grammar());
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            if (!m.advance(b & 0xFF)) {
                return null;
            }
        }
        return m;
    }

    private static boolean complete(JsonConstraint c, String text) {
        JsonMatcher m = feed(c, text);
        return m != null && m.isComplete();
    }

    @Test
    void acceptsValidAndRefusesInvalidByteStrings() {
        JsonConstraint c = JsonSchemaGrammar.compile(SCHEMAS.get(0));
        assertThat(complete(c, "{\"name\":\"Ann\",\"tags\":[\"red\"]}")).isTrue();
        assertThat(complete(c, " { \"name\" : \"Ann\" , \"age\": -12, \"tags\": [\"red\",\"blue\"], \"ok\":true}\n"))
                .isTrue();
        assertThat(feed(c, "{\"tags\":[\"red\"]")).as("required name must come first").isNull();
        assertThat(feed(c, "{\"name\":\"Ann\"}")).as("tags is required").isNull();
        assertThat(feed(c, "{\"name\":\"Ann\",\"age\":1.5")).as("integer").isNull();
        assertThat(feed(c, "{\"name\":\"Ann\",\"age\":01")).as("leading zero").isNull();
        assertThat(feed(c, "{\"name\":\"0123456789abc\"")).as("maxLength 12").isNull();
        assertThat(complete(c, "{\"name\":\"日本語\\u00e9\\n\",\"tags\":[\"green\",\"red\",\"red\"]}")).isTrue();
        assertThat(feed(c, "{\"name\":\"a\",\"tags\":[\"red\",\"red\",\"red\",")).as("maxItems 3").isNull();
        assertThat(feed(c, "{\"name\":\"\\ud800")).as("lone surrogate escape").isNull();
        assertThat(feed(c, "{     \"")).as("at most 4 whitespace bytes").isNull();
        assertThat(complete(c, "{\"name\":\"a\",\"tags\":[\"red\"]}     ")).isFalse();

        JsonConstraint any = JsonSchemaGrammar.anyObject();
        assertThat(complete(any, "{\"a\":[1,{\"b\":null},\"x\",-0.5e+3,true],\"\":{}}")).isTrue();
        assertThat(feed(any, "[1]")).isNull();
        assertThat(feed(any, "{\"a\":tru ")).isNull();

        JsonConstraint number = JsonSchemaGrammar.compile("{\"type\":\"number\"}");
        assertThat(complete(number, "-1.25E-7")).isTrue();
        assertThat(complete(number, "1.")).isFalse();
        assertThat(feed(number, "1.2.")).isNull();

        JsonConstraint enums = JsonSchemaGrammar.compile("{\"enum\":[1,12,\"a\"]}");
        assertThat(complete(enums, "1")).isTrue();
        assertThat(complete(enums, "12")).isTrue();
        assertThat(feed(enums, "123")).isNull();
        assertThat(complete(enums, "\"a\"")).isTrue();
    }

    @Test
    void everyDeclaredFormIsReachable() throws Exception {
        JsonConstraint c = JsonSchemaGrammar.compile(SCHEMAS.get(2));
        for (String doc : List.of(
                "{\"kind\":\"a\",\"items\":[]}",
                "{\"kind\":12,\"value\":null,\"items\":[{\"id\":-3}]}",
                "{\"kind\":1,\"value\":\"abcd\",\"items\":[{\"id\":0,\"name\":\"xyz\"},{\"id\":7}]}",
                "{\"kind\":null,\"items\":[]}",
                "{\"kind\":{\"x\":[1,2]},\"items\":[]}")) {
            assertThat(complete(c, doc)).as(doc).isTrue();
            assertThat(SchemaValidator.validate(JSON.readTree(SCHEMAS.get(2)), JSON.readTree(doc))).isEmpty();
        }
        assertThat(feed(c, "{\"kind\":\"a\",\"value\":\"a\"\"")).as("minLength 2").isNull();
        assertThat(feed(c, "{\"kind\":2")).as("not in enum").isNull();
        JsonConstraint union = JsonSchemaGrammar.compile(
                "{\"anyOf\":[{\"type\":\"integer\"},{\"type\":\"number\"},{\"enum\":[\"a\\\"b\",\"line\\nx\",\"é\"]}]}");
        assertThat(complete(union, "2.5")).as("number wins over integer").isTrue();
        assertThat(complete(union, "\"a\\\"b\"")).isTrue();
        assertThat(complete(union, "\"line\\nx\"")).isTrue();
        assertThat(complete(union, "\"é\"")).isTrue();
        assertThat(feed(union, "\"b")).isNull();
        JsonConstraint nullable = JsonSchemaGrammar.compile("{\"type\":[\"string\",\"null\"],\"maxLength\":1}");
        assertThat(complete(nullable, "null")).isTrue();
        assertThat(complete(nullable, "\"日\"")).as("maxLength counts characters, not bytes").isTrue();
        assertThat(feed(nullable, "\"ab")).isNull();
    }

    @Test
    void deepFreeFormNestingStopsOpeningContainersButNeverDeadEnds() {
        JsonConstraint any = JsonSchemaGrammar.anyObject();
        StringBuilder text = new StringBuilder("{\"a\":");
        JsonMatcher m = feed(any, text.toString());
        int opened = 1;
        while (m.advance('[')) {
            opened++;
        }
        assertThat(opened).as("frames: the root, the containers, one scalar").isEqualTo(JsonMatcher.MAX_DEPTH - 2);
        assertThat(m.advance('1')).as("a scalar still fits at the limit").isTrue();
        for (int i = 1; i < opened; i++) {
            assertThat(m.advance(']')).isTrue();
        }
        assertThat(m.advance('}')).isTrue();
        assertThat(m.isComplete()).isTrue();
    }

    @Test
    void rejectsInvalidUtf8InStrings() {
        JsonConstraint c = JsonSchemaGrammar.compile("{\"type\":\"string\"}");
        JsonMatcher m = new JsonMatcher(c.grammar());
        assertThat(m.advance('"')).isTrue();
        JsonMatcher copy = new JsonMatcher(c.grammar());
        for (int[] bad : new int[][] {{0xC0, 0x80}, {0xE0, 0x80}, {0xED, 0xA0}, {0xF4, 0x90}, {0xF5}, {0x80},
                {0x1F}, {0xE6, 0x41}}) {
            copy.copyFrom(m);
            boolean ok = true;
            for (int b : bad) {
                ok &= copy.advance(b);
            }
            assertThat(ok).as("bytes %s", java.util.Arrays.toString(bad)).isFalse();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 4, 5, -1})
    void randomWalksAlwaysProduceSchemaValidJsonAndMaskEqualsNaiveReference(int schemaIndex) throws Exception {
        boolean anyObject = schemaIndex < 0;
        JsonConstraint constraint = anyObject ? JsonSchemaGrammar.anyObject()
                : JsonSchemaGrammar.compile(SCHEMAS.get(schemaIndex));
        JsonNode schema = anyObject ? JSON.readTree("{\"type\":\"object\"}") : JSON.readTree(SCHEMAS.get(schemaIndex));
        Random rnd = new Random(100 + schemaIndex);
        int completed = 0;
        int walks = 60;
        for (int walk = 0; walk < walks; walk++) {
            ConstraintState state = constraint.newState(TRIE);
            ByteArrayOutputStream text = new ByteArrayOutputStream();
            boolean ended = false;
            for (int step = 0; step < 400 && !ended; step++) {
                float[] logits = new float[VOCAB.size()];
                state.mask(logits);
                List<Integer> allowed = new ArrayList<>();
                for (int t = 0; t < logits.length; t++) {
                    boolean masked = logits[t] == Float.NEGATIVE_INFINITY;
                    assertThat(!masked).as("mask vs allows for token %d after %s", t, text).isEqualTo(state.allows(t));
                    if (!masked) {
                        allowed.add(t);
                    }
                }
                assertThat(allowed).as("a dead end after %s", text).isNotEmpty();
                int token = choose(allowed, rnd, step);
                state.accept(token);
                ended = VOCAB.isEndOfGeneration(token);
                text.writeBytes(VOCAB.tokenBytes(token));
            }
            if (!ended) {
                continue;
            }
            completed++;
            String json = text.toString(StandardCharsets.UTF_8);
            // Free-form objects may repeat a key (a pushdown automaton cannot remember every key); JSON allows it.
            JsonNode value = anyObject ? LENIENT_JSON.readTree(json) : JSON.readTree(json);
            assertThat(SchemaValidator.validate(schema, value)).as("%s", json).isEmpty();
            assertThat(state.allows(VOCAB.byteToken(' '))).as("nothing after end of generation").isFalse();
        }
        assertThat(completed).as("walks that reached end of generation").isGreaterThan(walks / 2);
    }

    /** Random allowed token, biased towards ending (EOS when allowed, closing bytes later on) so walks finish. */
    private static int choose(List<Integer> allowed, Random rnd, int step) {
        for (int t : allowed) {
            if (VOCAB.isEndOfGeneration(t) && rnd.nextInt(3) > 0) {
                return t;
            }
        }
        if (step > 20 && rnd.nextInt(2) == 0) {
            List<Integer> closing = new ArrayList<>();
            for (int t : allowed) {
                String s = new String(VOCAB.tokenBytes(t), StandardCharsets.UTF_8);
                if (s.contains("\"") || s.contains("}") || s.contains("]") || VOCAB.isEndOfGeneration(t)) {
                    closing.add(t);
                }
            }
            if (!closing.isEmpty()) {
                return closing.get(rnd.nextInt(closing.size()));
            }
        }
        return allowed.get(rnd.nextInt(allowed.size()));
    }

    @Test
    void endOfGenerationOnlyWhenCompleteAndControlTokensNever() {
        ConstraintState s = JsonSchemaGrammar.compile("{\"type\":\"integer\"}").newState(TRIE);
        assertThat(s.allows(TestVocabulary.EOS)).isFalse();
        s.accept(VOCAB.byteToken('4'));
        assertThat(s.isComplete()).isTrue();
        assertThat(s.allows(TestVocabulary.EOS)).isTrue();
        assertThat(s.allows(TestVocabulary.EOT)).isTrue();
        assertThat(s.allows(TestVocabulary.CHAT_MARKER)).isFalse();
        assertThat(s.allows(TestVocabulary.BOS)).isFalse();
        assertThatThrownBy(() -> s.accept(VOCAB.byteToken('x'))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not allowed");
        assertThatThrownBy(() -> s.allows(VOCAB.size())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> s.mask(new float[3])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("vocabulary size");
    }

    @Test
    void sampleChecksFirstAndMasksOnlyWhenRefused() {
        var params = dev.basalt.engine.sampling.SamplingParams.greedy();
        var sampler = new dev.basalt.engine.sampling.Sampler(params, VOCAB.size());
        ConstraintState s = JsonSchemaGrammar.compile("{\"type\":\"boolean\"}").newState(TRIE);
        float[] logits = new float[VOCAB.size()];
        logits[VOCAB.byteToken('x')] = 10; // the model prefers garbage
        logits[VOCAB.byteToken('f')] = 5;
        assertThat(s.sample(sampler, logits)).isEqualTo(VOCAB.byteToken('f'));
        assertThat(logits[VOCAB.byteToken('x')]).isEqualTo(Float.NEGATIVE_INFINITY);
        float[] fresh = new float[VOCAB.size()];
        fresh[VOCAB.byteToken('a')] = 3; // "fa" is a prefix of false: allowed without masking
        fresh[VOCAB.byteToken('x')] = 1;
        assertThat(s.sample(sampler, fresh)).isEqualTo(VOCAB.byteToken('a'));
        assertThat(fresh[VOCAB.byteToken('x')]).as("no mask when the sampled token is allowed").isEqualTo(1f);
    }

    @Test
    void maskAllowsAndAcceptAllocateNothing() {
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        JsonConstraint c = JsonSchemaGrammar.compile(SCHEMAS.get(0));
        float[] logits = new float[VOCAB.size()];
        byte[] text = "{\"name\":\"abc\",\"age\":12,\"tags\":[\"red\"]}".getBytes(StandardCharsets.UTF_8);
        for (int round = 0; round < 3; round++) {
            ConstraintState s = c.newState(TRIE);
            long before = threads.getCurrentThreadAllocatedBytes();
            for (byte b : text) {
                s.mask(logits);
                for (int t = 0; t < VOCAB.size(); t++) {
                    s.allows(t);
                }
                s.accept(VOCAB.byteToken(b & 0xFF));
            }
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            if (round == 2) { // after warm-up
                assertThat(s.isComplete()).isTrue();
                assertThat(allocated).as("bytes allocated over %d steps", text.length).isLessThan(1_000);
            }
        }
    }

    @Test
    void badSchemasGetClearErrors() {
        assertError("{\"type\":\"string\",\"pattern\":\"a+\"}", "unsupported keyword 'pattern'");
        assertError("{\"type\":\"string\",\"format\":\"date\"}", "supported: type");
        assertError("{\"type\":\"object\"", "invalid JSON schema at offset");
        assertError("{\"type\":\"strung\"}", "unknown type 'strung'");
        assertError("{\"type\":\"object\",\"properties\":{\"a\":{}},\"required\":[\"b\"]}",
                "required property 'b' is not declared");
        assertError("{\"anyOf\":[{\"type\":\"object\"},{\"type\":\"object\",\"properties\":{}}]}",
                "more than one anyOf branch accepts objects");
        assertError("{\"anyOf\":[{\"type\":\"string\"},{\"const\":\"x\"}]}", "anyOf mixes the literal \"x\"");
        assertError("{\"type\":\"array\",\"minItems\":3,\"maxItems\":2}", "minItems 3 is greater than maxItems 2");
        assertError("{\"type\":\"array\",\"items\":[{}]}", "tuple-style items");
        assertError("{\"type\":\"string\",\"maxLength\":-1}", "maxLength must be a non-negative integer");
        assertError("{\"type\":\"integer\",\"enum\":[\"a\"]}", "no enum/const value has the declared type");
        assertError("{\"type\":\"object\",\"additionalProperties\":{\"type\":\"string\"}}", "additionalProperties");
        assertError("[1]", "a schema must be an object or true");
        String deep = "{}";
        for (int i = 0; i < 30; i++) {
            deep = "{\"properties\":{\"a\":" + deep + "}}";
        }
        assertError(deep, "nested deeper than 24");
        assertThatThrownBy(() -> JsonSchemaGrammar.compile(null)).isInstanceOf(IllegalArgumentException.class);
    }

    private static void assertError(String schema, String message) {
        assertThatThrownBy(() -> JsonSchemaGrammar.compile(schema)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }
}
