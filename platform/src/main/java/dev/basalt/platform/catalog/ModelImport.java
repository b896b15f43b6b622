package dev.basalt.platform.catalog;

import dev.basalt.engine.gguf.GgmlType;
import dev.basalt.platform.convert.HfToGguf;
import dev.basalt.platform.errors.ConflictException;
import dev.basalt.platform.errors.NotFoundException;
import dev.basalt.platform.errors.ValidationException;
import dev.basalt.platform.hub.Downloader;
import dev.basalt.platform.hub.HubRepoRef;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;

/**
 * Puts model files into the catalog and takes them out: import of a local GGUF (in place or copied into the data
 * directory), registration of a hub pull, removal (deleting the file only when Basalt owns it), verification.
 */
public final class ModelImport {
    /** What {@link #registerPull} did: the catalog entry, and whether it was there before. */
    public record Registration(CatalogEntry entry, boolean alreadyRegistered) {}

    private final ModelCatalog catalog;
    private final Path importedDir;
    private final Clock clock;

    public ModelImport(ModelCatalog catalog, Path dataDir, Clock clock) {
        this.catalog = catalog;
        this.importedDir = directory(dataDir);
        this.clock = clock;
    }

    /** Where copied imports live in a data directory. */
    public static Path directory(Path dataDir) {
        return dataDir.resolve("models").resolve("imported");
    }

    /**
     * Checks that {@code file} loads, then catalogues it as {@code id}: in place, or copied into
     * {@code DIR/models/imported/ID.gguf} when {@code copy}. {@code name} null: the model's {@code general.name}.
     */
    public CatalogEntry importFile(Path file, String id, String name, boolean copy) throws IOException {
        ModelIds.check(id);
        if (Files.isDirectory(file)) {
            return importFolder(file, id, name, GgmlType.Q8_0, HfToGguf.Progress.NONE);
        }
        requireFree(id);
        ModelFile model = ModelFile.validate(file.toAbsolutePath().normalize());
        Path path = model.path();
        if (copy) {
            Files.createDirectories(importedDir);
            path = importedDir.resolve(id.replace(':', '_') + ".gguf");
            Path part = path.resolveSibling(path.getFileName() + ".part");
            Files.copy(model.path(), part, StandardCopyOption.REPLACE_EXISTING);
            Files.move(part, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        CatalogEntry entry = new CatalogEntry(id, name != null ? name : model.name(),
                copy ? ModelSource.IMPORT : ModelSource.FILE, null, path, model.sizeBytes(), Downloader.sha256(path),
                model.architecture(), model.contextLength(), clock.instant());
        try {
            catalog.add(entry);
        } catch (RuntimeException e) {
            if (copy) {
                Files.deleteIfExists(path);
            }
            throw e;
        }
        return entry;
    }

    /**
     * Converts a Hugging Face model folder (config.json, safetensors, tokenizer.json) into
     * {@code DIR/models/imported/ID.gguf} with matrices in {@code weights}, then catalogues it as {@code id}; Basalt
     * owns the converted file.
     */
    public CatalogEntry importFolder(Path folder, String id, String name, GgmlType weights, HfToGguf.Progress progress)
            throws IOException {
        ModelIds.check(id);
        requireFree(id);
        Files.createDirectories(importedDir);
        Path path = importedDir.resolve(id.replace(':', '_') + ".gguf");
        HfToGguf.convert(folder, path, weights, progress);
        try {
            ModelFile model = ModelFile.validate(path);
            CatalogEntry entry = new CatalogEntry(id, name != null ? name : model.name(), ModelSource.IMPORT, null,
                    path, model.sizeBytes(), Downloader.sha256(path), model.architecture(), model.contextLength(),
                    clock.instant());
            catalog.add(entry);
            return entry;
        } catch (RuntimeException | IOException e) {
            Files.deleteIfExists(path);
            throw e;
        }
    }

    /**
     * Catalogues a pulled file (already verified by the download) as {@code id}, or the id derived from the
     * reference when null. A file that is catalogued already is left as it is.
     */
    public Registration registerPull(HubRepoRef ref, Path file, String sha256, String id) throws IOException {
        var existing = catalog.findByPath(file);
        if (existing.isPresent()) {
            return new Registration(existing.get(), true);
        }
        String modelId = id != null ? ModelIds.check(id)
                : ModelIds.forHubModel(ref.org(), ref.repo(), ref.quant(), file.getFileName().toString());
        requireFree(modelId);
        ModelFile model = ModelFile.validate(file);
        CatalogEntry entry = new CatalogEntry(modelId, model.name(), ModelSource.HUB, ref.toString(), file,
                model.sizeBytes(), sha256 != null ? sha256 : Downloader.sha256(file), model.architecture(),
                model.contextLength(), clock.instant());
        catalog.add(entry);
        return new Registration(entry, false);
    }

    /** Removes {@code id} from the catalog, and its file when Basalt owns it unless {@code keepFile}. */
    public CatalogEntry remove(String id, boolean keepFile) throws IOException {
        CatalogEntry entry = require(id);
        catalog.remove(id);
        if (entry.source().ownsFile() && !keepFile) {
            Files.deleteIfExists(entry.path());
        }
        return entry;
    }

    /** True when the file still has the SHA-256 recorded at import. */
    public boolean verify(String id) throws IOException {
        CatalogEntry entry = require(id);
        if (!Files.isRegularFile(entry.path())) {
            throw new ValidationException("model '" + id + "': its file " + entry.path() + " is missing");
        }
        return entry.sha256().equals(Downloader.sha256(entry.path()));
    }

    private CatalogEntry require(String id) {
        return catalog.find(id).orElseThrow(() -> new NotFoundException("no model '" + id + "' in the catalog"));
    }

    private void requireFree(String id) {
        if (catalog.find(id).isPresent()) {
            throw new ConflictException("a model with id '" + id + "' is already in the catalog; pick another --id");
        }
    }
}
