package dev.basalt.engine.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.basalt.engine.gguf.GgufFile;
import dev.basalt.engine.gguf.GgufWriter;
import dev.basalt.testkit.ReferenceData;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The heap-based merge loop against {@link NaiveBpe} on long random inputs, and a guard against quadratic
 * behaviour: 100 KB must encode in seconds (it takes milliseconds; an O(n²) merge loop would take minutes).
 */
class FastVersusNaiveBpeTest {
    @TempDir
    Path dir;

    @Test
    void sentencePieceMatchesNaiveLoopOnLongRandomText() throws Exception {
        try (GgufFile gguf = GgufFile.open(ReferenceData.require("models/llama-2-tiny-random.gguf"))) {
            Tokenizer tokenizer = Tokenizer.fromGguf(gguf);
            NaiveBpe naive = new NaiveBpe(gguf);
            Random random = new Random(1);
            for (int i = 0; i < 5; i++) {
                String text = RandomText.generate(random, 800).replace("</s>", "").replace("<s>", "");
                assertThat(tokenizer.encode(text, false, false))
                        .as("text %d (%d chars)", i, text.length())
                        .containsExactly(naive.encodeSentencePiece(text).stream().mapToInt(Integer::intValue).toArray());
            }
        }
    }

    @Test
    void byteLevelMatchesNaiveLoopOn100KbOfRandomText() throws Exception {
        for (PreTokenizer pre : PreTokenizer.values()) {
            Path file = dir.resolve(pre + ".gguf");
            GgufWriter writer = new GgufWriter();
            SyntheticTokenizer.of(3000, pre, java.util.Map.of(2999, "<|endoftext|>"), RandomText.generate(new Random(5), 20_000))
                    .writeTo(writer);
            writer.write(file);
            try (GgufFile gguf = GgufFile.open(file)) {
                Tokenizer tokenizer = Tokenizer.fromGguf(gguf);
                NaiveBpe naive = new NaiveBpe(gguf);
                String text = longText(new Random(pre.ordinal()));
                int[] expected = naive.encodeByteLevel(text, pre).stream().mapToInt(Integer::intValue).toArray();
                assertThat(tokenizer.encode(text, false, false)).as(pre.name()).containsExactly(expected);
            }
        }
    }

    @Test
    void hundredKilobytesEncodeWithoutQuadraticBlowUp() throws Exception {
        String text = longText(new Random(3));
        try (GgufFile gguf = GgufFile.open(ReferenceData.require("models/llama-2-tiny-random.gguf"))) {
            Tokenizer tokenizer = Tokenizer.fromGguf(gguf);
            // SentencePiece writes spaces as ▁, so a ▁ in the input cannot survive the round trip.
            String plain = text.replace('\u2581', '_');
            // One long run without spaces is the worst case for SentencePiece, which does not pre-split.
            String noSpaces = plain.replaceAll("\\s", "x");
            for (String input : new String[] {plain, noSpaces}) {
                int[] ids = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> tokenizer.encode(input, true, false));
                assertThat(ids.length).isBetween(input.length() / 20, input.length() * 4);
                assertThat(tokenizer.decode(ids)).isEqualTo(input);
            }
        }
        Tokenizer llama3 = SyntheticTokenizerTest.load(SyntheticTokenizer.llama3(), dir.resolve("l3.gguf"));
        int[] ids = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> llama3.encode(text, false, false));
        assertThat(llama3.decode(ids)).isEqualTo(text);
    }

    /** About 100 KB of tricky text. */
    private static String longText(Random random) {
        StringBuilder text = new StringBuilder();
        while (text.length() < 100_000) {
            text.append(RandomText.generate(random, 100));
        }
        return text.toString();
    }

}
