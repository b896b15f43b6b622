package dev.basalt.engine.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

/** Hugging Face's tokenizers library (Rust, through DJL's bundled JNI library, offline) as the test oracle. */
final class HuggingFaceOracle implements AutoCloseable {
    private final HuggingFaceTokenizer tokenizer;

    HuggingFaceOracle(Path tokenizerJson) throws IOException {
        tokenizer = HuggingFaceTokenizer.builder()
                .optTokenizerPath(tokenizerJson)
                .optAddSpecialTokens(false)
                .build();
    }

    int[] encode(String text) {
        return Arrays.stream(tokenizer.encode(text).getIds()).mapToInt(Math::toIntExact).toArray();
    }

    /** Decodes skipping special tokens, which is how Basalt renders control tokens (not at all). */
    String decode(int[] ids) {
        return tokenizer.decode(Arrays.stream(ids).asLongStream().toArray(), true);
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
