package dev.basalt.platform.jobs;

import dev.basalt.platform.errors.ConflictException;
import dev.basalt.platform.errors.NotFoundException;
import dev.basalt.platform.storage.Database;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Persists {@link Job}s in the {@link Database}, so that long work survives a restart. */
public final class JobStore {
    private static final String COLUMNS = "id, kind, status, progress, spec, message, created_at, updated_at";

    private final Database db;
    private final Clock clock;

    public JobStore(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /** Records a new QUEUED job. */
    public Job create(String kind, String spec) {
        long now = clock.millis();
        String id = UUID.randomUUID().toString();
        db.update("INSERT INTO jobs (" + COLUMNS + ") VALUES (?, ?, ?, 0, ?, NULL, ?, ?)",
                id, kind, JobStatus.QUEUED.name(), spec, now, now);
        return get(id);
    }

    public Optional<Job> find(String id) {
        return db.queryOne("SELECT " + COLUMNS + " FROM jobs WHERE id = ?", JobStore::map, id);
    }

    public Job get(String id) {
        return find(id).orElseThrow(() -> new NotFoundException("job " + id + " not found"));
    }

    /** Jobs of one kind, newest first. */
    public List<Job> list(String kind) {
        return db.query("SELECT " + COLUMNS + " FROM jobs WHERE kind = ? ORDER BY created_at DESC, id",
                JobStore::map, kind);
    }

    /** Jobs that were queued or running when the server last stopped: the ones to resume. */
    public List<Job> unfinished() {
        return db.query("SELECT " + COLUMNS + " FROM jobs WHERE status IN (?, ?, ?) ORDER BY created_at, id",
                JobStore::map, JobStatus.QUEUED.name(), JobStatus.RUNNING.name(), JobStatus.STOPPING.name());
    }

    /**
     * Moves a job on. A finished job never changes again (its result is final), so a late update from a
     * worker that lost a race with a stop request is refused.
     */
    public Job update(String id, JobStatus status, double progress, String message) {
        int changed = db.update("UPDATE jobs SET status = ?, progress = ?, message = ?, updated_at = ? "
                        + "WHERE id = ? AND status NOT IN (?, ?, ?)",
                status.name(), Math.clamp(progress, 0.0, 1.0), message, clock.millis(), id,
                JobStatus.SUCCEEDED.name(), JobStatus.FAILED.name(), JobStatus.STOPPED.name());
        if (changed == 0) {
            Job job = get(id);
            throw new ConflictException("job " + id + " is already " + job.status());
        }
        return get(id);
    }

    private static Job map(ResultSet r) throws SQLException {
        return new Job(r.getString("id"), r.getString("kind"), JobStatus.valueOf(r.getString("status")),
                r.getDouble("progress"), r.getString("spec"), r.getString("message"),
                Instant.ofEpochMilli(r.getLong("created_at")), Instant.ofEpochMilli(r.getLong("updated_at")));
    }
}
