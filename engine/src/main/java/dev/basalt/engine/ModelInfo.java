package dev.basalt.engine;

/**
 * What the platform needs to know about a loaded model.
 *
 * @param name            {@code general.name}, or the file name
 * @param architecture    GGUF architecture (llama, qwen2, qwen3)
 * @param contextLength   positions a sequence may use (the configured window, at most the model's)
 * @param parameterCount  number of weights
 * @param quantization    the dominant weight format (e.g. Q8_0, Q4_K)
 * @param chatTemplate    {@code tokenizer.chat_template}, or null when the file has none
 * @param bosToken        text of the beginning-of-sequence token, or null
 * @param eosToken        text of the end-of-sequence token, or null
 */
public record ModelInfo(String name, String architecture, int contextLength, long parameterCount, String quantization,
                        int vocabularySize, String chatTemplate, String bosToken, String eosToken, long fileBytes) {}
