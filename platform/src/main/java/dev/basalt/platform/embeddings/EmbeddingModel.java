package dev.basalt.platform.embeddings;

import java.util.List;

/**
 * A text embedding model: turns texts into fixed-size vectors. Implementations are thread-safe: many requests may
 * embed at once on one instance.
 */
public interface EmbeddingModel {

    /** The Bedrock-style model id, e.g. {@code basalt.all-minilm-l6-v2}. */
    String id();

    /** Length of every vector this model returns. */
    int dimensions();

    /** Most tokens one input may have, counting the model's special tokens and any query instruction. */
    int maxInputTokens();

    /**
     * Embeds each text. Vectors come back in input order, L2-normalised (unit length).
     *
     * @param texts the inputs; an empty list gives an empty result, an empty string is a
     *     {@link dev.basalt.platform.errors.ValidationException} (no protocol accepts one)
     * @param kind whether the texts are search queries or documents; models with a query instruction prepend it
     *     to queries
     * @param truncation what to do with an input longer than {@link #maxInputTokens()}
     * @throws dev.basalt.platform.errors.ValidationException for an empty text, or a too-long text under
     *     {@link Truncation#FAIL}; the message names the input by its position
     */
    Embeddings embed(List<String> texts, InputKind kind, Truncation truncation);

    /** Whether the texts to embed are search queries or the documents searched. */
    enum InputKind {
        QUERY,
        DOCUMENT
    }

    /** What happens to an input longer than the model's token limit. */
    enum Truncation {
        /** Keep the first tokens that fit (the end of the text is dropped), as Bedrock and Cohere do by default. */
        TRUNCATE,
        /** Reject the request with a ValidationException. */
        FAIL
    }
}
