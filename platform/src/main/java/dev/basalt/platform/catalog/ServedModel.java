package dev.basalt.platform.catalog;

import dev.basalt.engine.LanguageModel;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

/**
 * A model this server offers, loaded or not: what the catalog APIs show (from the catalog row or the GGUF header,
 * never by loading it) and {@link #acquire()} to use it. Its load state belongs to the {@link ModelRegistry} and is
 * guarded by the registry's lock.
 */
public final class ServedModel {
    private final ModelRegistry registry;
    private final String id;
    private final ModelFile file;
    private final String source;
    private final LanguageModel.Options options;

    // Guarded by the registry.
    CompletableFuture<RegisteredModel> loaded;
    int leases;
    long lastUsed;
    boolean retired;

    ServedModel(ModelRegistry registry, String id, ModelFile file, String source, LanguageModel.Options options) {
        this.registry = registry;
        this.id = id;
        this.file = file;
        this.source = source;
        this.options = options;
    }

    public String id() {
        return id;
    }

    public Path file() {
        return file.path();
    }

    public String name() {
        return file.name();
    }

    public String architecture() {
        return file.architecture();
    }

    public long sizeBytes() {
        return file.sizeBytes();
    }

    /** {@code file}, {@code import} or {@code hub} for catalogued models; {@code transient} for {@code --model}. */
    public String source() {
        return source;
    }

    public boolean persistent() {
        return !ModelRegistry.TRANSIENT.equals(source);
    }

    LanguageModel.Options options() {
        return options;
    }

    /** What the model counts against {@code models.memoryBudget} while loaded: its mapped file and its KV budget. */
    long memoryCost() {
        return file.sizeBytes() + options.kvBudgetBytes();
    }

    /** The provider shown in the catalog: the part of the id before the first dot ({@code basalt.tiny} → basalt). */
    public String providerName() {
        int dot = id.indexOf('.');
        return dot > 0 ? id.substring(0, dot) : "basalt";
    }

    /** Loads the model if needed (waiting at most {@code models.loadTimeout}) and holds it until the lease closes. */
    public ModelLease acquire() {
        return registry.acquire(this);
    }

    public boolean isLoaded() {
        return registry.isLoaded(this);
    }
}
