package dev.basalt.engine.tokenizer;

/** The {@code tokenizer.ggml.*} metadata of a model file is missing, inconsistent or unsupported. */
public final class TokenizerFormatException extends IllegalArgumentException {
    public TokenizerFormatException(String message) {
        super(message);
    }
}
