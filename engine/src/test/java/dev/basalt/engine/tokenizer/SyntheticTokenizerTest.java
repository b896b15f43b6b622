package dev.basalt.engine.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.engine.gguf.GgufFile;
import dev.basalt.engine.gguf.GgufWriter;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Synthetic vocabularies for benchmark models: exact size, consistent merges, lossless round trip. */
class SyntheticTokenizerTest {
    @TempDir
    Path dir;

    static Tokenizer load(SyntheticTokenizer synthetic, Path file) throws Exception {
        GgufWriter writer = new GgufWriter();
        synthetic.writeTo(writer);
        writer.write(file);
        try (GgufFile gguf = GgufFile.open(file)) {
            assertThat(gguf.getString("tokenizer.ggml.model")).isEqualTo("gpt2");
            return Tokenizer.fromGguf(gguf); // fails on a merge naming a missing token or result
        }
    }

    @Test
    void llama3() throws Exception {
        SyntheticTokenizer synthetic = SyntheticTokenizer.llama3();
        Tokenizer tokenizer = load(synthetic, dir.resolve("llama3.gguf"));
        assertThat(tokenizer.size()).isEqualTo(128256);
        assertThat(tokenizer.preTokenizer()).isEqualTo(PreTokenizer.LLAMA3);
        assertThat(tokenizer.tokenId("<|begin_of_text|>")).hasValue(128000);
        assertThat(tokenizer.tokenId("<|end_of_text|>")).hasValue(128001);
        assertThat(tokenizer.tokenId("<|eot_id|>")).hasValue(128009);
        assertThat(tokenizer.tokenId("<|reserved_special_token_247|>")).hasValue(128255);
        assertThat(tokenizer.bos()).isEqualTo(128000);
        assertThat(tokenizer.addBosByDefault()).isTrue();
        assertThat(tokenizer.isEndOfGeneration(128009)).isTrue();
        assertThat(tokenizer.isEndOfGeneration(128001)).isTrue();
        assertThat(tokenizer.isControl(128100)).isTrue();
        int[] header = tokenizer.encode("<|start_header_id|>user<|end_header_id|>", true, true);
        assertThat(header).startsWith(128000, 128006).endsWith(128007);
        assertThat(tokenizer.decode(header)).isEqualTo("user");
        assertConsistent(synthetic);
        assertRoundTrips(tokenizer);
        // Common words of the embedded text are single tokens.
        assertThat(tokenizer.encode(" the", false, false)).hasSize(1);
    }

    @Test
    void smolLm() throws Exception {
        SyntheticTokenizer synthetic = SyntheticTokenizer.smolLm();
        Tokenizer tokenizer = load(synthetic, dir.resolve("smollm.gguf"));
        assertThat(tokenizer.size()).isEqualTo(49152);
        assertThat(tokenizer.preTokenizer()).isEqualTo(PreTokenizer.SMOLLM);
        assertThat(tokenizer.tokenId("<|endoftext|>")).hasValue(0);
        assertThat(tokenizer.tokenId("<|im_start|>")).hasValue(1);
        assertThat(tokenizer.tokenId("<|im_end|>")).hasValue(2);
        assertThat(tokenizer.isEndOfGeneration(2)).isTrue();
        assertThat(tokenizer.isEndOfGeneration(0)).isTrue();
        assertThat(tokenizer.encode("<|im_start|>user\nhi<|im_end|>", false, true)).startsWith(1).endsWith(2);
        assertConsistent(synthetic);
        assertRoundTrips(tokenizer);
    }

    private static void assertConsistent(SyntheticTokenizer synthetic) {
        List<String> tokens = synthetic.tokens();
        HashSet<String> texts = new HashSet<>(tokens);
        assertThat(texts).as("token texts are unique").hasSize(tokens.size());
        // Plain set lookups: AssertJ's contains() on a set scans it, which is too slow for 128k merges.
        List<String> broken = synthetic.merges().stream().filter(merge -> {
            String[] parts = merge.split(" ", -1);
            return parts.length != 2 || !texts.contains(parts[0]) || !texts.contains(parts[1])
                    || !texts.contains(parts[0] + parts[1]);
        }).toList();
        assertThat(broken).as("merges naming a missing token").isEmpty();
        int textTokens = (int) tokens.stream().filter(t -> !t.startsWith("<|")).count();
        assertThat(synthetic.merges().size()).isGreaterThanOrEqualTo(textTokens - 256);
    }

    private static void assertRoundTrips(Tokenizer tokenizer) {
        Random random = new Random(42);
        for (int i = 0; i < 300; i++) {
            StringBuilder text = new StringBuilder(RandomText.generate(random, 20));
            for (int j = random.nextInt(20); j > 0; j--) {
                text.appendCodePoint(RandomText.randomCodePoint(random));
            }
            String s = text.toString().replace("<|", "<");
            assertThat(tokenizer.decode(tokenizer.encode(s, false, false))).isEqualTo(s);
        }
    }
}
