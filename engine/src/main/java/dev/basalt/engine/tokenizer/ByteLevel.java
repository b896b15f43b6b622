package dev.basalt.engine.tokenizer;

import java.util.Arrays;

/**
 * GPT-2's reversible byte-to-character mapping, which byte-level BPE vocabularies (GPT-2, Llama 3, Qwen2, SmolLM)
 * use to store arbitrary bytes as printable token text: printable Latin-1 bytes map to themselves and the other
 * 68 bytes to U+0100 onwards, in byte order.
 */
final class ByteLevel {
    private static final char[] BYTE_TO_CHAR = new char[256];
    private static final int[] CHAR_TO_BYTE = new int[324];

    static {
        Arrays.fill(CHAR_TO_BYTE, -1);
        int next = 256;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            char c = printable ? (char) b : (char) next++;
            BYTE_TO_CHAR[b] = c;
            CHAR_TO_BYTE[c] = b;
        }
    }

    private ByteLevel() {
    }

    static char charOf(int unsignedByte) {
        return BYTE_TO_CHAR[unsignedByte];
    }

    /** The byte a mapped character stands for, or -1 when the character is not part of the mapping. */
    static int byteOf(int codePoint) {
        return codePoint >= 0 && codePoint < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[codePoint] : -1;
    }

    /** The token text of a byte string, e.g. {@code " the"} becomes {@code "Ġthe"}. */
    static String encode(byte[] bytes) {
        char[] chars = new char[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            chars[i] = BYTE_TO_CHAR[bytes[i] & 0xFF];
        }
        return new String(chars);
    }

    /**
     * The bytes a byte-level token text stands for. A character outside the mapping (seen in hand-added tokens)
     * is kept as its own UTF-8 bytes rather than rejected.
     */
    static byte[] decode(String text) {
        var out = new java.io.ByteArrayOutputStream(text.length());
        text.codePoints().forEach(cp -> {
            int b = byteOf(cp);
            if (b >= 0) {
                out.write(b);
            } else {
                out.writeBytes(Character.toString(cp).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
        });
        return out.toByteArray();
    }
}
