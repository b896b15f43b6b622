package dev.basalt.platform.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.basalt.platform.errors.ConflictException;
import dev.basalt.platform.errors.NotFoundException;
import dev.basalt.platform.storage.Database;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobStoreTest {
    @TempDir
    Path dir;

    @Test
    void databaseIsMigratedAndUsesWriteAheadLogging() {
        try (Database db = Database.openSqlite(dir)) {
            assertThat(db.queryOne("PRAGMA journal_mode", r -> r.getString(1))).contains("wal");
            assertThat(db.query("SELECT version FROM flyway_schema_history WHERE success = 1", r -> r.getString(1)))
                    .contains("1");
            assertThat(db.isHealthy()).isTrue();
        }
    }

    @Test
    void jobsAreCreatedUpdatedListedAndSurviveARestart() {
        String id;
        try (Database db = Database.openSqlite(dir)) {
            JobStore jobs = new JobStore(db, Clock.systemUTC());
            Job job = jobs.create("model-import", "{\"source\":\"s3://b/m.gguf\"}");
            id = job.id();
            assertThat(job.status()).isEqualTo(JobStatus.QUEUED);
            assertThat(jobs.update(id, JobStatus.RUNNING, 0.4, "copying").progress()).isEqualTo(0.4);
            Job done = jobs.create("model-import", "{}");
            jobs.update(done.id(), JobStatus.SUCCEEDED, 1, null);
            jobs.create("ingestion", "{}");
            assertThat(jobs.list("model-import")).extracting(Job::id).containsExactlyInAnyOrder(id, done.id());
        }
        try (Database reopened = Database.openSqlite(dir)) { // a restart: same file, migrations already applied
            JobStore jobs = new JobStore(reopened, Clock.systemUTC());
            Job running = jobs.get(id);
            assertThat(running.status()).isEqualTo(JobStatus.RUNNING);
            assertThat(running.message()).isEqualTo("copying");
            assertThat(running.spec()).isEqualTo("{\"source\":\"s3://b/m.gguf\"}");
            assertThat(jobs.unfinished()).extracting(Job::kind).containsExactlyInAnyOrder("model-import", "ingestion");
        }
    }

    @Test
    void finishedJobsAreFinalAndMissingJobsAreNotFound() {
        try (Database db = Database.openSqlite(dir)) {
            JobStore jobs = new JobStore(db, Clock.systemUTC());
            Job job = jobs.create("batch", "{}");
            jobs.update(job.id(), JobStatus.STOPPED, 0.5, "stopped by user");
            assertThatThrownBy(() -> jobs.update(job.id(), JobStatus.SUCCEEDED, 1, null))
                    .isInstanceOf(ConflictException.class).hasMessageContaining("already STOPPED");
            assertThatThrownBy(() -> jobs.get("nope")).isInstanceOf(NotFoundException.class);
            assertThatThrownBy(() -> jobs.update("nope", JobStatus.RUNNING, 0, null)).isInstanceOf(NotFoundException.class);
        }
    }
}
