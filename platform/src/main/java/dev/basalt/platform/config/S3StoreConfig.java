package dev.basalt.platform.config;

import java.net.URI;

/**
 * The S3-compatible object store that {@code s3://} locations resolve to when their bucket is not a local bucket folder
 * ({@code storage.s3.*}). With no endpoint there is no store and only local bucket folders are read.
 *
 * @param endpoint        the store's URL ({@code http://minio:9000}, {@code https://s3.eu-west-1.amazonaws.com});
 *                        empty for none
 * @param region          the region requests are signed for
 * @param accessKeyId     the access key; with the secret empty too, the AWS SDK's default credential chain is used
 * @param secretAccessKey the secret key of {@code accessKeyId}
 * @param pathStyle       address buckets as {@code endpoint/bucket} instead of {@code bucket.endpoint} (what most
 *                        S3-compatible servers need)
 */
public record S3StoreConfig(URI endpoint, String region, String accessKeyId, @Secret String secretAccessKey,
                            boolean pathStyle) {
    public S3StoreConfig {
        if (!endpoint.toString().isEmpty()
                && (!("http".equals(endpoint.getScheme()) || "https".equals(endpoint.getScheme())) || endpoint.getHost() == null)) {
            throw new IllegalArgumentException("endpoint: must be empty or an http:// or https:// URL with a host, got "
                    + endpoint);
        }
        if (region.isBlank()) {
            throw new IllegalArgumentException("region: must not be empty");
        }
        if (accessKeyId.isBlank() != secretAccessKey.isBlank()) {
            throw new IllegalArgumentException("accessKeyId: set both accessKeyId and secretAccessKey, or neither");
        }
    }

    /** Whether a store is configured. */
    public boolean configured() {
        return !endpoint.toString().isEmpty();
    }

    public static S3StoreConfig defaults() {
        return new S3StoreConfig(URI.create(""), "us-east-1", "", "", true);
    }
}
