package dev.basalt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.testkit.ReferenceData;
import dev.basalt.testkit.hub.FakeHub;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code basalt models pull} run in-process against a {@link FakeHub}. */
class PullCommandTest {
    @TempDir
    Path data;

    private final FakeHub hub = FakeHub.start();
    private StringWriter out = new StringWriter();
    private StringWriter err = new StringWriter();

    @AfterEach
    void stop() {
        hub.close();
    }

    private int basalt(String... args) {
        out = new StringWriter();
        err = new StringWriter();
        return BasaltCli.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    @Test
    void pullsTheModelAndPrintsItsPath() {
        Path reference = ReferenceData.require("models/tinystories-656k-q8_0.gguf");
        hub.file("acme/TinyStories-GGUF", "tinystories-656k-q8_0.gguf", reference)
                .file("acme/TinyStories-GGUF", "tinystories-656k-f32.gguf", new byte[100]);
        Path expected = data.resolve("models/hub/acme/TinyStories-GGUF/tinystories-656k-q8_0.gguf");

        assertThat(basalt("models", "pull", "hf.co/acme/TinyStories-GGUF:Q8_0", "--data", data.toString(),
                "--hub-url", hub.uri().toString())).as(err.toString()).isZero();

        assertThat(out.toString().strip()).isEqualTo(expected.toString());
        assertThat(expected).hasSameBinaryContentAs(reference);
        assertThat(err.toString())
                .contains("models: pulling tinystories-656k-q8_0.gguf from hf.co/acme/TinyStories-GGUF:Q8_0 (732 KiB)")
                .contains("tinystories-656k-q8_0.gguf 100% 732 KiB / 732 KiB")
                .contains("models: pulled and verified: " + expected)
                .contains("models: added to the catalog as hf.acme.tinystories-gguf-q8_0");

        assertThat(basalt("models", "pull", "acme/TinyStories-GGUF", "--file", "tinystories-656k-q8_0.gguf",
                "--data", data.toString(), "--hub-url", hub.uri().toString())).as(err.toString()).isZero();
        assertThat(err.toString()).contains("models: already present, verified: " + expected)
                .contains("models: already in the catalog as hf.acme.tinystories-gguf-q8_0");
        assertThat(hub.downloads()).hasSize(1);
    }

    @Test
    void failuresAreOneLine() {
        hub.file("acme/tiny", "a-Q8_0.gguf", new byte[10]).file("acme/tiny", "a-Q4_0.gguf", new byte[10]);
        String url = hub.uri().toString();

        assertThat(basalt("models", "pull", "acme/tiny", "--data", data.toString(), "--hub-url", url)).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("basalt: error: 2 .gguf files in acme/tiny; pick one with acme/tiny:QUANT or --file NAME: "
                + "a-Q4_0.gguf, a-Q8_0.gguf" + System.lineSeparator());

        hub.requireToken("hf_x");
        assertThat(basalt("models", "pull", "acme/tiny:Q8_0", "--data", data.toString(), "--hub-url", url)).isEqualTo(1);
        assertThat(err.toString()).startsWith("basalt: error: the hub at " + url + " answered 401").contains("set HF_TOKEN");

        assertThat(basalt("models", "pull", "acme/tiny", "--data", data.toString(), "--hub-url", "ftp://x")).isEqualTo(1);
        assertThat(err.toString()).contains("invalid configuration value for 'hub.url' (from command line)");

        assertThat(basalt("models", "pull", "acme", "--data", data.toString())).isEqualTo(1);
        assertThat(err.toString()).contains("cannot read 'acme' as a hub model");
    }
}
