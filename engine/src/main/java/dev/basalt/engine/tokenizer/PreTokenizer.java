package dev.basalt.engine.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The regex splitting that byte-level BPE applies before merging, selected by {@code tokenizer.ggml.pre}.
 * The expressions are the ones llama.cpp and the models' Hugging Face tokenizer.json use. They run with
 * {@link Pattern#UNICODE_CHARACTER_CLASS} so that {@code \s} means Unicode white space, as in Hugging Face's
 * Rust regex engine (Java's default {@code \s} is ASCII only). The contraction alternatives are spelled
 * {@code '[sS]} rather than {@code (?i:'s)} because Java's Unicode case-insensitive matching would also accept
 * the long s (U+017F) and the Kelvin sign, which llama.cpp does not.
 */
public enum PreTokenizer {
    /**
     * GPT-2's expression; {@code tokenizer.ggml.pre} absent, {@code default}, {@code gpt-2} or {@code gpt2}.
     * For absent/{@code default} llama.cpp warns and applies an older chain of four expressions; Basalt uses
     * GPT-2's, which is what converted GPT-2-style models without a pre name were trained with.
     */
    GPT2("'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+"),
    /** Llama 3 ({@code llama-bpe}): case-insensitive contractions, digits in groups of up to three. */
    LLAMA3(contractions() + "|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*"
            + "|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"),
    /** Qwen2: as Llama 3 but every digit is its own piece. */
    QWEN2(contractions() + "|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*"
            + "|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"),
    /** SmolLM: every digit isolated first, then GPT-2's expression on the rest. */
    SMOLLM("\\p{N}", GPT2.patterns[0].pattern());

    private final Pattern[] patterns;

    PreTokenizer(String... regexes) {
        patterns = new Pattern[regexes.length];
        for (int i = 0; i < regexes.length; i++) {
            patterns[i] = Pattern.compile(regexes[i], Pattern.UNICODE_CHARACTER_CLASS);
        }
    }

    private static String contractions() {
        return "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])";
    }

    /** The {@code tokenizer.ggml.pre} values this class understands, for error messages. */
    static final String SUPPORTED = "default (or absent), gpt-2, gpt2, llama-bpe, llama3, qwen2, smollm";

    static PreTokenizer fromGgufName(String name) {
        return switch (name == null ? "default" : name) {
            case "default", "gpt-2", "gpt2" -> GPT2;
            case "llama-bpe", "llama3" -> LLAMA3;
            case "qwen2" -> QWEN2;
            case "smollm" -> SMOLLM;
            default -> throw new TokenizerFormatException("unsupported tokenizer.ggml.pre '" + name
                    + "'; supported: " + SUPPORTED);
        };
    }

    /** The name written to {@code tokenizer.ggml.pre} for this variant. */
    public String ggufName() {
        return switch (this) {
            case GPT2 -> "gpt-2";
            case LLAMA3 -> "llama-bpe";
            case QWEN2 -> "qwen2";
            case SMOLLM -> "smollm";
        };
    }

    /** The regular expressions applied in sequence; every piece of one split is split again by the next. */
    public List<String> regexes() {
        return java.util.Arrays.stream(patterns).map(Pattern::pattern).toList();
    }

    /**
     * Splits text into pieces that BPE merges independently. Text between matches is kept as a piece too
     * (Hugging Face's "isolated" split behaviour), so no input character is ever dropped.
     */
    List<String> split(String text) {
        List<String> pieces = List.of(text);
        for (Pattern pattern : patterns) {
            List<String> next = new ArrayList<>();
            for (String piece : pieces) {
                splitOne(pattern, piece, next);
            }
            pieces = next;
        }
        return pieces;
    }

    private static void splitOne(Pattern pattern, String text, List<String> out) {
        Matcher m = pattern.matcher(text);
        int last = 0;
        while (m.find()) {
            if (m.start() > last) {
                out.add(text.substring(last, m.start()));
            }
            if (m.end() > m.start()) {
                out.add(m.group());
            }
            last = m.end();
        }
        if (last < text.length()) {
            out.add(text.substring(last));
        }
    }
}
