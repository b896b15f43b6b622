package dev.basalt.platform.hub;

import dev.basalt.platform.errors.DependencyFailedException;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Pulls a GGUF model from the hub into the data directory: {@code DIR/models/hub/ORG/REPO/FILE}. Two steps so
 * that a caller can show what it is about to fetch: {@link #plan} asks the hub which file, {@link #fetch}
 * downloads it (resumable, verified, atomic; see {@link Downloader}).
 */
public final class ModelPull {
    /**
     * What a pull fetches.
     *
     * @param ref    the repository
     * @param file   the chosen file with its size and hash
     * @param target where it lands
     */
    public record Plan(HubRepoRef ref, HubFile file, Path target) {}

    private final HubClient hub;
    private final Downloader downloader;
    private final Path root;

    /** @param dataDir the Basalt data directory; pulled files go under {@link #directory(Path)} */
    public ModelPull(HubClient hub, Downloader downloader, Path dataDir) {
        this.hub = hub;
        this.downloader = downloader;
        this.root = directory(dataDir);
    }

    /** Where pulled models live in a data directory. */
    public static Path directory(Path dataDir) {
        return dataDir.resolve("models").resolve("hub");
    }

    /** Lists the repository and chooses the file ({@code fileName}, else by the ref's tag; see {@link GgufChoice}). */
    public Plan plan(HubRepoRef ref, String fileName) {
        HubFile file = GgufChoice.choose(hub.files(ref), ref, fileName);
        Path repoDir = root.resolve(ref.org()).resolve(ref.repo());
        Path target = repoDir.resolve(file.name()).normalize();
        // The name comes from the hub: it must not climb out of the repository's folder.
        if (!target.startsWith(repoDir) || target.equals(repoDir)) {
            throw new DependencyFailedException("the hub lists a file with an unusable name: '" + file.name() + "'");
        }
        return new Plan(ref, file, target);
    }

    public Downloader.Result fetch(Plan plan, Downloader.Progress progress) throws IOException {
        return downloader.download(plan.ref(), plan.file(), plan.target(), progress);
    }
}
