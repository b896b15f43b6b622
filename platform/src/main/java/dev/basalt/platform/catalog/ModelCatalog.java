package dev.basalt.platform.catalog;

import dev.basalt.platform.errors.ConflictException;
import dev.basalt.platform.storage.Database;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The persistent model catalog: the {@code models} table. Only rows; the files and loading them are the callers'
 * ({@link ModelImport}, {@link ModelRegistry}). Several processes may use it at once (the CLI beside a running
 * server): every call is one short transaction on the shared database.
 */
public final class ModelCatalog {
    private static final String COLUMNS =
            "id, name, source, hub_ref, path, size_bytes, sha256, architecture, context_length, created_at";

    private final Database database;

    public ModelCatalog(Database database) {
        this.database = database;
    }

    /** Adds {@code entry}; a {@link ConflictException} when its id is taken. */
    public void add(CatalogEntry entry) {
        ModelIds.check(entry.id());
        database.inTransaction(c -> {
            if (!Database.query(c, "SELECT id FROM models WHERE id = ?", row -> row.getString(1), entry.id()).isEmpty()) {
                throw new ConflictException("a model with id '" + entry.id() + "' is already in the catalog");
            }
            return Database.update(c, "INSERT INTO models (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    entry.id(), entry.name(), entry.source().wireName(), entry.hubRef(), entry.path().toString(),
                    entry.sizeBytes(), entry.sha256(), entry.architecture(), entry.contextLength(),
                    entry.createdAt().toEpochMilli());
        });
    }

    /** Every model, by id. */
    public List<CatalogEntry> list() {
        return database.query("SELECT " + COLUMNS + " FROM models ORDER BY id", ModelCatalog::entry);
    }

    public Optional<CatalogEntry> find(String id) {
        return database.queryOne("SELECT " + COLUMNS + " FROM models WHERE id = ?", ModelCatalog::entry, id);
    }

    /** The model registered with this file, if any (a pull that is already registered). */
    public Optional<CatalogEntry> findByPath(Path path) {
        return database.queryOne("SELECT " + COLUMNS + " FROM models WHERE path = ?", ModelCatalog::entry,
                path.toString());
    }

    /** Removes the row; false when there was none. */
    public boolean remove(String id) {
        return database.update("DELETE FROM models WHERE id = ?", id) > 0;
    }

    private static CatalogEntry entry(ResultSet row) throws SQLException {
        return new CatalogEntry(row.getString("id"), row.getString("name"),
                ModelSource.fromWireName(row.getString("source")), row.getString("hub_ref"),
                Path.of(row.getString("path")), row.getLong("size_bytes"), row.getString("sha256"),
                row.getString("architecture"), row.getInt("context_length"),
                Instant.ofEpochMilli(row.getLong("created_at")));
    }
}
