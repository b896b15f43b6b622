package dev.basalt.platform.storage;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.basalt.platform.config.S3StoreConfig;
import dev.basalt.platform.errors.NotFoundException;
import dev.basalt.testkit.s3.S3ProxyServer;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each bucket is read where it is: a local bucket folder first, else the configured S3 store, else a clear 404. */
class S3LocationsTest {
    @TempDir
    Path dir;

    @Test
    void aLocalFolderWinsOverTheStoreAndOtherBucketsComeFromTheStore() throws Exception {
        Path data = dir.resolve("data");
        Files.createDirectories(data.resolve("buckets/shared"));
        Files.writeString(data.resolve("buckets/shared/where.txt"), "local");
        try (S3ProxyServer server = S3ProxyServer.start(dir.resolve("s3"));
             S3Locations locations = S3Locations.of(data, new S3StoreConfig(server.endpoint(), S3ProxyServer.REGION,
                     S3ProxyServer.ACCESS_KEY_ID, S3ProxyServer.SECRET_ACCESS_KEY, true))) {
            server.createBucket("shared");
            server.put("shared", "where.txt", "remote".getBytes(UTF_8));
            server.createBucket("remote-only");
            server.put("remote-only", "docs/a.txt", "from s3".getBytes(UTF_8));

            assertThat(read(locations, "s3://shared/where.txt")).isEqualTo("local");
            assertThat(read(locations, "s3://remote-only/docs/a.txt")).isEqualTo("from s3");
            assertThat(locations.list(S3Uri.parse("s3://remote-only/docs"))).extracting(StoredObject::key)
                    .containsExactly("docs/a.txt");
            assertThat(locations.materialize(S3Uri.parse("s3://remote-only/docs/"), dir.resolve("copy"))
                    .resolve("a.txt")).hasContent("from s3");
            assertThat(locations.hasBucket("remote-only")).isTrue();

            assertThatThrownBy(() -> locations.requireBucket("nowhere")).isInstanceOf(NotFoundException.class)
                    .hasMessageContaining("nowhere").hasMessageContaining(data.resolve("buckets").toString())
                    .hasMessageContaining("S3 store at " + server.endpoint());
            assertThat(locations.hasBucket("nowhere")).isFalse();
        }
    }

    @Test
    void withoutAStoreOnlyLocalFoldersExistAndTheErrorSaysHowToAddOne() throws Exception {
        Path data = dir.resolve("data");
        Files.createDirectories(data.resolve("buckets/models"));
        try (S3Locations locations = S3Locations.of(data, S3StoreConfig.defaults())) {
            locations.requireBucket("models");
            assertThatThrownBy(() -> locations.list(S3Uri.parse("s3://elsewhere/x"))).isInstanceOf(NotFoundException.class)
                    .hasMessageContaining("elsewhere").hasMessageContaining("storage.s3.endpoint");
        }
    }

    private static String read(S3Locations locations, String uri) throws Exception {
        try (InputStream in = locations.open(S3Uri.parse(uri))) {
            return new String(in.readAllBytes(), UTF_8);
        }
    }
}
