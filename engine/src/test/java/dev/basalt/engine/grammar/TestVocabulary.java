package dev.basalt.engine.grammar;

import dev.basalt.engine.tokenizer.Vocabulary;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A vocabulary for tests: control tokens (BOS, EOS, EOT, a chat marker), all 256 single bytes, and multi-byte
 * tokens that cross JSON structure (`{"`, `":`, `"}]`), split UTF-8 characters, escapes and whitespace runs.
 */
final class TestVocabulary implements Vocabulary {
    static final int BOS = 0;
    static final int EOS = 1;
    static final int EOT = 2;
    static final int CHAT_MARKER = 3;
    private static final int FIRST_BYTE_TOKEN = 4;

    private final List<byte[]> tokens = new ArrayList<>();

    private TestVocabulary() {
        for (int i = 0; i < FIRST_BYTE_TOKEN; i++) {
            tokens.add(new byte[0]);
        }
        for (int b = 0; b < 256; b++) {
            tokens.add(new byte[] {(byte) b});
        }
    }

    /** The base vocabulary plus the hand-picked JSON-ish pieces. */
    static TestVocabulary standard() {
        TestVocabulary v = new TestVocabulary();
        for (String s : List.of("{\"", "\":", "\",", "\"}", "\"}]", "}}", "\":\"", ", ", ": ", "  ", "\n", "\n  ",
                "true", "false", "null", "tr", "ue", "nu", "ll", " \"", "\\\"", "\\u", "00e9", "d83d", "\\n",
                "é", "日本", "12", "3.5", "e+", "-1", "0.", "01", "\"name\"", "name", "age", "tags", "id", "\"]",
                "[\"", "[1", ",\"", "abc", "red", "green", "\"red\"", "{}", "[]", "\"\"", "0", "1e5", "ok",
                "kind", "\"kind\":", "value", "items")) {
            v.add(s.getBytes(StandardCharsets.UTF_8));
        }
        byte[] ja = "日".getBytes(StandardCharsets.UTF_8);
        v.add(new byte[] {ja[0], ja[1]}); // first two bytes of a 3-byte character
        v.add(new byte[] {ja[2], '"'}); // its last byte and a closing quote
        v.add(new byte[] {(byte) 0xC0, (byte) 0x80}); // overlong: never valid
        v.add("{\"".getBytes(StandardCharsets.UTF_8)); // a duplicate of an earlier token
        return v;
    }

    /** A synthetic vocabulary of {@code size} tokens: the standard one padded with random printable words. */
    static TestVocabulary synthetic(int size, long seed) {
        TestVocabulary v = standard();
        Random rnd = new Random(seed);
        String alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 _-.,:;\"{}[]éü日本";
        while (v.tokens.size() < size) {
            int length = 2 + rnd.nextInt(9);
            StringBuilder sb = new StringBuilder(rnd.nextInt(3) == 0 ? " " : "");
            for (int i = 0; i < length; i++) {
                sb.append(alphabet.charAt(rnd.nextInt(rnd.nextInt(4) == 0 ? alphabet.length() : 52)));
            }
            v.add(sb.toString().getBytes(StandardCharsets.UTF_8));
        }
        return v;
    }

    private void add(byte[] bytes) {
        tokens.add(bytes);
    }

    int byteToken(int b) {
        return FIRST_BYTE_TOKEN + b;
    }

    @Override
    public int size() {
        return tokens.size();
    }

    @Override
    public byte[] tokenBytes(int tokenId) {
        return tokens.get(tokenId).clone();
    }

    @Override
    public boolean isControl(int tokenId) {
        return tokenId < FIRST_BYTE_TOKEN;
    }

    @Override
    public boolean isEndOfGeneration(int tokenId) {
        return tokenId == EOS || tokenId == EOT;
    }
}
