package dev.basalt.platform.storage;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/**
 * Named byte blobs (documents, model files, adapters, job outputs). Keys are {@code /}-separated relative
 * paths of safe segments ({@code models/m1/weights.gguf}). Writes are atomic: a reader sees the old blob or
 * the whole new one, never a part, even if the writer dies midway.
 */
public interface BlobStore {
    /** Stores {@code content} under {@code key}, replacing any existing blob; returns the number of bytes written. */
    long put(String key, InputStream content) throws IOException;

    /** Opens the blob, if it exists. The caller closes the stream. */
    Optional<InputStream> get(String key) throws IOException;

    boolean exists(String key);

    /** Deletes the blob; returns whether it existed. */
    boolean delete(String key) throws IOException;

    /** Keys that start with {@code prefix} (may be empty), sorted. */
    List<String> list(String prefix) throws IOException;
}
