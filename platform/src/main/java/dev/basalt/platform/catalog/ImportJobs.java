package dev.basalt.platform.catalog;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.basalt.engine.gguf.GgmlType;
import dev.basalt.platform.errors.BasaltException;
import dev.basalt.platform.errors.ConflictException;
import dev.basalt.platform.errors.InternalException;
import dev.basalt.platform.errors.NotFoundException;
import dev.basalt.platform.errors.ValidationException;
import dev.basalt.platform.jobs.Job;
import dev.basalt.platform.jobs.JobStatus;
import dev.basalt.platform.jobs.JobStore;
import dev.basalt.platform.storage.S3Locations;
import dev.basalt.platform.storage.S3Uri;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Model import jobs (Bedrock's CreateModelImportJob): a model at an {@code s3://} location — a Hugging Face folder,
 * converted to GGUF, or a GGUF file, copied — becomes a catalogued model named by the job. The location (a local
 * bucket folder or a bucket of the S3-compatible store) is first copied into a scratch folder, deleted afterwards. Jobs are durable: one
 * that was running when the server stopped runs again at the next start (the catalog entry is added last, so a
 * finished import is recognised and not repeated).
 */
public final class ImportJobs implements AutoCloseable {
    public static final String KIND = "model-import";
    private static final Logger LOG = LoggerFactory.getLogger(ImportJobs.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Bedrock's rule for job and imported-model names. */
    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9](-*[a-zA-Z0-9+\\-.])*");
    private static final int MAX_NAME_LENGTH = 63;

    /** What a job imports; stored as the job's spec. */
    public record Spec(String jobName, String modelName, String s3Uri) {}

    private final JobStore jobs;
    private final ModelImport imports;
    private final ModelCatalog catalog;
    private final S3Locations locations;
    private final Path scratch;
    private final ExecutorService runner = Executors.newVirtualThreadPerTaskExecutor();

    /** {@code scratch}: the folder where each job copies its model's files while it runs. */
    public ImportJobs(JobStore jobs, ModelImport imports, ModelCatalog catalog, S3Locations locations, Path scratch) {
        this.jobs = jobs;
        this.imports = imports;
        this.catalog = catalog;
        this.locations = locations;
        this.scratch = scratch;
    }

    /** Checks the request, records the job and starts it; the caller polls {@link #get}. */
    public Job start(Spec spec) {
        checkName("jobName", spec.jobName());
        checkName("importedModelName", spec.modelName());
        ModelIds.check(spec.modelName());
        locations.requireBucket(S3Uri.parse(spec.s3Uri()).bucket());
        if (list().stream().anyMatch(j -> spec(j).jobName().equals(spec.jobName()))) {
            throw new ConflictException("A model import job named " + spec.jobName() + " already exists.");
        }
        if (catalog.find(spec.modelName()).isPresent()) {
            throw new ConflictException("A model named " + spec.modelName() + " already exists.");
        }
        Job job = jobs.create(KIND, write(spec));
        runner.execute(() -> run(job.id()));
        return job;
    }

    /** Runs again the jobs that were queued or running when the server last stopped. */
    public void resumeUnfinished() {
        jobs.unfinished().stream().filter(j -> j.kind().equals(KIND)).forEach(j -> runner.execute(() -> run(j.id())));
    }

    /** A job by id or name. */
    public Job get(String idOrName) {
        return list().stream().filter(j -> j.id().equals(idOrName) || spec(j).jobName().equals(idOrName)).findFirst()
                .orElseThrow(() -> new NotFoundException("The model import job " + idOrName + " does not exist."));
    }

    /** Every import job, newest first. */
    public List<Job> list() {
        return jobs.list(KIND);
    }

    public Spec spec(Job job) {
        try {
            return JSON.readValue(job.spec(), Spec.class);
        } catch (JsonProcessingException e) {
            throw new InternalException(e);
        }
    }

    private void run(String id) {
        Job job = jobs.get(id);
        Spec spec = spec(job);
        Path workDir = scratch.resolve("import-" + id);
        try {
            if (catalog.find(spec.modelName()).isPresent()) {
                jobs.update(id, JobStatus.SUCCEEDED, 1, spec.modelName()); // finished before a restart
                return;
            }
            jobs.update(id, JobStatus.RUNNING, 0, null);
            deleteTree(workDir); // left by a run that stopped midway
            Path source = locations.materialize(S3Uri.parse(spec.s3Uri()), workDir);
            if (Files.isRegularFile(source) || singleGguf(source) != null) {
                Path file = Files.isRegularFile(source) ? source : singleGguf(source);
                imports.importFile(file, spec.modelName(), spec.modelName(), true);
            } else if (Files.isRegularFile(source.resolve("config.json"))) {
                imports.importFolder(source, spec.modelName(), spec.modelName(), GgmlType.Q8_0,
                        (done, total) -> jobs.update(id, JobStatus.RUNNING, total == 0 ? 0 : (double) done / total, null));
            } else {
                throw new ValidationException("No model at " + spec.s3Uri() + ": expected a .gguf file, or a Hugging "
                        + "Face folder with config.json, *.safetensors and tokenizer.json");
            }
            jobs.update(id, JobStatus.SUCCEEDED, 1, spec.modelName());
        } catch (BasaltException | IOException | UncheckedIOException e) {
            fail(id, e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("model import job {} failed", id, e);
            fail(id, "The import failed because of an internal error; the server log has the details.");
        } finally {
            try {
                deleteTree(workDir);
            } catch (IOException e) {
                LOG.warn("cannot delete the scratch folder {} of model import job {}", workDir, id, e);
            }
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private void fail(String id, String reason) {
        try {
            jobs.update(id, JobStatus.FAILED, 0, reason);
        } catch (ConflictException alreadyFinished) {
            LOG.debug("job {} finished before its failure was recorded", id);
        }
    }

    /** The one .gguf file directly in {@code folder}, or null. */
    private static Path singleGguf(Path folder) {
        if (!Files.isDirectory(folder)) {
            return null;
        }
        try (Stream<Path> files = Files.list(folder)) {
            List<Path> ggufs = files.filter(f -> f.getFileName().toString().endsWith(".gguf")).toList();
            return ggufs.size() == 1 ? ggufs.getFirst() : null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void checkName(String field, String name) {
        if (name == null || name.isEmpty() || name.length() > MAX_NAME_LENGTH || !NAME.matcher(name).matches()) {
            throw new ValidationException(field + " must be 1 to " + MAX_NAME_LENGTH + " letters, digits, + - and ., "
                    + "starting with a letter or digit; got '" + name + "'");
        }
    }

    private static String write(Spec spec) {
        try {
            return JSON.writeValueAsString(spec);
        } catch (JsonProcessingException e) {
            throw new InternalException(e);
        }
    }

    /** Stops taking work; a running import finishes in the background or runs again at the next start. */
    @Override
    public void close() {
        runner.shutdown();
    }
}
