package dev.basalt.platform.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.basalt.platform.errors.ValidationException;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FileSystemBlobStoreTest {
    @TempDir
    Path dir;

    private static InputStream bytes(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String read(BlobStore store, String key) throws IOException {
        try (InputStream in = store.get(key).orElseThrow()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void putGetListOverwriteDelete() throws IOException {
        BlobStore store = new FileSystemBlobStore(dir);
        assertThat(store.put("models/m1/weights.gguf", bytes("v1"))).isEqualTo(2);
        store.put("models/m2/weights.gguf", bytes("other"));
        store.put("docs/a.txt", bytes("doc"));
        assertThat(read(store, "models/m1/weights.gguf")).isEqualTo("v1");
        store.put("models/m1/weights.gguf", bytes("version 2"));
        assertThat(read(store, "models/m1/weights.gguf")).isEqualTo("version 2");
        assertThat(store.list("models/")).containsExactly("models/m1/weights.gguf", "models/m2/weights.gguf");
        assertThat(store.list("")).hasSize(3);
        assertThat(store.exists("docs/a.txt")).isTrue();
        assertThat(store.delete("docs/a.txt")).isTrue();
        assertThat(store.delete("docs/a.txt")).isFalse();
        assertThat(store.get("docs/a.txt")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"../escape", "/etc/passwd", "a//b", "a/../b", ".hidden", "a/.tmp-x", "", "a/", "sp ace", "back\\slash"})
    void unsafeKeysAreRejected(String key) throws IOException {
        BlobStore store = new FileSystemBlobStore(dir);
        assertThatThrownBy(() -> store.put(key, bytes("x"))).isInstanceOf(ValidationException.class);
        assertThatThrownBy(() -> store.get(key)).isInstanceOf(ValidationException.class);
    }

    @Test
    void aWriterKilledMidwayLeavesNoPartialBlob() throws Exception {
        Path root = dir.resolve("blobs");
        BlobStore store = new FileSystemBlobStore(root);
        store.put("existing.bin", bytes("old complete content"));

        killWriterMidway(root, "new.bin");
        killWriterMidway(root, "existing.bin");

        try (Stream<Path> files = Files.list(root)) {
            assertThat(files.map(p -> p.getFileName().toString())).anyMatch(n -> n.startsWith(".tmp-"));
        }
        assertThat(store.get("new.bin")).isEmpty();
        assertThat(read(store, "existing.bin")).isEqualTo("old complete content");
        assertThat(store.list("")).containsExactly("existing.bin");

        new FileSystemBlobStore(root); // reopening cleans up what the dead writers left
        try (Stream<Path> files = Files.list(root)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("existing.bin");
        }
    }

    /** Runs {@link BlobWriterProcess} in another JVM and kills it (SIGKILL) once part of the blob is on disk. */
    private static void killWriterMidway(Path root, String key) throws Exception {
        Process writer = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), BlobWriterProcess.class.getName(), root.toString(), key)
                .redirectErrorStream(true)
                .start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(writer.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            do {
                line = out.readLine();
            } while (line != null && !line.equals(BlobWriterProcess.MIDWAY));
            assertThat(line).as("writer reached the middle of its write").isEqualTo(BlobWriterProcess.MIDWAY);
            writer.destroyForcibly();
            assertThat(writer.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
    }
}
