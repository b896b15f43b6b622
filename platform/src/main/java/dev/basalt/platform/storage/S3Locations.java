package dev.basalt.platform.storage;

import dev.basalt.platform.config.S3StoreConfig;
import dev.basalt.platform.errors.NotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;

/**
 * Every {@code s3://} location Basalt reads, chosen per bucket: a bucket that is a local bucket folder
 * ({@code DIR/buckets/<name>}) is read there; otherwise, when an S3-compatible store is configured, from the store; a
 * bucket in neither place is a {@link NotFoundException} naming both.
 */
public final class S3Locations implements ObjectSource {
    private final LocalBuckets local;
    private final S3ObjectSource store; // null when no store is configured

    public S3Locations(LocalBuckets local, S3ObjectSource store) {
        this.local = local;
        this.store = store;
    }

    /** The local bucket folders of {@code dataDir}, and the store of {@code config} when it has an endpoint. */
    public static S3Locations of(Path dataDir, S3StoreConfig config) {
        return new S3Locations(new LocalBuckets(dataDir), config.configured() ? new S3ObjectSource(config) : null);
    }

    @Override
    public boolean hasBucket(String bucket) {
        return local.hasBucket(bucket) || (store != null && store.hasBucket(bucket));
    }

    /** Fails with a {@link NotFoundException} naming where it looked unless the bucket exists. */
    public void requireBucket(String bucket) {
        sourceOf(bucket);
    }

    @Override
    public List<StoredObject> list(S3Uri location) throws IOException {
        return sourceOf(location.bucket()).list(location);
    }

    @Override
    public InputStream open(S3Uri object) throws IOException {
        return sourceOf(object.bucket()).open(object);
    }

    @Override
    public Path materialize(S3Uri location, Path target) throws IOException {
        return sourceOf(location.bucket()).materialize(location, target);
    }

    private ObjectSource sourceOf(String bucket) {
        if (local.hasBucket(bucket)) {
            return local;
        }
        if (store != null && store.hasBucket(bucket)) {
            return store;
        }
        throw new NotFoundException("The bucket " + bucket + " does not exist: it is not a folder of " + local.root()
                + (store == null ? " and no S3-compatible store is configured (storage.s3.endpoint)"
                        : " nor a bucket of the S3 store at " + store.endpoint()) + ".");
    }

    @Override
    public void close() {
        if (store != null) {
            store.close();
        }
    }
}
