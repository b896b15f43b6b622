package dev.basalt.platform.storage;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.basalt.platform.errors.NotFoundException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every {@link ObjectSource} does, run against each implementation: the same objects, put in by the subclass, are
 * listed, opened and materialized the same way.
 */
abstract class ObjectSourceContract {
    @TempDir
    Path dir;

    /** The source under test, with the bucket {@code docs} holding what {@link #put} put there. */
    abstract ObjectSource source();

    /** Creates the bucket {@code docs} (empty) in the store behind {@link #source()}. */
    abstract void createBucket() throws Exception;

    abstract void put(String key, String content) throws Exception;

    @BeforeEach
    void fill() throws Exception {
        createBucket();
        put("guide.txt", "the guide");
        put("reports/2024/q1.txt", "first quarter");
        put("reports/2024/q2.txt", "second quarter!");
        put("reports/summary.md", "# summary");
        put("reports-old/x.txt", "not under reports/");
    }

    @Test
    void listsAPrefixAsAFolderWithNestedKeysSortedAndSized() throws Exception {
        List<StoredObject> objects = source().list(S3Uri.parse("s3://docs/reports"));
        assertThat(objects).extracting(StoredObject::key)
                .containsExactly("reports/2024/q1.txt", "reports/2024/q2.txt", "reports/summary.md");
        assertThat(objects).extracting(StoredObject::size).containsExactly(13L, 15L, 9L);
        assertThat(objects).allSatisfy(o -> {
            assertThat(o.eTag()).isNotBlank();
            assertThat(o.lastModified()).isNotNull();
        });
        assertThat(source().list(S3Uri.parse("s3://docs/reports/"))).isEqualTo(objects);
    }

    @Test
    void listsTheWholeBucketOneObjectOrNothing() throws Exception {
        assertThat(source().list(S3Uri.parse("s3://docs"))).hasSize(5);
        assertThat(source().list(S3Uri.parse("s3://docs/guide.txt"))).extracting(StoredObject::key)
                .containsExactly("guide.txt");
        assertThat(source().list(S3Uri.parse("s3://docs/nothing-here/"))).isEmpty();
    }

    @Test
    void aChangedObjectGetsANewETag() throws Exception {
        String before = source().list(S3Uri.parse("s3://docs/guide.txt")).getFirst().eTag();
        put("guide.txt", "the new guide, longer");
        assertThat(source().list(S3Uri.parse("s3://docs/guide.txt")).getFirst().eTag()).isNotEqualTo(before);
    }

    @Test
    void opensAnObject() throws Exception {
        try (InputStream in = source().open(S3Uri.parse("s3://docs/reports/2024/q2.txt"))) {
            assertThat(new String(in.readAllBytes(), UTF_8)).isEqualTo("second quarter!");
        }
    }

    @Test
    void materializesAPrefixIntoAFolderKeepingTheNesting() throws Exception {
        Path target = dir.resolve("copy");
        assertThat(source().materialize(S3Uri.parse("s3://docs/reports/"), target)).isEqualTo(target);
        try (Stream<Path> files = Files.walk(target)) {
            assertThat(files.filter(Files::isRegularFile).map(p -> target.relativize(p).toString().replace('\\', '/')))
                    .containsExactlyInAnyOrder("2024/q1.txt", "2024/q2.txt", "summary.md");
        }
        assertThat(target.resolve("2024/q1.txt")).hasContent("first quarter");
    }

    @Test
    void materializesOneObjectAsAFile() throws Exception {
        Path file = source().materialize(S3Uri.parse("s3://docs/reports/summary.md"), dir.resolve("one"));
        assertThat(file).isEqualTo(dir.resolve("one/summary.md")).hasContent("# summary");
    }

    @Test
    void missingBucketsKeysAndPrefixesAreNotFound() {
        assertThatThrownBy(() -> source().list(S3Uri.parse("s3://no-such-bucket/x")))
                .isInstanceOf(NotFoundException.class).hasMessageContaining("no-such-bucket");
        assertThatThrownBy(() -> source().open(S3Uri.parse("s3://docs/missing.txt")))
                .isInstanceOf(NotFoundException.class).hasMessageContaining("s3://docs/missing.txt");
        assertThatThrownBy(() -> source().materialize(S3Uri.parse("s3://docs/missing/"), dir.resolve("m")))
                .isInstanceOf(NotFoundException.class).hasMessageContaining("s3://docs/missing/");
        assertThat(source().hasBucket("docs")).isTrue();
        assertThat(source().hasBucket("no-such-bucket")).isFalse();
    }
}
