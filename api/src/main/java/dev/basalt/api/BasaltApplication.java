package dev.basalt.api;

import dev.basalt.api.auth.RootAuthenticator;
import dev.basalt.api.server.BasaltServer;
import dev.basalt.platform.config.BasaltConfig;
import dev.basalt.platform.security.RootCredentials;
import dev.basalt.platform.storage.DataDirectoryLock;
import dev.basalt.platform.storage.Database;
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
    private final BasaltServer server;
    private final URI uri;

    private BasaltApplication(DataDirectoryLock lock, Database database, JvmGcMetrics gcMetrics,
                              BasaltServer server, URI uri) {
        this.lock = lock;
        this.database = database;
        this.gcMetrics = gcMetrics;
        this.server = server;
        this.uri = uri;
    }

    /** Starts Basalt on {@code dataDir}, accepting requests authenticated with {@code credentials}. */
    public static BasaltApplication start(Path dataDir, BasaltConfig config, RootCredentials credentials)
            throws IOException {
        DataDirectoryLock lock = DataDirectoryLock.acquire(dataDir);
        Database database = null;
        JvmGcMetrics gcMetrics = new JvmGcMetrics();
        try {
            database = Database.openSqlite(dataDir);
            PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            new JvmMemoryMetrics().bindTo(metrics);
            new JvmThreadMetrics().bindTo(metrics);
            new ProcessorMetrics().bindTo(metrics);
            gcMetrics.bindTo(metrics);
            BasaltServer server = BasaltServer.start(config.server(), metrics, database::isHealthy,
                    new RootAuthenticator(credentials, Clock.systemUTC()), List.of());
            return new BasaltApplication(lock, database, gcMetrics, server, server.uri(config.server().host()));
        } catch (RuntimeException | Error e) {
            gcMetrics.close();
            if (database != null) {
                database.close();
            }
            lock.close();
            throw e;
        }
    }

    /** Where the server listens, e.g. {@code http://127.0.0.1:8080}. */
    public URI uri() {
        return uri;
    }

    /** Drains and stops the server, then closes storage and releases the data directory. */
    @Override
    public void close() throws IOException {
        try {
            server.close();
        } finally {
            gcMetrics.close();
            database.close();
            lock.close();
        }
    }
}
