package dev.basalt.engine.tokenizer;

import dev.basalt.engine.gguf.GgufArray;
import dev.basalt.engine.gguf.GgufFile;
import dev.basalt.engine.gguf.GgufValueType;
import dev.basalt.engine.gguf.GgufWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** Small hand-made GGUF vocabularies for unit tests, with a hook to break their metadata. */
final class TinyVocabularies {
    private TinyVocabularies() {
    }

    /**
     * SentencePiece: {@code <unk> <s> </s>}, byte tokens for all 256 bytes, {@code ▁ a b c ▁a ab abc}, a
     * user-defined {@code <tool>} and a control {@code <|im_start|>}.
     */
    static GgufWriter sentencePiece() {
        List<String> tokens = new ArrayList<>(List.of("<unk>", "<s>", "</s>"));
        List<Integer> types = new ArrayList<>(List.of(2, 3, 3));
        for (int b = 0; b < 256; b++) {
            tokens.add(String.format("<0x%02X>", b));
            types.add(6);
        }
        for (String t : List.of("▁", "a", "b", "c", "▁a", "ab", "abc")) {
            tokens.add(t);
            types.add(1);
        }
        tokens.add("<tool>");
        types.add(4);
        tokens.add("<|im_start|>");
        types.add(3);
        float[] scores = new float[tokens.size()];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = -i; // later tokens merge later
        }
        scores[tokens.indexOf("ab")] = 10; // "ab" beats "▁a"
        return new GgufWriter()
                .putString("tokenizer.ggml.model", "llama")
                .putArray("tokenizer.ggml.tokens", new GgufArray(GgufValueType.STRING, tokens.toArray(String[]::new)))
                .putArray("tokenizer.ggml.scores", new GgufArray(GgufValueType.FLOAT32, scores))
                .putArray("tokenizer.ggml.token_type",
                        new GgufArray(GgufValueType.INT32, types.stream().mapToInt(Integer::intValue).toArray()));
    }

    static Tokenizer load(GgufWriter writer, Path file) throws IOException {
        writer.write(file);
        try (GgufFile gguf = GgufFile.open(file)) {
            return Tokenizer.fromGguf(gguf);
        }
    }

    static Tokenizer load(GgufWriter writer, Consumer<GgufWriter> change, Path file) throws IOException {
        change.accept(writer);
        return load(writer, file);
    }

    static int id(Tokenizer tokenizer, String text) {
        return tokenizer.tokenId(text).orElseThrow();
    }
}
