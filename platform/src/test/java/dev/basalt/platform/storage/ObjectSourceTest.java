package dev.basalt.platform.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.basalt.platform.errors.ValidationException;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ObjectSource#materialize} against keys that a real S3 store accepts but S3Proxy's filesystem provider refuses
 * to store: a key with {@code ..} segments must not write outside the target folder.
 */
class ObjectSourceTest {
    @TempDir
    Path dir;

    /** A bucket {@code bkt} holding exactly the given keys, each with content {@code x}. */
    private static ObjectSource holding(String... keys) {
        return new ObjectSource() {
            @Override
            public boolean hasBucket(String bucket) {
                return bucket.equals("bkt");
            }

            @Override
            public List<StoredObject> list(S3Uri location) {
                return java.util.Arrays.stream(keys).map(k -> new StoredObject(k, 1, "e", Instant.EPOCH)).toList();
            }

            @Override
            public InputStream open(S3Uri object) {
                return new ByteArrayInputStream(new byte[] {'x'});
            }
        };
    }

    @Test
    void keysThatWouldLeaveTheTargetFolderAreRefused() {
        ObjectSource source = holding("in/ok.txt", "in/../../outside.txt");
        assertThatThrownBy(() -> source.materialize(S3Uri.parse("s3://bkt/in/"), dir.resolve("t")))
                .isInstanceOf(ValidationException.class).hasMessageContaining("leaves the folder");
        assertThat(dir.resolve("outside.txt")).doesNotExist();
    }

    @Test
    void folderMarkersAreSkipped() throws Exception {
        Path target = holding("in/", "in/sub/", "in/sub/a.txt").materialize(S3Uri.parse("s3://bkt/in"), dir.resolve("t"));
        assertThat(target.resolve("sub/a.txt")).hasContent("x");
        assertThat(target.resolve("sub")).isDirectory();
    }
}
