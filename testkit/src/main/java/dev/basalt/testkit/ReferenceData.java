package dev.basalt.testkit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * Locates the shared reference data (tiny real models, retrieval collections, golden outputs) that lives
 * next to the checkout, never inside it. {@code BASALT_REFERENCE_DATA} names the folder; the default is
 * {@code ../shared/data} beside the repository root. Tests that need it call {@link #require(String)},
 * which skips the test with a message saying what is missing when the data is absent (a fresh user's
 * build), while CI, which always has the data, runs them.
 */
public final class ReferenceData {
    public static final String ENV = "BASALT_REFERENCE_DATA";

    private ReferenceData() {}

    /** The reference-data folder, if it exists. */
    public static Optional<Path> root() {
        String configured = System.getenv(ENV);
        Path root = configured != null && !configured.isBlank()
                ? Path.of(configured)
                : repositoryRoot().resolve("../shared/data");
        return Files.isDirectory(root) ? Optional.of(root.toAbsolutePath().normalize()) : Optional.empty();
    }

    /**
     * The file or folder at {@code relative} inside the reference data; aborts (skips) the calling test
     * with a clear message when it is not there.
     */
    public static Path require(String relative) {
        Optional<Path> root = root();
        Assumptions.assumeTrue(root.isPresent(), () -> "skipped: reference data not found (set " + ENV
                + " or place it at ../shared/data beside the checkout); needed: " + relative);
        Path path = root.get().resolve(relative);
        Assumptions.assumeTrue(Files.exists(path),
                () -> "skipped: reference data " + relative + " not found under " + root.get());
        return path;
    }

    /**
     * The repository root: the build passes it as {@code basalt.repository.root}; otherwise the nearest
     * folder upwards from the working directory that holds {@code .mvn}.
     */
    static Path repositoryRoot() {
        String fromBuild = System.getProperty("basalt.repository.root");
        if (fromBuild != null && !fromBuild.isBlank()) {
            return Path.of(fromBuild);
        }
        Path dir = Path.of("").toAbsolutePath();
        for (Path d = dir; d != null; d = d.getParent()) {
            if (Files.isDirectory(d.resolve(".mvn"))) {
                return d;
            }
        }
        return dir;
    }
}
