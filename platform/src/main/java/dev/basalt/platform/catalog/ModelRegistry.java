package dev.basalt.platform.catalog;

import dev.basalt.engine.LanguageModel;
import dev.basalt.platform.config.DataSize;
import dev.basalt.platform.errors.BasaltException;
import dev.basalt.platform.errors.InternalException;
import dev.basalt.platform.errors.ModelNotReadyException;
import dev.basalt.platform.errors.NotFoundException;
import dev.basalt.platform.errors.ServiceUnavailableException;
import dev.basalt.platform.errors.ValidationException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The models this server offers, by id: every model of the persistent catalog (re-read on each listing and on each
 * lookup of an unknown id, so a model imported while the server runs appears without a restart) plus the transient
 * ones of {@code basalt serve --model ID=PATH}.
 *
 * <p>Models load on first use and stay loaded while they fit: loaded models together stay within a memory budget
 * (see {@link ServedModel#memoryCost()}); loading one that would pass it unloads the least recently used models
 * that no request holds. A request holds its model through a {@link ModelLease}. Concurrent first requests for one
 * model share one load; a request waits for its model (or for memory to free up) at most the load timeout.
 */
public final class ModelRegistry implements AutoCloseable {
    static final String TRANSIENT = "transient";
    private static final Logger LOG = LoggerFactory.getLogger(ModelRegistry.class);
    /** The ARN resource types under which Bedrock accepts a model: the id is the last path element. */
    private static final Pattern MODEL_ARN = Pattern.compile(
            "arn:aws[a-z-]*:bedrock:[a-z0-9-]*:[0-9]*:(foundation-model|custom-model|imported-model|inference-profile"
                    + "|application-inference-profile|provisioned-model)/(.+)");

    private final Supplier<List<CatalogEntry>> catalog;
    private final LanguageModel.Options catalogOptions;
    private final long memoryBudget;
    private final Duration loadTimeout;
    private final ModelLoader loader;
    private final Map<String, ServedModel> models = new LinkedHashMap<>();
    private long memoryUsed;
    private long useClock;
    private boolean closed;

    /**
     * @param catalog        the persistent catalog's rows (read again on each refresh)
     * @param catalogOptions the engine options catalogued models load with
     */
    public ModelRegistry(Supplier<List<CatalogEntry>> catalog, LanguageModel.Options catalogOptions,
                         DataSize memoryBudget, Duration loadTimeout, ModelLoader loader) {
        this.catalog = catalog;
        this.catalogOptions = catalogOptions;
        this.memoryBudget = memoryBudget.bytes();
        this.loadTimeout = loadTimeout;
        this.loader = loader;
    }

    /**
     * Offers {@code file} as {@code id} until the server stops (not persisted). Reads the file's header only; the
     * model loads on first use. The id must be free among catalogued and transient models.
     */
    public ServedModel addTransient(String id, Path file, LanguageModel.Options options) {
        ModelIds.check(id);
        ModelFile header;
        try {
            header = ModelFile.readHeader(file);
        } catch (ValidationException e) {
            throw new ValidationException("model '" + id + "': " + e.getMessage());
        }
        refresh();
        synchronized (this) {
            ServedModel existing = models.get(id);
            if (existing != null) {
                throw new ValidationException("model id '" + id + "' is registered twice" + (existing.persistent()
                        ? ": the catalog has it too (" + existing.file() + "); pick another id or run basalt models rm " + id
                        : ""));
            }
            ServedModel model = new ServedModel(this, id, header, TRANSIENT, options);
            models.put(id, model);
            return model;
        }
    }

    /** Every model offered, loaded or not, catalogued ones re-read from the catalog. */
    public List<ServedModel> list() {
        refresh();
        synchronized (this) {
            return new ArrayList<>(models.values());
        }
    }

    /** The model named by a Bedrock model id or ARN (URL-decoded); {@link NotFoundException} when none is. */
    public ServedModel resolve(String modelIdOrArn) {
        ServedModel model = find(modelIdOrArn);
        if (model == null) {
            refresh();
            model = find(modelIdOrArn);
        }
        if (model == null) {
            List<String> ids = list().stream().map(ServedModel::id).toList();
            throw new NotFoundException("The model " + modelIdOrArn + " does not exist. Models served here: "
                    + (ids.isEmpty() ? "none (basalt models import, or basalt serve --model ID=PATH)" : String.join(", ", ids)));
        }
        return model;
    }

    /**
     * The model named by an id or ARN among those this registry knows now, without re-reading the catalog (which
     * {@link #resolve} does on a miss): for callers that have somewhere else to look first.
     */
    public Optional<ServedModel> known(String modelIdOrArn) {
        return Optional.ofNullable(find(modelIdOrArn));
    }

    /** The model id a Bedrock model id or ARN names: the ARN's last path element, or the id itself. */
    public static String idOf(String modelIdOrArn) {
        var arn = MODEL_ARN.matcher(modelIdOrArn);
        return arn.matches() ? arn.group(2) : modelIdOrArn;
    }

    /** Loads {@code id} now (basalt serve --preload), waiting for it like a request would. */
    public void preload(String id) {
        resolve(id).acquire().close();
    }

    private synchronized ServedModel find(String modelIdOrArn) {
        String id = modelIdOrArn;
        var arn = MODEL_ARN.matcher(modelIdOrArn);
        if (arn.matches()) {
            id = arn.group(2);
            // Cross-region inference profiles prefix the model id with a geography (us., eu., apac., global.).
            if (arn.group(1).endsWith("inference-profile") && !models.containsKey(id)) {
                id = id.substring(id.indexOf('.') + 1);
            }
        }
        return models.get(id);
    }

    /**
     * Brings the catalogued models in line with the catalog: new rows appear, removed ones retire. Called by every
     * listing and unknown-id lookup; a change made through this server calls it at once.
     */
    public void refresh() {
        List<CatalogEntry> rows = catalog.get(); // outside the lock: a database read must not stall leases
        List<RegisteredModel> unloaded = new ArrayList<>();
        synchronized (this) {
            Set<String> listed = new HashSet<>();
            for (CatalogEntry row : rows) {
                listed.add(row.id());
                ServedModel current = models.get(row.id());
                if (current != null && !current.persistent()) {
                    LOG.warn("catalogued model '{}' is hidden by the --model of the same id", row.id());
                    continue;
                }
                if (current != null && current.file().equals(row.path())) {
                    continue;
                }
                if (current != null) {
                    retire(current, unloaded);
                }
                ModelFile file = new ModelFile(row.path(), row.name(), row.architecture(), row.contextLength(),
                        row.sizeBytes());
                models.put(row.id(), new ServedModel(this, row.id(), file, row.source().wireName(), catalogOptions));
            }
            for (ServedModel model : List.copyOf(models.values())) {
                if (model.persistent() && !listed.contains(model.id())) {
                    retire(model, unloaded);
                }
            }
        }
        unloaded.forEach(m -> m.model().close());
    }

    /** Takes a model out of the offer; it unloads now if idle, else when its last lease closes. */
    private void retire(ServedModel model, List<RegisteredModel> unloaded) {
        models.remove(model.id());
        model.retired = true;
        if (model.leases == 0) {
            unload(model, unloaded);
        }
    }

    ModelLease acquire(ServedModel model) {
        long deadline = System.nanoTime() + loadTimeout.toNanos();
        CompletableFuture<RegisteredModel> loading;
        boolean startLoad = false;
        List<RegisteredModel> evicted = new ArrayList<>();
        synchronized (this) {
            if (model.retired || closed) {
                throw new NotFoundException("The model " + model.id() + " is no longer served here.");
            }
            model.leases++;
            model.lastUsed = ++useClock;
            try {
                while (model.loaded == null) {
                    long cost = model.memoryCost();
                    if (cost > memoryBudget) {
                        throw new ServiceUnavailableException("The model " + model.id() + " needs " + new DataSize(cost)
                                + " (file " + new DataSize(model.sizeBytes()) + " + KV cache "
                                + new DataSize(model.options().kvBudgetBytes()) + ") but models.memoryBudget is "
                                + new DataSize(memoryBudget) + "; raise models.memoryBudget to serve it.");
                    }
                    evictFor(cost, evicted);
                    if (memoryUsed + cost <= memoryBudget) {
                        model.loaded = new CompletableFuture<>();
                        memoryUsed += cost;
                        startLoad = true;
                    } else {
                        // Every loaded model is in use: wait for a lease to close.
                        long wait = deadline - System.nanoTime();
                        if (wait <= 0) {
                            throw notReady(model, "other models in use fill models.memoryBudget");
                        }
                        TimeUnit.NANOSECONDS.timedWait(this, wait);
                        if (model.retired || closed) {
                            throw new NotFoundException("The model " + model.id() + " is no longer served here.");
                        }
                    }
                }
                loading = model.loaded;
            } catch (RuntimeException e) {
                releaseLocked(model, evicted);
                closeAll(evicted);
                throw e;
            } catch (InterruptedException e) {
                releaseLocked(model, evicted);
                closeAll(evicted);
                Thread.currentThread().interrupt();
                throw new InternalException(e);
            }
        }
        closeAll(evicted);
        if (startLoad) {
            Thread.ofVirtual().name("load-" + model.id()).start(() -> load(model, loading));
        }
        try {
            return new ModelLease(this, model, loading.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
        } catch (TimeoutException e) {
            release(model);
            throw notReady(model, "it is still loading");
        } catch (ExecutionException e) {
            release(model);
            throw e.getCause() instanceof BasaltException b ? b
                    : new ServiceUnavailableException("The model " + model.id() + " cannot be loaded from "
                            + model.file() + ": " + e.getCause().getMessage());
        } catch (InterruptedException e) {
            release(model);
            Thread.currentThread().interrupt();
            throw new InternalException(e);
        }
    }

    private ModelNotReadyException notReady(ServedModel model, String why) {
        return new ModelNotReadyException("The model " + model.id() + " is not ready (" + why + ") after waiting "
                + loadTimeout.toMillis() + " ms (models.loadTimeout). Try again shortly.");
    }

    /** Runs on its own thread, so that a load continues for later requests when its first caller stops waiting. */
    private void load(ServedModel model, CompletableFuture<RegisteredModel> loading) {
        RegisteredModel loaded;
        try {
            loaded = loader.load(model.id(), model.file(), model.options());
        } catch (Throwable e) {
            synchronized (this) {
                if (model.loaded == loading) {
                    model.loaded = null;
                    memoryUsed -= model.memoryCost();
                    notifyAll();
                }
            }
            loading.completeExceptionally(e);
            return;
        }
        loading.complete(loaded);
        List<RegisteredModel> unloaded = new ArrayList<>();
        synchronized (this) {
            if (closed || (model.retired && model.leases == 0)) {
                unload(model, unloaded);
            }
        }
        closeAll(unloaded);
    }

    /** Unloads idle models, least recently used first, until {@code cost} fits (or none is left to unload). */
    private void evictFor(long cost, List<RegisteredModel> evicted) {
        List<ServedModel> idle = models.values().stream()
                .filter(m -> m.leases == 0 && m.loaded != null && m.loaded.isDone())
                .sorted(Comparator.comparingLong(m -> m.lastUsed))
                .toList();
        for (ServedModel victim : idle) {
            if (memoryUsed + cost <= memoryBudget) {
                return;
            }
            unload(victim, evicted);
        }
    }

    /** Marks a loaded model unloaded; the caller closes the engine model outside the lock. */
    private void unload(ServedModel model, List<RegisteredModel> unloaded) {
        CompletableFuture<RegisteredModel> loaded = model.loaded;
        if (loaded == null || !loaded.isDone()) {
            return; // not loaded, or still loading: the loader thread unloads it if it must
        }
        model.loaded = null;
        memoryUsed -= model.memoryCost();
        if (!loaded.isCompletedExceptionally()) {
            unloaded.add(loaded.join());
        }
        notifyAll();
    }

    void release(ServedModel model) {
        List<RegisteredModel> unloaded = new ArrayList<>();
        synchronized (this) {
            releaseLocked(model, unloaded);
        }
        closeAll(unloaded);
    }

    private void releaseLocked(ServedModel model, List<RegisteredModel> unloaded) {
        model.leases--;
        model.lastUsed = ++useClock;
        if (model.leases == 0 && (model.retired || closed)) {
            unload(model, unloaded);
        }
        notifyAll();
    }

    synchronized boolean isLoaded(ServedModel model) {
        return model.loaded != null && model.loaded.isDone() && !model.loaded.isCompletedExceptionally();
    }

    private static void closeAll(List<RegisteredModel> models) {
        models.forEach(m -> m.model().close());
        models.clear();
    }

    /** Unloads every idle model; models in use unload when their last lease closes. */
    @Override
    public void close() {
        List<RegisteredModel> unloaded = new ArrayList<>();
        synchronized (this) {
            closed = true;
            for (ServedModel model : models.values()) {
                if (model.leases == 0) {
                    unload(model, unloaded);
                }
            }
            notifyAll();
        }
        closeAll(unloaded);
    }
}
