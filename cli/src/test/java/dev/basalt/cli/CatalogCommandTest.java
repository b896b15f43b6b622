package dev.basalt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.basalt.engine.gguf.GgmlType;
import dev.basalt.engine.model.Architecture;
import dev.basalt.engine.model.SyntheticModel;
import dev.basalt.testkit.hub.FakeHub;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code basalt models import | list | show | rm}, and the catalog entry a pull adds, run in-process. */
class CatalogCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private StringWriter out = new StringWriter();
    private StringWriter err = new StringWriter();

    private int basalt(String... args) {
        out = new StringWriter();
        err = new StringWriter();
        return BasaltCli.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    private Path tinyModel(String name) throws Exception {
        Path model = dir.resolve(name);
        SyntheticModel.write(Architecture.LLAMA, SyntheticModel.Shape.TINY, GgmlType.Q8_0, 3, model);
        return model;
    }

    @Test
    void importListShowRemove() throws Exception {
        Path model = tinyModel("tiny.gguf");
        String data = dir.resolve("data").toString();

        assertThat(basalt("models", "import", model.toString(), "--id", "basalt.tiny", "--data", data)).as(err.toString()).isZero();
        assertThat(out.toString()).startsWith("imported basalt.tiny (basalt-synthetic-llama-tiny, llama, ");
        assertThat(basalt("models", "import", model.toString(), "--id", "basalt.copy", "--name", "Copy", "--copy",
                "--data", data)).as(err.toString()).isZero();

        assertThat(basalt("models", "list", "--data", data)).isZero();
        String[] lines = out.toString().split("\\R");
        assertThat(lines).hasSize(3);
        assertThat(lines[0]).matches("ID\\s+NAME\\s+SIZE\\s+ARCH\\s+SOURCE");
        assertThat(lines[1]).matches("basalt\\.copy\\s+Copy\\s+.*KiB\\s+llama\\s+import");
        assertThat(lines[2]).matches("basalt\\.tiny\\s+basalt-synthetic-llama-tiny\\s+.*KiB\\s+llama\\s+file");

        assertThat(basalt("models", "list", "--json", "--data", data)).isZero();
        JsonNode list = JSON.readTree(out.toString());
        assertThat(list).hasSize(2);
        assertThat(list.get(1).get("path").asText()).isEqualTo(model.toAbsolutePath().toString());

        assertThat(basalt("models", "show", "basalt.copy", "--json", "--verify", "--data", data)).isZero();
        JsonNode show = JSON.readTree(out.toString());
        Path copy = dir.resolve("data/models/imported/basalt.copy.gguf");
        assertThat(show.get("path").asText()).isEqualTo(copy.toString());
        assertThat(show.get("sizeBytes").asLong()).isEqualTo(Files.size(model));
        assertThat(show.get("sha256").asText()).hasSize(64);
        assertThat(show.get("contextLength").asInt()).isPositive();
        assertThat(show.get("verified").asBoolean()).isTrue();
        assertThat(basalt("models", "show", "basalt.tiny", "--data", data)).isZero();
        assertThat(out.toString()).contains("id:            basalt.tiny").contains("source:        file");

        assertThat(basalt("models", "rm", "basalt.copy", "--data", data)).isZero();
        assertThat(out.toString().strip()).isEqualTo("removed basalt.copy and deleted " + copy);
        assertThat(copy).doesNotExist();
        assertThat(basalt("models", "rm", "basalt.tiny", "--data", data)).isZero();
        assertThat(model).exists();
        assertThat(basalt("models", "list", "--data", data)).isZero();
        assertThat(out.toString()).startsWith("no models in the catalog");
    }

    @Test
    void badInputIsOneClearLine() throws Exception {
        Path junk = Files.write(dir.resolve("junk.gguf"), new byte[100]);
        String data = dir.resolve("data").toString();
        String nl = System.lineSeparator();

        assertThat(basalt("models", "import", junk.toString(), "--id", "basalt.junk", "--data", data)).isEqualTo(1);
        assertThat(err.toString()).startsWith("basalt: error: " + junk.toAbsolutePath() + " is not a usable GGUF model: ")
                .endsWith(nl).hasLineCount(1);

        assertThat(basalt("models", "import", dir.toString(), "--id", "basalt.folder", "--data", data)).isEqualTo(1);
        assertThat(err.toString()).startsWith("basalt: error: folder " + dir).contains("has no config.json").hasLineCount(1);

        Path model = tinyModel("tiny.gguf");
        assertThat(basalt("models", "import", model.toString(), "--id", "bad id", "--data", data)).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("basalt: error: invalid model id 'bad id': use letters, digits and . - _ : (at most 128)" + nl);
        assertThat(basalt("models", "import", model.toString(), "--id", "basalt.t", "--data", data)).isZero();
        assertThat(basalt("models", "import", model.toString(), "--id", "basalt.t", "--data", data)).isEqualTo(1);
        assertThat(err.toString()).contains("'basalt.t' is already in the catalog");

        assertThat(basalt("models", "show", "nope", "--data", data)).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("basalt: error: no model 'nope' in the catalog" + nl);
        assertThat(basalt("models", "rm", "nope", "--data", data)).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("basalt: error: no model 'nope' in the catalog" + nl);
    }

    @Test
    void pullAddsTheModelToTheCatalog() throws Exception {
        Path model = tinyModel("tiny-Q8_0.gguf");
        String data = dir.resolve("data").toString();
        try (FakeHub hub = FakeHub.start()) {
            hub.file("acme/Tiny-GGUF", "tiny-Q8_0.gguf", model);
            assertThat(basalt("models", "pull", "acme/Tiny-GGUF:Q8_0", "--id", "acme.tiny", "--data", data,
                    "--hub-url", hub.uri().toString())).as(err.toString()).isZero();
            assertThat(err.toString()).contains("models: added to the catalog as acme.tiny");
        }
        assertThat(basalt("models", "show", "acme.tiny", "--json", "--data", data)).isZero();
        JsonNode show = JSON.readTree(out.toString());
        assertThat(show.get("source").asText()).isEqualTo("hub");
        assertThat(show.get("hubRef").asText()).isEqualTo("hf.co/acme/Tiny-GGUF:Q8_0");
        Path pulled = dir.resolve("data/models/hub/acme/Tiny-GGUF/tiny-Q8_0.gguf");
        assertThat(show.get("path").asText()).isEqualTo(pulled.toString());

        assertThat(basalt("models", "rm", "acme.tiny", "--data", data)).isZero();
        assertThat(pulled).doesNotExist(); // a pull is Basalt's file
    }
}
