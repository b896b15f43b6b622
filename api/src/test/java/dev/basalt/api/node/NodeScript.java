package dev.basalt.api.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs a script of the test npm project {@code src/test/js} with node and parses the one JSON summary it prints.
 * The project's packages come from {@code npm ci} there (CI does it); tests never run npm themselves.
 */
public final class NodeScript {
    private static final Path PROJECT = Path.of("src/test/js");
    private static final int TIMEOUT_SECONDS = 120;

    private NodeScript() {}

    /** Skips the calling test, saying what is missing, unless node and the project's node_modules are there. */
    public static void assumeAvailable() {
        Assumptions.assumeTrue(nodeAvailable(), "skipped: `node` is not on the PATH (install Node.js 18 or newer)");
        Assumptions.assumeTrue(Files.isDirectory(PROJECT.resolve("node_modules")),
                () -> "skipped: " + PROJECT.toAbsolutePath().resolve("node_modules") + " is missing (run `npm ci` in "
                        + PROJECT.toAbsolutePath() + ")");
    }

    /**
     * Runs {@code script} with {@code env} added to this process's environment and returns its standard output as
     * JSON; fails with node's stderr when it exits non-zero or runs past the timeout. {@code dir} holds its output.
     */
    public static JsonNode run(String script, Map<String, String> env, Path dir) throws IOException, InterruptedException {
        // Both outputs go to files, so a hanging script cannot block this thread past the timeout below.
        Path stdout = dir.resolve(script + ".stdout.txt");
        Path stderr = dir.resolve(script + ".stderr.txt");
        ProcessBuilder builder = new ProcessBuilder("node", script)
                .directory(PROJECT.toFile())
                .redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile());
        builder.environment().putAll(env);
        Process node = builder.start();
        if (!node.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            node.destroyForcibly();
            throw new AssertionError("node " + script + " did not finish within " + TIMEOUT_SECONDS + " s; stderr: "
                    + Files.readString(stderr));
        }
        assertThat(node.exitValue()).as("node %s's exit status; stderr: %s", script, Files.readString(stderr)).isZero();
        return new ObjectMapper().readTree(Files.readString(stdout));
    }

    private static boolean nodeAvailable() {
        try {
            Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
