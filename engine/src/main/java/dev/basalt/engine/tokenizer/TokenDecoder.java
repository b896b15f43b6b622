package dev.basalt.engine.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Turns generated token ids into text as they arrive, for streaming responses. A token may end in the middle of
 * a UTF-8 sequence (byte-fallback and byte-level tokens), so bytes of an unfinished character are held back until
 * the token that completes it; an invalid sequence becomes U+FFFD. With a SentencePiece space prefix, the single
 * leading space of the first token that renders text is dropped (Hugging Face's Strip decoder, llama.cpp's
 * detokenizer); control tokens render as nothing. One instance per generation; not thread-safe.
 */
public final class TokenDecoder {
    private final Tokenizer tokenizer;
    private boolean dropLeadingSpace;
    private byte[] pending = new byte[16];
    private int pendingLength;

    TokenDecoder(Tokenizer tokenizer, boolean dropLeadingSpace) {
        this.tokenizer = tokenizer;
        this.dropLeadingSpace = dropLeadingSpace;
    }

    /** Adds one token and returns the text it completes (possibly empty). */
    public String accept(int tokenId) {
        byte[] piece = tokenizer.pieceOf(tokenId);
        int from = 0;
        if (dropLeadingSpace && piece.length > 0) {
            dropLeadingSpace = false;
            from = piece[0] == ' ' ? 1 : 0;
        }
        append(piece, from);
        int complete = completeLength();
        if (complete == 0) {
            return "";
        }
        String text = new String(pending, 0, complete, StandardCharsets.UTF_8);
        System.arraycopy(pending, complete, pending, 0, pendingLength - complete);
        pendingLength -= complete;
        return text;
    }

    /** Ends the generation: returns held-back bytes of an unfinished character, as U+FFFD. */
    public String finish() {
        String text = new String(pending, 0, pendingLength, StandardCharsets.UTF_8);
        pendingLength = 0;
        return text;
    }

    private void append(byte[] piece, int from) {
        int length = piece.length - from;
        if (pendingLength + length > pending.length) {
            pending = Arrays.copyOf(pending, Math.max(pending.length * 2, pendingLength + length));
        }
        System.arraycopy(piece, from, pending, pendingLength, length);
        pendingLength += length;
    }

    /**
     * How many pending bytes can be decoded now: all of them, unless they end with the lead byte of a multi-byte
     * sequence followed by fewer continuation bytes than it announces. Anything malformed is released at once.
     */
    private int completeLength() {
        // A UTF-8 sequence is at most 4 bytes, so an unfinished one starts within the last 3 bytes.
        for (int back = 1; back <= Math.min(3, pendingLength); back++) {
            int b = pending[pendingLength - back] & 0xFF;
            if ((b & 0xC0) == 0x80) {
                continue; // continuation byte: keep looking for the lead byte
            }
            int needed = b >= 0xF0 && b <= 0xF4 ? 4 : b >= 0xE0 ? (b < 0xF0 ? 3 : 1) : b >= 0xC2 ? 2 : 1;
            return needed > back ? pendingLength - back : pendingLength;
        }
        return pendingLength;
    }
}
