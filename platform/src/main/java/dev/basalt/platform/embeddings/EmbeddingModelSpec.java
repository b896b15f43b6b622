package dev.basalt.platform.embeddings;

import java.util.Objects;

/**
 * What a built-in ONNX embedding model is and where its files are.
 *
 * @param id the Bedrock-style model id
 * @param onnxResource classpath resource of the ONNX graph (input_ids, attention_mask[, token_type_ids] →
 *     last_hidden_state)
 * @param tokenizerResource classpath resource of the Hugging Face {@code tokenizer.json}
 * @param dimensions hidden size, the length of each vector
 * @param maxInputTokens most tokens per input, special tokens included
 * @param pooling how token states become one vector
 * @param queryInstruction text prepended to queries (never to documents), or the empty string for none
 */
public record EmbeddingModelSpec(
        String id,
        String onnxResource,
        String tokenizerResource,
        int dimensions,
        int maxInputTokens,
        Pooling pooling,
        String queryInstruction) {

    public EmbeddingModelSpec {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(onnxResource, "onnxResource");
        Objects.requireNonNull(tokenizerResource, "tokenizerResource");
        Objects.requireNonNull(pooling, "pooling");
        Objects.requireNonNull(queryInstruction, "queryInstruction");
        if (dimensions <= 0) {
            throw new IllegalArgumentException("dimensions must be positive: " + dimensions);
        }
        if (maxInputTokens < 2) {
            throw new IllegalArgumentException("maxInputTokens must leave room for [CLS] and [SEP]: " + maxInputTokens);
        }
    }
}
