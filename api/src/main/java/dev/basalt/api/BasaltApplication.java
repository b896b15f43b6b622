package dev.basalt.api;

import dev.basalt.api.auth.RootAuthenticator;
import dev.basalt.api.bedrock.BedrockCatalogRoutes;
import dev.basalt.api.bedrock.BedrockRuntimeRoutes;
import dev.basalt.api.bedrock.ModelImportRoutes;
import dev.basalt.api.bedrock.invoke.InvokeModelRoutes;
import dev.basalt.api.openai.OpenAiRoutes;
import dev.basalt.api.server.BasaltServer;
import dev.basalt.engine.LanguageModel;
import dev.basalt.platform.catalog.ImportJobs;
import dev.basalt.platform.catalog.ModelCatalog;
import dev.basalt.platform.catalog.ModelImport;
import dev.basalt.platform.catalog.ModelLoader;
import dev.basalt.platform.catalog.ModelRegistry;
import dev.basalt.platform.config.BasaltConfig;
import dev.basalt.platform.documents.DocumentText;
import dev.basalt.platform.embeddings.EmbeddingModels;
import dev.basalt.platform.jobs.JobStore;
import dev.basalt.platform.providers.ModelGateway;
import dev.basalt.platform.providers.Providers;
import dev.basalt.platform.runtime.ConverseService;
import dev.basalt.platform.security.RootCredentials;
import dev.basalt.platform.storage.DataDirectoryLock;
import dev.basalt.platform.storage.Database;
import dev.basalt.platform.storage.S3Locations;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/**
 * One running Basalt: the data directory (locked), the database, metrics and the HTTP server, started in
 * that order and closed in reverse. Used by {@code basalt serve} and by tests.
 */
public final class BasaltApplication implements AutoCloseable {
    private final DataDirectoryLock lock;
    private final Database database;
    private final JvmGcMetrics gcMetrics;
    private final ModelRegistry models;
    private final ImportJobs importJobs;
    private final S3Locations locations;
    private final Providers providers;
    private final DocumentText documents;
    private final EmbeddingModels embeddingModels;
    private final BasaltServer server;
    private final URI uri;

    private BasaltApplication(DataDirectoryLock lock, Database database, JvmGcMetrics gcMetrics, ModelRegistry models,
                              ImportJobs importJobs, S3Locations locations, Providers providers, DocumentText documents,
                              EmbeddingModels embeddingModels, BasaltServer server, URI uri) {
        this.lock = lock;
        this.database = database;
        this.gcMetrics = gcMetrics;
        this.models = models;
        this.importJobs = importJobs;
        this.locations = locations;
        this.providers = providers;
        this.documents = documents;
        this.embeddingModels = embeddingModels;
        this.server = server;
        this.uri = uri;
    }

    /** Documents parsed at once (Converse document blocks); more wait, so parsing cannot take every core. */
    private static final int DOCUMENT_PARSERS = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);

    /** A model to serve ({@code basalt serve --model ID=PATH}), with the engine options to load it with. */
    public record ModelSpec(String id, Path file, LanguageModel.Options options) {
        public ModelSpec(String id, Path file) {
            this(id, file, LanguageModel.Options.defaults());
        }
    }

    /**
     * Starts Basalt on {@code dataDir}, serving the models of its catalog and {@code modelSpecs} (loaded on first
     * use, except {@code preload}) and accepting requests authenticated with {@code credentials}.
     */
    public static BasaltApplication start(Path dataDir, BasaltConfig config, RootCredentials credentials,
                                          List<ModelSpec> modelSpecs, List<String> preload) throws IOException {
        DataDirectoryLock lock = DataDirectoryLock.acquire(dataDir);
        Database database = null;
        JvmGcMetrics gcMetrics = new JvmGcMetrics();
        ModelRegistry models = null;
        ImportJobs importJobs = null;
        S3Locations locations = null;
        Providers providers = null;
        DocumentText documents = new DocumentText(DOCUMENT_PARSERS);
        EmbeddingModels embeddingModels = new EmbeddingModels();
        try {
            database = Database.openSqlite(dataDir);
            ModelCatalog catalog = new ModelCatalog(database);
            ModelImport imports = new ModelImport(catalog, dataDir, Clock.systemUTC());
            locations = S3Locations.of(dataDir, config.storage().s3());
            importJobs = new ImportJobs(new JobStore(database, Clock.systemUTC()), imports, catalog, locations,
                    dataDir.resolve("tmp"));
            importJobs.resumeUnfinished();
            models = new ModelRegistry(catalog::list, LanguageModel.Options.defaults(),
                    config.models().memoryBudget(), config.models().loadTimeout(), ModelLoader.ENGINE);
            for (ModelSpec spec : modelSpecs) {
                models.addTransient(spec.id(), spec.file(), spec.options());
            }
            for (String id : preload) {
                models.preload(id);
            }
            PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            new JvmMemoryMetrics().bindTo(metrics);
            new JvmThreadMetrics().bindTo(metrics);
            new ProcessorMetrics().bindTo(metrics);
            gcMetrics.bindTo(metrics);
            ConverseService converse = new ConverseService(config.inference().requestTimeout());
            providers = Providers.fromConfig(config.providers(), Clock.systemUTC());
            ModelGateway gateway = new ModelGateway(models, converse, providers);
            BasaltServer server = BasaltServer.start(config.server(), metrics, database::isHealthy,
                    new RootAuthenticator(credentials, Clock.systemUTC()),
                    List.of(new BedrockRuntimeRoutes(gateway, converse, documents), new InvokeModelRoutes(gateway, converse, embeddingModels),
                            new BedrockCatalogRoutes(gateway), new ModelImportRoutes(importJobs, catalog, imports, models),
                            new OpenAiRoutes(gateway, converse, embeddingModels)));
            return new BasaltApplication(lock, database, gcMetrics, models, importJobs, locations, providers, documents,
                    embeddingModels, server, server.uri(config.server().host()));
        } catch (RuntimeException | Error e) {
            embeddingModels.close();
            documents.close();
            if (importJobs != null) {
                importJobs.close();
            }
            if (locations != null) {
                locations.close();
            }
            if (providers != null) {
                providers.close();
            }
            if (models != null) {
                models.close();
            }
            gcMetrics.close();
            if (database != null) {
                database.close();
            }
            lock.close();
            throw e;
        }
    }

    /** As {@link #start(Path, BasaltConfig, RootCredentials, List, List)}, preloading nothing. */
    public static BasaltApplication start(Path dataDir, BasaltConfig config, RootCredentials credentials,
                                          List<ModelSpec> modelSpecs) throws IOException {
        return start(dataDir, config, credentials, modelSpecs, List.of());
    }

    /** Where the server listens, e.g. {@code http://127.0.0.1:8080}. */
    public URI uri() {
        return uri;
    }

    /** The models this application serves (benchmarks call the engine on the same model as the server). */
    public ModelRegistry models() {
        return models;
    }

    /** Drains and stops the server, then closes storage and releases the data directory. */
    @Override
    public void close() throws IOException {
        try {
            server.close();
        } finally {
            importJobs.close();
            locations.close();
            providers.close();
            embeddingModels.close();
            documents.close();
            models.close();
            gcMetrics.close();
            database.close();
            lock.close();
        }
    }
}
