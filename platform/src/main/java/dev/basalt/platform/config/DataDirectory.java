package dev.basalt.platform.config;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

/** Where a Basalt process keeps its state: {@code --data}, else {@code BASALT_DATA}, else {@code ~/.basalt}. */
public final class DataDirectory {
    private DataDirectory() {}

    public static Path resolve(Path flag, Map<String, String> env) {
        if (flag != null) {
            return flag.toAbsolutePath().normalize();
        }
        String fromEnv = env.get("BASALT_DATA");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return Path.of(fromEnv).toAbsolutePath().normalize();
        }
        return Path.of(System.getProperty("user.home"), ".basalt");
    }

    /** Creates the directory if needed, owner-only (it holds the database, blobs and credentials). */
    public static Path ensureExists(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } else {
                Files.createDirectories(dir);
            }
        }
        return dir;
    }
}
