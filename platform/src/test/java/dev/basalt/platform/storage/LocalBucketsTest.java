package dev.basalt.platform.storage;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.basalt.platform.errors.ValidationException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Local bucket folders under the {@link ObjectSource} contract, and keys that try to leave their bucket. */
class LocalBucketsTest extends ObjectSourceContract {
    private LocalBuckets buckets;

    @Override
    ObjectSource source() {
        return buckets;
    }

    @Override
    void createBucket() throws Exception {
        buckets = new LocalBuckets(dir.resolve("data"));
        Files.createDirectories(buckets.root().resolve("docs"));
    }

    @Override
    void put(String key, String content) throws Exception {
        Path file = buckets.root().resolve("docs").resolve(key);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content, UTF_8);
        // A rewrite within the file system's timestamp granularity must still change the ETag (the size does here).
    }

    @Test
    void keysThatLeaveTheBucketAreRefused() throws Exception {
        Files.createDirectories(buckets.root().resolve("secrets"));
        Files.writeString(buckets.root().resolve("secrets/key.txt"), "secret");
        Files.writeString(dir.resolve("data/basalt.yaml"), "server: {}");
        for (String uri : new String[] {"s3://docs/../secrets/key.txt", "s3://docs/../../basalt.yaml",
                "s3://docs/reports/../../secrets/"}) {
            assertThatThrownBy(() -> buckets.open(S3Uri.parse(uri))).as(uri)
                    .isInstanceOf(ValidationException.class).hasMessageContaining("leaves its bucket");
            assertThatThrownBy(() -> buckets.list(S3Uri.parse(uri))).as(uri)
                    .isInstanceOf(ValidationException.class).hasMessageContaining("leaves its bucket");
        }
    }
}
