package dev.basalt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.basalt.engine.gguf.GgufFile;
import dev.basalt.engine.tokenizer.Tokenizer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code basalt models synth} writes a loadable model of the asked shape, and {@code basalt bench} measures it. */
class SynthAndBenchCommandTest {
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int basalt(String... args) {
        return BasaltCli.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    @Test
    void synthWritesTheShapeAndBenchReportsSpeeds() throws Exception {
        Path model = dir.resolve("tiny.gguf");
        assertThat(basalt("models", "synth", "--shape", "tiny", "--quant", "Q4_0", "--arch", "qwen2", "--out", model.toString()))
                .as(err.toString()).isZero();
        try (GgufFile gguf = GgufFile.open(model)) {
            assertThat(gguf.getString("general.architecture")).isEqualTo("qwen2");
            assertThat(gguf.getInt("qwen2.embedding_length")).isEqualTo(128);
            assertThat(gguf.tensor("blk.0.attn_q.weight").type().name()).isEqualTo("Q4_0");
            assertThat(gguf.tensors()).containsKey("blk.1.attn_q.bias");
            assertThat(gguf.getString("tokenizer.chat_template")).contains("<|im_start|>").contains("add_generation_prompt");
            Tokenizer tokenizer = Tokenizer.fromGguf(gguf);
            assertThat(tokenizer.size()).isEqualTo(1024);
            String text = "Once upon a time, 42 children said hello!";
            assertThat(tokenizer.decode(tokenizer.encode(text, false, false))).isEqualTo(text);
        }
        assertThat(basalt("bench", "--model", model.toString(), "--threads", "2", "--prompt-tokens", "16",
                "--gen-tokens", "4", "--repeat", "1", "--json")).as(err.toString()).isZero();
        JsonNode result = new ObjectMapper().readTree(out.toString().substring(out.toString().indexOf('{')));
        assertThat(result.get("architecture").asText()).isEqualTo("qwen2");
        assertThat(result.at("/decode/median").asDouble()).isPositive();
        assertThat(result.at("/prefill/median").asDouble()).isPositive();
        assertThat(result.get("bytesPerDecodedToken").asLong()).isPositive();
    }

    @Test
    void badArgumentsGiveOneLineErrors() {
        assertThat(basalt("models", "synth", "--shape", "7b", "--out", dir.resolve("x.gguf").toString())).isEqualTo(1);
        assertThat(err.toString()).contains("unknown shape '7b'; choose one of tiny, 135m, 1b");
        assertThat(basalt("models", "synth", "--shape", "tiny", "--quant", "Q3_K", "--out", dir.resolve("x.gguf").toString())).isEqualTo(1);
        assertThat(err.toString()).contains("synthetic weights can be");
        assertThat(basalt("bench", "--model", dir.resolve("missing.gguf").toString())).isEqualTo(1);
        assertThat(err.toString()).contains("missing.gguf");
    }
}
