package dev.basalt.engine.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.basalt.engine.gguf.GgufFile;
import dev.basalt.engine.gguf.GgufWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Byte-level BPE against Hugging Face tokenizers. No real byte-level tokenizer.json is in the reference data, so
 * each test learns a small vocabulary ({@link SyntheticTokenizer}), writes it both as GGUF metadata and as the
 * tokenizer.json a Hugging Face model of that family has (the models' own pre-tokenizer definitions, with the
 * original {@code (?i:'s|...)} regexes rather than Basalt's), and compares the two on tricky and random text.
 */
class ByteLevelOracleTest {
    private static final int SIZE = 1500;
    private static final Map<Integer, String> SPECIALS = Map.of(
            SIZE - 3, "<|endoftext|>", SIZE - 2, "<|im_start|>", SIZE - 1, "<|im_end|>");
    private static final String LLAMA3_REGEX = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|"
            + "\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    private static final String QWEN2_REGEX = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|"
            + "\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(PreTokenizer.class)
    void matchesHuggingFace(PreTokenizer pre) throws Exception {
        SyntheticTokenizer synthetic = SyntheticTokenizer.of(SIZE, pre, SPECIALS, trainingText());
        Path gguf = dir.resolve("tokenizer.gguf");
        GgufWriter writer = new GgufWriter();
        synthetic.writeTo(writer);
        writer.write(gguf);
        Tokenizer tokenizer;
        try (GgufFile file = GgufFile.open(gguf)) {
            tokenizer = Tokenizer.fromGguf(file);
        }
        Path json = dir.resolve("tokenizer.json");
        new ObjectMapper().writeValue(json.toFile(), huggingFaceJson(synthetic, pre));

        try (HuggingFaceOracle oracle = new HuggingFaceOracle(json)) {
            List<String> texts = new ArrayList<>(List.of("", " ", "Hello world", "  two  spaces  ", "tabs\t\tand\n\nnewlines\r\n",
                    "I'm sure they've said we'd DON'T It's", "numbers 1234567890 and 3.14 and ٣٤٥", "   \n  x",
                    "<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n", "<|im_start|", "<|endoftext|><|endoftext|>",
                    "日本語のテキスト", "emoji 🦙👍🏽🇫🇷!", "ſ's K'S İ'LL it'ſ", "a\u00A0b\u3000c\u2009d", "e\u0301\u0301", "x  \n"));
            Random random = new Random(pre.ordinal() * 31L + 7);
            for (int i = 0; i < 400; i++) {
                texts.add(RandomText.generate(random, 1 + random.nextInt(40)));
            }
            for (String text : texts) {
                int[] ours = tokenizer.encode(text, false, true);
                assertThat(ours).as("%s encode %s", pre, SentencePieceOracleTest.quoted(text))
                        .containsExactly(oracle.encode(text));
                assertThat(tokenizer.decode(ours)).as("%s decode %s", pre, SentencePieceOracleTest.quoted(text))
                        .isEqualTo(oracle.decode(ours));
            }
        }
    }

    /** Text rich in what pre-tokenizers disagree on, repeated so that its pairs are frequent enough to merge. */
    private static String trainingText() {
        Random random = new Random(99);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 60; i++) {
            text.append(RandomText.generate(random, 30)).append(" 2024 1234567 1,000 3.14 ... !!! \n\n   \t\t")
                    .append(" I'm it's we'll they've DON'T 'S 'LL ").append(i * 7919);
        }
        return text.toString();
    }

    private static Map<String, Object> huggingFaceJson(SyntheticTokenizer synthetic, PreTokenizer pre) {
        List<String> tokens = synthetic.tokens();
        Map<String, Integer> vocab = new LinkedHashMap<>();
        List<Map<String, Object>> added = new ArrayList<>();
        for (int id = 0; id < tokens.size(); id++) {
            vocab.put(tokens.get(id), id);
            if (synthetic.isSpecial(id)) {
                added.add(Map.of("id", id, "content", tokens.get(id), "single_word", false, "lstrip", false,
                        "rstrip", false, "normalized", false, "special", true));
            }
        }
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("type", "BPE");
        model.put("dropout", null);
        model.put("unk_token", null);
        model.put("continuing_subword_prefix", null);
        model.put("end_of_word_suffix", null);
        model.put("fuse_unk", false);
        model.put("byte_fallback", false);
        model.put("ignore_merges", pre == PreTokenizer.LLAMA3);
        model.put("vocab", vocab);
        model.put("merges", synthetic.merges());

        Map<String, Object> json = new LinkedHashMap<>();
        json.put("version", "1.0");
        json.put("truncation", null);
        json.put("padding", null);
        json.put("added_tokens", added);
        json.put("normalizer", null);
        json.put("pre_tokenizer", preTokenizerJson(pre));
        json.put("post_processor", null);
        json.put("decoder", byteLevel(true));
        json.put("model", model);
        return json;
    }

    private static Object preTokenizerJson(PreTokenizer pre) {
        return switch (pre) {
            case GPT2 -> byteLevel(true);
            case LLAMA3 -> sequence(split(LLAMA3_REGEX), byteLevel(false));
            case QWEN2 -> sequence(split(QWEN2_REGEX), byteLevel(false));
            case SMOLLM -> sequence(Map.of("type", "Digits", "individual_digits", true), byteLevel(true));
        };
    }

    private static Map<String, Object> sequence(Object... steps) {
        return Map.of("type", "Sequence", "pretokenizers", List.of(steps));
    }

    private static Map<String, Object> split(String regex) {
        return Map.of("type", "Split", "pattern", Map.of("Regex", regex), "behavior", "Isolated", "invert", false);
    }

    private static Map<String, Object> byteLevel(boolean useRegex) {
        return Map.of("type", "ByteLevel", "add_prefix_space", false, "trim_offsets", true, "use_regex", useRegex);
    }

}
