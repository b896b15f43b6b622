package dev.basalt.platform.storage;

import java.time.Instant;

/**
 * One object found under an {@code s3://} location.
 *
 * @param key          the object's full key in its bucket
 * @param size         its length in bytes
 * @param eTag         an opaque version tag: it changes when the content changes (S3's ETag; for a local file, derived
 *                     from its size and modification time)
 * @param lastModified when the object was last written
 */
public record StoredObject(String key, long size, String eTag, Instant lastModified) {}
