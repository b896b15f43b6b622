package dev.basalt.engine.tokenizer;

/** The token kinds of {@code tokenizer.ggml.token_type}, numbered as llama.cpp and gguf-py number them. */
public enum TokenType {
    UNDEFINED, NORMAL, UNKNOWN, CONTROL, USER_DEFINED, UNUSED, BYTE;

    static TokenType fromCode(int code, int tokenId) {
        if (code < 0 || code >= values().length) {
            throw new TokenizerFormatException("token " + tokenId + " has token_type " + code
                    + "; valid types are 0..6 (undefined, normal, unknown, control, user_defined, unused, byte)");
        }
        return values()[code];
    }

    /** Tokens that plain text is built from, so BPE merges may produce them. */
    boolean isText() {
        return this == NORMAL || this == UNDEFINED || this == USER_DEFINED;
    }

    /** Tokens whose text is matched as a whole in the input before BPE runs (llama.cpp's special-token cache). */
    boolean isSpecial() {
        return this == CONTROL || this == USER_DEFINED || this == UNKNOWN;
    }
}
