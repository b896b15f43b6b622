package dev.basalt.platform.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.engine.gguf.GgmlType;
import dev.basalt.engine.model.Architecture;
import dev.basalt.engine.model.SyntheticModel;
import dev.basalt.platform.jobs.Job;
import dev.basalt.platform.jobs.JobStatus;
import dev.basalt.platform.jobs.JobStore;
import dev.basalt.platform.storage.Database;
import dev.basalt.platform.config.S3StoreConfig;
import dev.basalt.platform.storage.S3Locations;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Import jobs survive a restart: what was queued or running runs again, and a finished import is not repeated. */
class ImportJobsTest {
    @TempDir
    Path dir;

    @Test
    void unfinishedJobsRunAgainAtTheNextStart() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        SyntheticModel.write(Architecture.LLAMA, SyntheticModel.Shape.TINY, GgmlType.Q8_0, 1,
                Files.createDirectories(data.resolve("buckets/models/a")).resolve("a.gguf"));
        SyntheticModel.write(Architecture.LLAMA, SyntheticModel.Shape.TINY, GgmlType.Q8_0, 2,
                Files.createDirectories(data.resolve("buckets/models/b")).resolve("b.gguf"));
        try (Database db = Database.openSqlite(data)) {
            JobStore store = new JobStore(db, Clock.systemUTC());
            ModelCatalog catalog = new ModelCatalog(db);
            ModelImport imports = new ModelImport(catalog, data, Clock.systemUTC());
            // As a crash leaves them: one job never started, one whose model was catalogued just before the crash.
            Job queued = store.create(ImportJobs.KIND,
                    "{\"jobName\":\"ja\",\"modelName\":\"model-a\",\"s3Uri\":\"s3://models/a/\"}");
            Job running = store.create(ImportJobs.KIND,
                    "{\"jobName\":\"jb\",\"modelName\":\"model-b\",\"s3Uri\":\"s3://models/b/\"}");
            store.update(running.id(), JobStatus.RUNNING, 0.5, null);
            imports.importFile(data.resolve("buckets/models/b/b.gguf"), "model-b", "model-b", true);

            try (ImportJobs jobs = new ImportJobs(store, imports, catalog,
                    S3Locations.of(data, S3StoreConfig.defaults()), data.resolve("tmp"))) {
                jobs.resumeUnfinished();
                assertThat(await(store, queued.id()).status()).isEqualTo(JobStatus.SUCCEEDED);
                assertThat(await(store, running.id()).status()).isEqualTo(JobStatus.SUCCEEDED);
            }
            assertThat(catalog.list()).extracting(CatalogEntry::id).containsExactlyInAnyOrder("model-a", "model-b");
            assertThat(Files.list(ModelImport.directory(data)).toList()).hasSize(2);
            assertThat(data.resolve("tmp")).isEmptyDirectory(); // each job's copy of its files is gone
        }
    }

    private static Job await(JobStore store, String id) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Job job = store.get(id);
        while (!job.status().isFinished() && System.nanoTime() < deadline) {
            Thread.sleep(20);
            job = store.get(id);
        }
        return job;
    }
}
