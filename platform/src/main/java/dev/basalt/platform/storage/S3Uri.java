package dev.basalt.platform.storage;

import dev.basalt.platform.errors.ValidationException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An {@code s3://bucket/key} location. The key may be empty (the whole bucket), name one object, or be a prefix that
 * is read as a folder ({@code models/m1} and {@code models/m1/} both mean the objects under {@code models/m1/}).
 */
public record S3Uri(String bucket, String key) {
    /** S3's bucket naming rule (lower case, digits, dots and hyphens, 3 to 63 characters). */
    private static final Pattern S3_URI = Pattern.compile("s3://([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:/(.*))?");

    /** Parses {@code s3://bucket[/key]}; anything else is a {@link ValidationException} naming the value. */
    public static S3Uri parse(String uri) {
        Matcher m = S3_URI.matcher(uri == null ? "" : uri);
        if (!m.matches()) {
            throw new ValidationException("'" + uri + "' is not an S3 URI like s3://bucket/prefix/");
        }
        return new S3Uri(m.group(1), m.group(2) == null ? "" : m.group(2));
    }

    /** The key as a folder prefix: empty for the whole bucket, otherwise ending in {@code /}. */
    public String folderPrefix() {
        return key.isEmpty() || key.endsWith("/") ? key : key + "/";
    }

    @Override
    public String toString() {
        return "s3://" + bucket + "/" + key;
    }
}
