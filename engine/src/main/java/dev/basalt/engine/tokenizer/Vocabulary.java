package dev.basalt.engine.tokenizer;

/**
 * The token-to-bytes view of a model's vocabulary, which is what samplers and grammar-constrained decoding
 * need: the bytes each token appends to the output text. Bytes, not strings, because byte-level BPE and
 * SentencePiece byte-fallback tokens can hold part of a UTF-8 sequence.
 */
public interface Vocabulary {

    /** Number of token ids; valid ids are {@code 0 .. size() - 1}. */
    int size();

    /**
     * The UTF-8 bytes this token contributes to decoded text when it is not the first token of the output
     * (SentencePiece's leading-space marker already turned into a space). Control tokens (BOS, EOS,
     * chat markers) contribute no bytes and return an empty array.
     */
    byte[] tokenBytes(int tokenId);

    /** True for control/special tokens (BOS, EOS, EOT, chat markers) that are never part of plain text. */
    boolean isControl(int tokenId);

    /** Tokens that end a generation (EOS, EOT, end-of-turn markers). */
    boolean isEndOfGeneration(int tokenId);
}
