package dev.basalt.engine.tokenizer;

import static dev.basalt.engine.tokenizer.TinyVocabularies.id;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Special-token parsing, byte fallback, streaming decoding and the Vocabulary view, on a hand-made vocabulary. */
class TokenizerBehaviourTest {
    @TempDir
    Path dir;
    private Tokenizer tokenizer;

    @BeforeEach
    void load() throws Exception {
        tokenizer = TinyVocabularies.load(TinyVocabularies.sentencePiece(), dir.resolve("spm.gguf"));
    }

    private int[] ids(String... texts) {
        return java.util.Arrays.stream(texts).mapToInt(t -> id(tokenizer, t)).toArray();
    }

    @Test
    void mergesByScoreWithSpacePrefixAndByteFallback() {
        // "ab" (score 10) is merged before "▁a", then "abc"; "é" is not a token, so its two UTF-8 bytes are used.
        assertThat(tokenizer.encode("abc é", false, false))
                .containsExactly(ids("▁", "abc", "▁", "<0xC3>", "<0xA9>"));
        assertThat(tokenizer.encode("a", true, false)).containsExactly(ids("<s>", "▁a"));
        // SentencePiece defaults when the ids and flags are absent, as llama.cpp's.
        assertThat(new int[] {tokenizer.bos(), tokenizer.eos(), tokenizer.unk()}).containsExactly(1, 2, 0);
        assertThat(tokenizer.addBosByDefault()).isTrue();
    }

    @Test
    void controlTokensAreParsedOnlyOnRequestUserDefinedAlways() {
        int[] plain = tokenizer.encode("<|im_start|>a", false, false);
        assertThat(plain).doesNotContain(id(tokenizer, "<|im_start|>"));
        assertThat(tokenizer.decode(plain)).isEqualTo("<|im_start|>a");
        // After a special token llama.cpp starts the next text with the space prefix again.
        assertThat(tokenizer.encode("<|im_start|>a", false, true)).containsExactly(ids("<|im_start|>", "▁a"));
        assertThat(tokenizer.encode("a<tool>b", false, false)).containsExactly(ids("▁a", "<tool>", "▁", "b"));
        assertThat(tokenizer.encode("</s></s>", false, true)).containsExactly(ids("</s>", "</s>"));
    }

    @Test
    void decodingDropsOnlyTheFirstLeadingSpaceAndRendersNoControlTokens() {
        assertThat(tokenizer.decode(ids("<s>", "▁a", "▁", "b", "</s>"))).isEqualTo("a b");
        assertThat(tokenizer.decode(ids("▁", "▁a"))).isEqualTo(" a");
        assertThat(tokenizer.decode(ids("<tool>", "▁a"))).isEqualTo("<tool> a");
        assertThat(tokenizer.decode(ids("<unk>"))).isEqualTo("\u2585");
        assertThat(tokenizer.decode(new int[0])).isEmpty();
    }

    @Test
    void streamingHoldsBackIncompleteUtf8() {
        TokenDecoder decoder = tokenizer.newDecoder();
        assertThat(decoder.accept(id(tokenizer, "▁a"))).isEqualTo("a");
        // U+1F999 (🦙) is F0 9F A6 99.
        assertThat(decoder.accept(id(tokenizer, "<0xF0>"))).isEmpty();
        assertThat(decoder.accept(id(tokenizer, "<0x9F>"))).isEmpty();
        assertThat(decoder.accept(id(tokenizer, "<0xA6>"))).isEmpty();
        assertThat(decoder.accept(id(tokenizer, "<0x99>"))).isEqualTo("🦙");
        assertThat(decoder.accept(id(tokenizer, "<0xC3>"))).isEmpty();
        assertThat(decoder.finish()).isEqualTo("\uFFFD");
        // Invalid bytes are not held back forever.
        TokenDecoder invalid = tokenizer.newDecoder();
        assertThat(invalid.accept(id(tokenizer, "<0xFF>"))).isEqualTo("\uFFFD");
        assertThat(invalid.accept(id(tokenizer, "<0x80>"))).isEqualTo("\uFFFD");
        assertThat(invalid.accept(id(tokenizer, "b"))).isEqualTo("b");
    }

    @Test
    void streamedPiecesConcatenateToTheWholeDecode() {
        Random random = new Random(11);
        for (int i = 0; i < 200; i++) {
            String text = RandomText.generate(random, 15).replace('\u2581', '_');
            int[] ids = tokenizer.encode(text, random.nextBoolean(), false);
            TokenDecoder decoder = tokenizer.newDecoder();
            StringBuilder streamed = new StringBuilder();
            List<String> pieces = new ArrayList<>();
            for (int id : ids) {
                String piece = decoder.accept(id);
                pieces.add(piece);
                streamed.append(piece);
            }
            streamed.append(decoder.finish());
            assertThat(streamed.toString()).isEqualTo(tokenizer.decode(ids)).isEqualTo(text);
            // No piece ends inside a surrogate pair or holds a replacement character for a split sequence.
            assertThat(pieces).noneMatch(p -> p.contains("\uFFFD") || (!p.isEmpty()
                    && Character.isHighSurrogate(p.charAt(p.length() - 1))));
        }
    }

    @Test
    void vocabularyView() {
        assertThat(tokenizer.size()).isEqualTo(268);
        assertThat(tokenizer.tokenBytes(id(tokenizer, "▁a"))).isEqualTo(" a".getBytes(StandardCharsets.UTF_8));
        assertThat(tokenizer.tokenBytes(id(tokenizer, "<0xC3>"))).containsExactly((byte) 0xC3);
        assertThat(tokenizer.tokenBytes(id(tokenizer, "<s>"))).isEmpty();
        assertThat(tokenizer.isControl(id(tokenizer, "<|im_start|>"))).isTrue();
        assertThat(tokenizer.isControl(id(tokenizer, "<tool>"))).isFalse();
        assertThat(tokenizer.isEndOfGeneration(id(tokenizer, "</s>"))).isTrue();
        assertThat(tokenizer.isEndOfGeneration(id(tokenizer, "<s>"))).isFalse();
        assertThat(tokenizer.tokenType(id(tokenizer, "<tool>"))).isEqualTo(TokenType.USER_DEFINED);
        for (int bad : new int[] {-1, 268}) {
            assertThatThrownBy(() -> tokenizer.tokenBytes(bad)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("token id " + bad + " is outside the vocabulary of 268 tokens");
            assertThatThrownBy(() -> tokenizer.decode(new int[] {bad})).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
