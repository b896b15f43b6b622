package dev.basalt.engine.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.basalt.engine.gguf.GgufFile;
import dev.basalt.testkit.ReferenceData;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/** The SentencePiece tokenizers of the real GGUF files in ../shared/data against llama.cpp's and Llama 2's outputs. */
class ReferenceModelTokenizerTest {

    private static Tokenizer load(String path) throws Exception {
        try (GgufFile gguf = GgufFile.open(ReferenceData.require(path))) {
            return Tokenizer.fromGguf(gguf);
        }
    }

    private static int[] ints(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).mapToInt(JsonNode::asInt).toArray();
    }

    @Test
    void tinyStoriesReproducesLlamaCppGoldenTokenizations() throws Exception {
        Tokenizer tokenizer = load("models/tinystories-656k-f32.gguf");
        JsonNode golden = new ObjectMapper().readTree(
                ReferenceData.require("golden/golden-tinystories-656k-f32.json").toFile());
        int checked = 0;
        for (JsonNode entry : golden.get("tokenization")) {
            // llama.cpp's tokenize endpoint parses special-token text, hence parseSpecial.
            assertThat(tokenizer.encode(entry.get("text").asText(), false, true))
                    .as(entry.get("text").asText())
                    .containsExactly(ints(entry.get("tokens_no_special")));
            checked++;
        }
        for (JsonNode entry : golden.get("generation")) {
            assertThat(tokenizer.encode(entry.get("prompt").asText(), true, true))
                    .as(entry.get("prompt").asText())
                    .containsExactly(ints(entry.get("prompt_tokens_with_bos")));
            checked++;
        }
        assertThat(checked).isEqualTo(16);
    }

    @Test
    void tinyStoriesGreedyTextDecodesLikeLlamaCpp() throws Exception {
        Tokenizer tokenizer = load("models/tinystories-656k-f32.gguf");
        JsonNode golden = new ObjectMapper().readTree(
                ReferenceData.require("golden/golden-tinystories-656k-f32.json").toFile());
        for (JsonNode entry : golden.get("generation")) {
            int[] generated = ints(entry.get("greedy_tokens"));
            // A continuation is not the start of the text, so its leading space is kept: decode after the prompt.
            int[] prompt = ints(entry.get("prompt_tokens_with_bos"));
            TokenDecoder decoder = tokenizer.newDecoder();
            for (int id : prompt) {
                decoder.accept(id);
            }
            StringBuilder text = new StringBuilder();
            for (int id : generated) {
                text.append(decoder.accept(id));
            }
            text.append(decoder.finish());
            assertThat(text.toString()).as(entry.get("prompt").asText()).isEqualTo(entry.get("greedy_text").asText());
        }
    }

    @Test
    void tinyStoriesMetadata() throws Exception {
        Tokenizer tokenizer = load("models/tinystories-656k-f32.gguf");
        assertThat(tokenizer.size()).isEqualTo(2048);
        assertThat(tokenizer.bos()).isEqualTo(1);
        assertThat(tokenizer.eos()).isEqualTo(2);
        assertThat(tokenizer.unk()).isZero();
        assertThat(tokenizer.addBosByDefault()).isTrue();
        assertThat(tokenizer.isEndOfGeneration(2)).isTrue();
        assertThat(tokenizer.isEndOfGeneration(1)).isFalse();
        assertThat(tokenizer.tokenId("<|end_story|>")).hasValue(2);
        assertThat(tokenizer.tokenId("no such token")).isEmpty();
        assertThat(tokenizer.decode(new int[] {1, 80, 1288, 139, 410, 555, 2})).isEqualTo("Hello world");
    }

    @Test
    void llama2KnownTokenizations() throws Exception {
        Tokenizer llama = load("models/llama-2-tiny-random.gguf");
        assertThat(llama.size()).isEqualTo(32000);
        assertThat(llama.addBosByDefault()).isTrue();
        // Published examples (Llama 2 model card discussions, llama.cpp's test-tokenizer-0 for llama-spm).
        assertThat(llama.encode("Hello world", true, false)).containsExactly(1, 15043, 3186);
        assertThat(llama.encode("I believe the meaning of life is", true, false))
                .containsExactly(1, 306, 4658, 278, 6593, 310, 2834, 338);
        assertThat(llama.encode(" Hello world", false, false)).containsExactly(29871, 15043, 3186);
        assertThat(llama.encode("Hello World", false, false)).containsExactly(15043, 2787);
        assertThat(llama.encode(" Hello World!", false, false)).containsExactly(29871, 15043, 2787, 29991);
        assertThat(llama.encode("Hello, world!", false, false)).containsExactly(15043, 29892, 3186, 29991);
        assertThat(llama.encode("\n", false, false)).containsExactly(29871, 13);
        // Byte fallback: the llama emoji is not in the vocabulary, so it becomes its four UTF-8 bytes.
        assertThat(llama.encode(" this is 🦙.cpp", false, false))
                .containsExactly(29871, 445, 338, 29871, 243, 162, 169, 156, 29889, 8223);
        assertThat(llama.encode("</s>", false, true)).containsExactly(2);
        assertThat(llama.encode("", true, false)).containsExactly(1);
        assertThat(llama.encode("", false, false)).isEmpty();

        assertThat(llama.decode(new int[] {1, 15043, 3186, 2})).isEqualTo("Hello world");
        assertThat(llama.decode(llama.encode(" this is 🦙.cpp", true, false))).isEqualTo(" this is 🦙.cpp");
        assertThat(llama.isEndOfGeneration(2)).isTrue();
        assertThat(llama.isControl(1)).isTrue();
        assertThat(llama.tokenBytes(13)).containsExactly('\n');
        assertThat(llama.tokenBytes(15043)).containsExactly(" Hello".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
