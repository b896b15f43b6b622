package dev.basalt.platform.catalog;

import dev.basalt.engine.LanguageModel;
import dev.basalt.engine.ModelInfo;
import dev.basalt.engine.gguf.GgufFile;
import dev.basalt.engine.model.Architecture;
import dev.basalt.platform.errors.ValidationException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the catalog shows about a GGUF file without serving it.
 *
 * @param contextLength the model's own context length ({@code ARCH.context_length})
 */
public record ModelFile(Path path, String name, String architecture, int contextLength, long sizeBytes) {
    /** One worker and one slot: enough to prove the file loads, with the KV cache allocated lazily (never, here). */
    private static final LanguageModel.Options CHECK =
            new LanguageModel.Options(1, 0, 1, 64, LanguageModel.Options.defaults().kvBudgetBytes(), 1);

    /**
     * Reads the GGUF header only (cheap: the tensors stay unmapped data): name, architecture and context length.
     * A file that is missing, not GGUF, or of an architecture the engine lacks fails with a message naming it.
     */
    public static ModelFile readHeader(Path path) {
        if (!Files.isRegularFile(path)) {
            throw new ValidationException("no model file at " + path.toAbsolutePath());
        }
        try (GgufFile gguf = GgufFile.open(path)) {
            String arch = Architecture.fromGguf(gguf.getString("general.architecture")).ggufName;
            String contextKey = arch + ".context_length";
            int context = gguf.has(contextKey) ? gguf.getInt(contextKey) : 0;
            String name = gguf.has("general.name") ? gguf.getString("general.name") : path.getFileName().toString();
            return new ModelFile(path, name, arch, context, Files.size(path));
        } catch (IOException | RuntimeException e) {
            throw new ValidationException(path + " is not a usable GGUF model: " + e.getMessage());
        }
    }

    /**
     * Loads the model as serving would (weights, tokenizer, template metadata) and closes it again: what an import
     * checks, so that a bad file is refused then rather than at its first request.
     */
    public static ModelFile validate(Path path) {
        ModelFile header = readHeader(path);
        try (LanguageModel model = LanguageModel.load(path, CHECK)) {
            ModelInfo info = model.info();
            return new ModelFile(path, info.name(), info.architecture(), header.contextLength(), header.sizeBytes());
        } catch (IOException | RuntimeException e) {
            throw new ValidationException(path + " is not a usable GGUF model: " + e.getMessage());
        }
    }
}
