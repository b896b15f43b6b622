package dev.basalt.engine.tokenizer;

import java.util.List;
import java.util.Random;

/**
 * Random text that exercises tokenizers where they tend to disagree: words, runs of spaces, tabs and newlines
 * (including CR LF and Unicode spaces), digit runs, contractions in both cases, punctuation, letters of many
 * scripts, combining marks, emoji (surrogate pairs) and near-misses of special-token texts. Never lone surrogates.
 */
final class RandomText {
    private static final List<String> WORDS = List.of("the", "The", "little", "girl", "Lily", "played", "with",
            "a", "red", "ball", "and", "her", "dog", "said", "happy", "day", "once", "upon", "time", "Ben", "tree");
    private static final List<String> PIECES = List.of(" ", "  ", "   ", "\t", "\n", "\n\n", "\r\n", " \n ", "\u00A0",
            "\u3000", "\u2009", "'s", "'S", "'ll", "'LL", "'re", "'ve", "'m", "'d", "'D", "n't", "'", "\"", ".", ",",
            "!", "?", "...", "--", "(", ")", "$", "+", "=", "<", ">", "|", "^", "~", "_", "@", "#", "%", "&", "*",
            "<|", "|>", "<|im_", "<|end", "<s", "/s>", "<unk", "start_story|>", "<0x41>", "▁", "é", "ß", "ñ", "ü",
            "日本語", "中文", "한국어", "Ελληνικά", "русский", "עברית", "العربية", "हिन्दी", "ไทย", "e\u0301",
            "😀", "🦙", "👍🏽", "🇫🇷", "𝔘", "ﬁ", "Å", "ǅ", "ſ", "K", "İ", "0", "7", "42", "1234567", "3.14", "1,000",
            "٣", "Ⅻ", "½", "²");

    private RandomText() {
    }

    static String generate(Random random, int pieces) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < pieces; i++) {
            int kind = random.nextInt(10);
            if (kind < 4) {
                text.append(random.nextBoolean() ? " " : "").append(WORDS.get(random.nextInt(WORDS.size())));
            } else if (kind < 8) {
                text.append(PIECES.get(random.nextInt(PIECES.size())));
            } else if (kind < 9) {
                text.appendCodePoint(randomCodePoint(random));
            } else {
                text.append(random.nextInt(100_000));
            }
        }
        return text.toString();
    }

    /** Any assigned, non-surrogate, non-private code point, weighted towards the BMP. */
    static int randomCodePoint(Random random) {
        while (true) {
            int cp = random.nextInt(4) == 0 ? random.nextInt(0x20000) : random.nextInt(0x3000);
            int type = Character.getType(cp);
            if (Character.isDefined(cp) && type != Character.SURROGATE && type != Character.PRIVATE_USE
                    && type != Character.UNASSIGNED) {
                return cp;
            }
        }
    }
}
