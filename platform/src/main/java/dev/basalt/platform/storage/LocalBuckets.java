package dev.basalt.platform.storage;

import dev.basalt.platform.errors.NotFoundException;
import dev.basalt.platform.errors.ValidationException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code s3://bucket/key} locations served from local folders: bucket {@code b} is the folder {@code DIR/buckets/b},
 * so Bedrock requests that name S3 data (model import, later knowledge-base sources) work on one machine. A key
 * can never leave its bucket's folder.
 */
public final class LocalBuckets {
    /** S3's bucket naming rule (lower case, digits, dots and hyphens, 3 to 63 characters). */
    private static final Pattern S3_URI = Pattern.compile("s3://([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:/(.*))?");

    private final Path root;

    public LocalBuckets(Path dataDir) {
        this.root = dataDir.resolve("buckets");
    }

    /** The folder of every bucket, e.g. {@code DIR/buckets}. */
    public Path root() {
        return root;
    }

    /** The file or folder {@code s3Uri} names; the bucket must exist, the key need not. */
    public Path resolve(String s3Uri) {
        Matcher m = S3_URI.matcher(s3Uri == null ? "" : s3Uri);
        if (!m.matches()) {
            throw new ValidationException("'" + s3Uri + "' is not an S3 URI like s3://bucket/prefix/");
        }
        Path bucket = root.resolve(m.group(1));
        if (!Files.isDirectory(bucket)) {
            throw new NotFoundException("The bucket " + m.group(1) + " does not exist (local buckets are the folders of "
                    + root + ")");
        }
        String key = m.group(2) == null ? "" : m.group(2);
        Path target = bucket.resolve(key).normalize();
        if (!target.startsWith(bucket)) {
            throw new ValidationException("The key of '" + s3Uri + "' leaves its bucket");
        }
        return target;
    }
}
