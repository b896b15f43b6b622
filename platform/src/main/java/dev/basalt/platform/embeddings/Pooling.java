package dev.basalt.platform.embeddings;

/** How a sentence vector is formed from a transformer's per-token hidden states. */
public enum Pooling {
    /** The mean of the hidden states of the real (unpadded) tokens: sentence-transformers' all-MiniLM models. */
    MEAN,
    /** The hidden state of the first token ([CLS]): BAAI's bge models. */
    CLS
}
