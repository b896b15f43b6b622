package dev.basalt.engine.tokenizer;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.basalt.engine.gguf.GgufArray;
import dev.basalt.engine.gguf.GgufValueType;
import dev.basalt.engine.gguf.GgufWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Broken {@code tokenizer.ggml.*} metadata fails to load with a message that names the problem. */
class MalformedTokenizerMetadataTest {
    @TempDir
    Path dir;

    private void assertRejected(GgufWriter writer, Consumer<GgufWriter> breakIt, String... messageParts) {
        assertThatThrownBy(() -> TinyVocabularies.load(writer, breakIt, dir.resolve("bad.gguf")))
                .isInstanceOf(TokenizerFormatException.class)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContainingAll(messageParts);
    }

    private static final SyntheticTokenizer SMALL =
            SyntheticTokenizer.of(400, PreTokenizer.GPT2, Map.of(399, "<|endoftext|>"), "the cat and the hat and the bat");

    private static GgufWriter byteLevel() {
        GgufWriter writer = new GgufWriter();
        SMALL.writeTo(writer);
        return writer;
    }

    private static GgufArray strings(String... values) {
        return new GgufArray(GgufValueType.STRING, values);
    }

    @Test
    void missingOrUnknownModel() {
        assertRejected(new GgufWriter().putArray("tokenizer.ggml.tokens", strings("a")), w -> { },
                "missing metadata key 'tokenizer.ggml.model'");
        assertRejected(TinyVocabularies.sentencePiece(), w -> w.putString("tokenizer.ggml.model", "bert"),
                "unsupported tokenizer.ggml.model 'bert'", "llama", "gpt2");
    }

    @Test
    void missingOrEmptyTokens() {
        assertRejected(new GgufWriter().putString("tokenizer.ggml.model", "llama"), w -> { },
                "missing metadata key 'tokenizer.ggml.tokens'");
        assertRejected(TinyVocabularies.sentencePiece(), w -> w.putArray("tokenizer.ggml.tokens", strings()),
                "tokenizer.ggml.tokens is empty");
        assertRejected(TinyVocabularies.sentencePiece(), w -> w.putArray("tokenizer.ggml.tokens",
                new GgufArray(GgufValueType.INT32, new int[] {1, 2})), "'tokenizer.ggml.tokens' is not an array of strings");
    }

    @Test
    void scoresOrTypesOfTheWrongLength() {
        assertRejected(TinyVocabularies.sentencePiece(), w -> w.putArray("tokenizer.ggml.scores",
                new GgufArray(GgufValueType.FLOAT32, new float[3])), "'tokenizer.ggml.scores' has 3 entries", "has 268");
        assertRejected(TinyVocabularies.sentencePiece(), w -> w.putArray("tokenizer.ggml.token_type",
                new GgufArray(GgufValueType.INT32, new int[5])), "'tokenizer.ggml.token_type' has 5 entries");
        int[] types = new int[268];
        types[7] = 9;
        assertRejected(TinyVocabularies.sentencePiece(), w -> w.putArray("tokenizer.ggml.token_type",
                new GgufArray(GgufValueType.INT32, types)), "token 7 has token_type 9");
    }

    @Test
    void badSpecialIdsAndByteTokens() {
        assertRejected(TinyVocabularies.sentencePiece(), w -> w.putUInt32("tokenizer.ggml.bos_token_id", 5000),
                "'tokenizer.ggml.bos_token_id' = 5000 is not a token id");
        String[] tokens = new String[268];
        java.util.Arrays.fill(tokens, "x");
        tokens[3] = "<0xZZ>";
        assertRejected(TinyVocabularies.sentencePiece(), w -> w.putArray("tokenizer.ggml.tokens", strings(tokens)),
                "token 3 '<0xZZ>' has type byte but is not of the form <0xXX>");
    }

    @Test
    void brokenMerges() {
        assertRejected(byteLevel(), w -> w.putArray("tokenizer.ggml.merges", strings(SMALL.merges().get(0), "q zz")),
                "merge 1 'q zz' names 'zz', which is not in tokenizer.ggml.tokens");
        assertRejected(byteLevel(), w -> w.putArray("tokenizer.ggml.merges", strings("th")),
                "merge 0 'th' is not two tokens separated by a space");
        assertRejected(byteLevel(), w -> w.putArray("tokenizer.ggml.merges", strings("Q Q")),
                "merge 0 'Q Q' names 'QQ'");
        GgufWriter noMerges = new GgufWriter()
                .putString("tokenizer.ggml.model", "gpt2")
                .putArray("tokenizer.ggml.tokens", strings("a", "b"));
        assertRejected(noMerges, w -> { }, "needs tokenizer.ggml.merges");
    }

    @Test
    void unknownPreTokenizerOrIncompleteByteAlphabet() {
        assertRejected(byteLevel(), w -> w.putString("tokenizer.ggml.pre", "deepseek-coder"),
                "unsupported tokenizer.ggml.pre 'deepseek-coder'", "llama-bpe", "qwen2", "smollm");
        GgufWriter lettersOnly = new GgufWriter()
                .putString("tokenizer.ggml.model", "gpt2")
                .putArray("tokenizer.ggml.tokens", strings("a", "b", "ab"))
                .putArray("tokenizer.ggml.merges", strings("a b"));
        assertRejected(lettersOnly, w -> { }, "byte-level vocabulary has no token for byte 0x00");
    }
}
