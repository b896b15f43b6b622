package dev.basalt.platform.config;

/**
 * Where Basalt reads data that requests name by location.
 *
 * @param s3 the S3-compatible store behind {@code s3://} locations whose bucket is not a local bucket folder
 */
public record StorageConfig(S3StoreConfig s3) {
    public static StorageConfig defaults() {
        return new StorageConfig(S3StoreConfig.defaults());
    }
}
