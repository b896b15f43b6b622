package dev.basalt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.engine.gguf.GgufFile;
import dev.basalt.testkit.ReferenceData;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code basalt models convert} turns a Hugging Face folder into a GGUF file, with progress and one-line errors. */
class ConvertCommandTest {
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int basalt(String... args) {
        return BasaltCli.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    @Test
    void convertsTinyStoriesToQ8_0() throws Exception {
        Path folder = ReferenceData.require("models/tinystories-656k-hf");
        Path model = dir.resolve("tinystories.gguf");
        assertThat(basalt("models", "convert", folder.toString(), "--out", model.toString(), "--type", "q8_0"))
                .as(err.toString()).isZero();
        assertThat(out.toString().strip()).isEqualTo(model.toString());
        assertThat(err.toString()).contains("models: converting").contains("100%")
                .contains("LlamaForCausalLM as llama, 20 tensors, 656,000 parameters, 2048 tokens");
        try (GgufFile gguf = GgufFile.open(model)) {
            assertThat(gguf.getInt("general.file_type")).isEqualTo(7);
            assertThat(gguf.tensor("blk.0.attn_q.weight").type().name()).isEqualTo("Q8_0");
        }
    }

    /** A folder given to models import is converted into the data directory and catalogued; rm deletes the file. */
    @Test
    void importingAHuggingFaceFolderConvertsAndCataloguesIt() throws Exception {
        Path folder = ReferenceData.require("models/tinystories-656k-hf");
        String data = dir.resolve("data").toString();
        assertThat(basalt("models", "import", folder.toString(), "--id", "basalt.tinystories", "--data", data))
                .as(err.toString()).isZero();
        assertThat(out.toString()).startsWith("imported basalt.tinystories (");
        assertThat(err.toString()).contains("models: converted " + folder);
        Path converted = dir.resolve("data/models/imported/basalt.tinystories.gguf");
        try (GgufFile gguf = GgufFile.open(converted)) {
            assertThat(gguf.getInt("general.file_type")).isEqualTo(7);
        }
        assertThat(basalt("models", "rm", "basalt.tinystories", "--data", data)).as(err.toString()).isZero();
        assertThat(converted).doesNotExist();
    }

    @Test
    void badArgumentsGiveOneLineErrors() {
        assertThat(basalt("models", "convert", dir.toString(), "--out", dir.resolve("x.gguf").toString(), "--type", "q4_0"))
                .isEqualTo(1);
        assertThat(err.toString()).contains("basalt: error: unknown --type 'q4_0'; choose f32, f16, bf16, q8_0");
        assertThat(basalt("models", "convert", dir.toString(), "--out", dir.resolve("x.gguf").toString())).isEqualTo(1);
        assertThat(err.toString()).contains("basalt: error: folder " + dir + " has no config.json");
    }
}
