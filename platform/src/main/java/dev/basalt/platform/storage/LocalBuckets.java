package dev.basalt.platform.storage;

import dev.basalt.platform.errors.NotFoundException;
import dev.basalt.platform.errors.ValidationException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@code s3://bucket/key} locations served from local folders: bucket {@code b} is the folder {@code DIR/buckets/b},
 * so Bedrock requests that name S3 data (model import, knowledge-base sources) work on one machine. A key can never
 * leave its bucket's folder.
 */
public final class LocalBuckets implements ObjectSource {
    private final Path root;

    public LocalBuckets(Path dataDir) {
        this.root = dataDir.resolve("buckets").toAbsolutePath().normalize();
    }

    /** The folder of every bucket, e.g. {@code DIR/buckets}. */
    public Path root() {
        return root;
    }

    @Override
    public boolean hasBucket(String bucket) {
        return Files.isDirectory(root.resolve(bucket));
    }

    @Override
    public List<StoredObject> list(S3Uri location) throws IOException {
        Path bucket = bucket(location);
        Path target = resolve(location);
        if (Files.isRegularFile(target)) {
            return List.of(describe(bucket, target));
        }
        if (!Files.isDirectory(target)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(target)) {
            List<Path> regular = files.filter(Files::isRegularFile).toList();
            List<StoredObject> objects = new java.util.ArrayList<>(regular.size());
            for (Path file : regular) {
                objects.add(describe(bucket, file));
            }
            objects.sort(Comparator.comparing(StoredObject::key));
            return objects;
        }
    }

    @Override
    public InputStream open(S3Uri object) throws IOException {
        Path file = resolve(object);
        if (!Files.isRegularFile(file)) {
            throw new NotFoundException("The object " + object + " does not exist (in the local bucket folder "
                    + bucket(object) + ").");
        }
        try {
            return Files.newInputStream(file);
        } catch (NoSuchFileException e) {
            throw new NotFoundException("The object " + object + " does not exist.");
        }
    }

    private Path bucket(S3Uri location) {
        Path bucket = root.resolve(location.bucket());
        if (!Files.isDirectory(bucket)) {
            throw new NotFoundException("The bucket " + location.bucket() + " does not exist (local buckets are the "
                    + "folders of " + root + ")");
        }
        return bucket;
    }

    /** The file or folder a location names inside its bucket; a key that leaves the bucket is refused. */
    private Path resolve(S3Uri location) {
        Path bucket = bucket(location);
        Path target = bucket.resolve(location.key()).normalize();
        if (!target.startsWith(bucket)) {
            throw new ValidationException("The key of '" + location + "' leaves its bucket");
        }
        return target;
    }

    private static StoredObject describe(Path bucket, Path file) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
        String key = bucket.relativize(file).toString().replace('\\', '/');
        // Local files have no content hash to hand; size and modification time change whenever a write does.
        String eTag = Long.toHexString(attributes.size()) + "-" + Long.toHexString(attributes.lastModifiedTime().toMillis());
        return new StoredObject(key, attributes.size(), eTag, attributes.lastModifiedTime().toInstant());
    }
}
