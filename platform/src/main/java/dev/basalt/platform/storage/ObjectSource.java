package dev.basalt.platform.storage;

import dev.basalt.platform.errors.NotFoundException;
import dev.basalt.platform.errors.ValidationException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * Reads {@code s3://bucket/prefix} locations: the objects that Bedrock requests name by S3 URI (model import data,
 * knowledge-base documents). A location is read as a folder: {@code s3://b/docs} covers the object {@code docs} itself
 * and every object under {@code docs/}, not {@code docs2/x}.
 */
public interface ObjectSource extends AutoCloseable {
    /** Whether the bucket exists in this source. */
    boolean hasBucket(String bucket);

    /**
     * The objects at {@code location} (the one it names and those under it as a folder), sorted by key; empty when
     * there are none. A bucket that does not exist is a {@link NotFoundException}.
     */
    List<StoredObject> list(S3Uri location) throws IOException;

    /** Opens one object; the caller closes the stream. A missing bucket or key is a {@link NotFoundException}. */
    InputStream open(S3Uri object) throws IOException;

    /**
     * Copies what {@code location} names into the folder {@code target} (created if needed) and returns the local
     * path of it: the copied file when the location names one object, otherwise {@code target}, holding each object
     * under its key relative to the location. Nothing at the location is a {@link NotFoundException}.
     */
    default Path materialize(S3Uri location, Path target) throws IOException {
        List<StoredObject> objects = list(location);
        if (objects.isEmpty()) {
            throw new NotFoundException("There is nothing at " + location + ".");
        }
        Files.createDirectories(target);
        if (objects.size() == 1 && objects.getFirst().key().equals(location.key())) {
            String key = location.key();
            Path file = target.resolve(key.substring(key.lastIndexOf('/') + 1));
            copy(location, file);
            return file;
        }
        Path root = target.toAbsolutePath().normalize();
        for (StoredObject object : objects) {
            String relative = object.key().substring(location.folderPrefix().length());
            if (relative.isEmpty() || relative.endsWith("/")) {
                continue; // a folder marker, not content
            }
            Path file = root.resolve(relative).normalize();
            if (!file.startsWith(root) || file.equals(root)) {
                throw new ValidationException("The object key '" + object.key() + "' leaves the folder of " + location);
            }
            Files.createDirectories(file.getParent());
            copy(new S3Uri(location.bucket(), object.key()), file);
        }
        return target;
    }

    private void copy(S3Uri object, Path file) throws IOException {
        try (InputStream in = open(object)) {
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Releases connections; a no-op for sources that hold none. */
    @Override
    default void close() {}
}
