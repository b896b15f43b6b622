package dev.basalt.platform.embeddings;

import java.util.Arrays;
import java.util.Objects;

/**
 * The result of one {@link EmbeddingModel#embed} call: one vector per input, in input order, and how many tokens the
 * model read for each input (after truncation, counting special tokens and any query instruction). Bedrock reports
 * these as {@code inputTextTokenCount}, OpenAI as {@code usage.prompt_tokens}.
 */
public record Embeddings(float[][] vectors, int[] tokenCounts) {

    public Embeddings {
        Objects.requireNonNull(vectors, "vectors");
        Objects.requireNonNull(tokenCounts, "tokenCounts");
        if (vectors.length != tokenCounts.length) {
            throw new IllegalArgumentException(
                    vectors.length + " vectors but " + tokenCounts.length + " token counts");
        }
    }

    public int size() {
        return vectors.length;
    }

    /** The vector of input {@code i}. */
    public float[] vector(int i) {
        return vectors[i];
    }

    /** Tokens read for all inputs together. */
    public long totalTokens() {
        return Arrays.stream(tokenCounts).asLongStream().sum();
    }
}
