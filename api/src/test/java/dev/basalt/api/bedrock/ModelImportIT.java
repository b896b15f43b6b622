package dev.basalt.api.bedrock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.basalt.api.BasaltApplication;
import dev.basalt.api.EmbeddedTestServerLauncher;
import dev.basalt.engine.gguf.GgmlType;
import dev.basalt.engine.model.Architecture;
import dev.basalt.engine.model.SyntheticModel;
import dev.basalt.testkit.ReferenceData;
import dev.basalt.testkit.clients.Clients;
import dev.basalt.testkit.s3.S3ProxyServer;
import dev.basalt.testkit.server.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.bedrock.BedrockClient;
import software.amazon.awssdk.services.bedrock.model.ConflictException;
import software.amazon.awssdk.services.bedrock.model.GetModelImportJobResponse;
import software.amazon.awssdk.services.bedrock.model.ModelImportJobStatus;
import software.amazon.awssdk.services.bedrock.model.ModelImportJobSummary;
import software.amazon.awssdk.services.bedrock.model.ImportedModelSummary;
import software.amazon.awssdk.services.bedrock.model.ResourceNotFoundException;
import software.amazon.awssdk.services.bedrock.model.ValidationException;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClient;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseResponse;

/**
 * Custom model import through the real SDK: a Hugging Face folder in a local bucket becomes a served model
 * (converted to Q8_0 GGUF) that answers exactly as llama.cpp's own Q8_0 file of the same model does; a GGUF in a
 * bucket of an S3-compatible store (S3Proxy on loopback, SigV4, path-style) answers as the same file served directly;
 * jobs list and fail clearly; deleting the imported model stops serving it.
 */
class ModelImportIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ROLE = "arn:aws:iam::000000000000:role/import";

    @Test
    void aHuggingFaceFolderInABucketBecomesAServedModel(@TempDir Path dir) throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        Path stories = Files.createDirectories(data.resolve("buckets/models/tinystories"));
        try (Stream<Path> files = Files.list(ReferenceData.require("models/tinystories-656k-hf"))) {
            for (Path f : files.toList()) {
                Files.copy(f, stories.resolve(f.getFileName()));
            }
        }
        Files.write(Files.createDirectories(data.resolve("buckets/models/broken")).resolve("notes.txt"), new byte[] {1});
        Path reference = ReferenceData.require("models/tinystories-656k-q8_0.gguf");
        try (TestServer server = EmbeddedTestServerLauncher.start(data, Map.of(),
                List.of(new BasaltApplication.ModelSpec("basalt.reference", reference)));
             BedrockClient bedrock = Clients.aws(BedrockClient.builder(), server);
             BedrockRuntimeClient runtime = Clients.aws(BedrockRuntimeClient.builder(), server)) {
            String jobArn = bedrock.createModelImportJob(r -> r.jobName("import-stories").importedModelName("tinystories")
                    .roleArn(ROLE).modelDataSource(s -> s.s3DataSource(s3 -> s3.s3Uri("s3://models/tinystories/"))))
                    .jobArn();
            GetModelImportJobResponse job = awaitEnd(bedrock, jobArn);
            assertThat(job.status()).isEqualTo(ModelImportJobStatus.COMPLETED);
            assertThat(job.jobName()).isEqualTo("import-stories");
            assertThat(job.modelDataSource().s3DataSource().s3Uri()).isEqualTo("s3://models/tinystories/");
            String modelArn = job.importedModelArn();
            assertThat(modelArn).endsWith(":imported-model/tinystories");

            String prompt = "{\"prompt\":\"Once upon a time\",\"max_gen_len\":24,\"temperature\":0}";
            assertThat(invoke(runtime, modelArn, prompt).get("generation"))
                    .isEqualTo(invoke(runtime, "basalt.reference", prompt).get("generation"));

            assertThat(bedrock.listModelImportJobs(r -> r.statusEquals(ModelImportJobStatus.COMPLETED))
                    .modelImportJobSummaries()).extracting(ModelImportJobSummary::jobName).containsExactly("import-stories");
            assertThat(bedrock.listImportedModels(r -> { }).modelSummaries()).extracting(ImportedModelSummary::modelName)
                    .containsExactly("tinystories");
            var imported = bedrock.getImportedModel(r -> r.modelIdentifier(modelArn));
            assertThat(imported.modelArchitecture()).isEqualTo("llama");
            assertThat(imported.jobArn()).isEqualTo(jobArn);

            bedrock.deleteImportedModel(r -> r.modelIdentifier("tinystories"));
            assertThatThrownBy(() -> invoke(runtime, modelArn, prompt)).isInstanceOf(
                    software.amazon.awssdk.services.bedrockruntime.model.ResourceNotFoundException.class);
            assertThat(Files.list(data.resolve("models/imported")).toList()).isEmpty();
        }
    }

    @Test
    void badImportsAreRefusedOrFailWithAReason(@TempDir Path dir) throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        Files.write(Files.createDirectories(data.resolve("buckets/models/broken")).resolve("notes.txt"), new byte[] {1});
        try (TestServer server = EmbeddedTestServerLauncher.start(data, Map.of(), List.of());
             BedrockClient bedrock = Clients.aws(BedrockClient.builder(), server)) {
            String jobArn = bedrock.createModelImportJob(r -> r.jobName("broken").importedModelName("broken")
                    .roleArn(ROLE).modelDataSource(s -> s.s3DataSource(s3 -> s3.s3Uri("s3://models/broken/")))).jobArn();
            GetModelImportJobResponse job = awaitEnd(bedrock, jobArn);
            assertThat(job.status()).isEqualTo(ModelImportJobStatus.FAILED);
            assertThat(job.failureMessage()).contains("No model at s3://models/broken/");

            assertThatThrownBy(() -> bedrock.createModelImportJob(r -> r.jobName("broken").importedModelName("other")
                    .roleArn(ROLE).modelDataSource(s -> s.s3DataSource(s3 -> s3.s3Uri("s3://models/broken/")))))
                    .isInstanceOf(ConflictException.class);
            assertThatThrownBy(() -> bedrock.createModelImportJob(r -> r.jobName("j2").importedModelName("m2")
                    .roleArn(ROLE).modelDataSource(s -> s.s3DataSource(s3 -> s3.s3Uri("https://example.com/m")))))
                    .isInstanceOf(ValidationException.class).hasMessageContaining("S3 URI");
            assertThatThrownBy(() -> bedrock.createModelImportJob(r -> r.jobName("j3").importedModelName("m3")
                    .roleArn(ROLE).modelDataSource(s -> s.s3DataSource(s3 -> s3.s3Uri("s3://nobucket/m")))))
                    .isInstanceOf(ResourceNotFoundException.class).hasMessageContaining("nobucket");
            assertThatThrownBy(() -> bedrock.getModelImportJob(r -> r.jobIdentifier("nope")))
                    .isInstanceOf(ResourceNotFoundException.class);
            assertThatThrownBy(() -> bedrock.getImportedModel(r -> r.modelIdentifier("nope")))
                    .isInstanceOf(ResourceNotFoundException.class);
        }
    }

    @Test
    void aGgufInABucketOfAnS3StoreBecomesAServedModel(@TempDir Path dir) throws Exception {
        Path model = dir.resolve("synthetic.gguf");
        SyntheticModel.write(Architecture.LLAMA, SyntheticModel.Shape.TINY, GgmlType.Q8_0, 11, model);
        Path data = Files.createDirectories(dir.resolve("data"));
        try (S3ProxyServer s3 = S3ProxyServer.start(dir.resolve("s3"))) {
            s3.createBucket("models");
            s3.put("models", "synth/model.gguf", model);
            s3.put("models", "empty/readme.txt", "no model here".getBytes(StandardCharsets.UTF_8));
            Map<String, String> settings = Map.of("storage.s3.endpoint", s3.endpoint().toString(),
                    "storage.s3.accessKeyId", S3ProxyServer.ACCESS_KEY_ID,
                    "storage.s3.secretAccessKey", S3ProxyServer.SECRET_ACCESS_KEY);
            try (TestServer server = EmbeddedTestServerLauncher.start(data, settings,
                    List.of(new BasaltApplication.ModelSpec("basalt.reference", model)));
                 BedrockClient bedrock = Clients.aws(BedrockClient.builder(), server);
                 BedrockRuntimeClient runtime = Clients.aws(BedrockRuntimeClient.builder(), server)) {
                String jobArn = bedrock.createModelImportJob(r -> r.jobName("import-synth").importedModelName("synth")
                        .roleArn(ROLE).modelDataSource(s -> s.s3DataSource(d -> d.s3Uri("s3://models/synth/")))).jobArn();
                GetModelImportJobResponse job = awaitEnd(bedrock, jobArn);
                assertThat(job.status()).as(job.failureMessage()).isEqualTo(ModelImportJobStatus.COMPLETED);

                ConverseResponse imported = hello(runtime, job.importedModelArn());
                assertThat(imported.usage().outputTokens()).isPositive();
                assertThat(imported.output().message().content().getFirst().text())
                        .isEqualTo(hello(runtime, "basalt.reference").output().message().content().getFirst().text());
                assertThat(data.resolve("tmp")).isEmptyDirectory(); // the job's copy of the bucket's files is gone

                String emptyJob = bedrock.createModelImportJob(r -> r.jobName("import-empty").importedModelName("empty")
                        .roleArn(ROLE).modelDataSource(s -> s.s3DataSource(d -> d.s3Uri("s3://models/empty/")))).jobArn();
                assertThat(awaitEnd(bedrock, emptyJob).failureMessage()).contains("No model at s3://models/empty/");
                String missingJob = bedrock.createModelImportJob(r -> r.jobName("import-missing")
                        .importedModelName("missing").roleArn(ROLE)
                        .modelDataSource(s -> s.s3DataSource(d -> d.s3Uri("s3://models/missing/")))).jobArn();
                assertThat(awaitEnd(bedrock, missingJob).failureMessage()).contains("There is nothing at s3://models/missing/");
                assertThatThrownBy(() -> bedrock.createModelImportJob(r -> r.jobName("j2").importedModelName("m2")
                        .roleArn(ROLE).modelDataSource(s -> s.s3DataSource(d -> d.s3Uri("s3://no-bucket/m/")))))
                        .isInstanceOf(ResourceNotFoundException.class).hasMessageContaining("no-bucket")
                        .hasMessageContaining("S3 store at " + s3.endpoint());
            }
        }
    }

    private static ConverseResponse hello(BedrockRuntimeClient runtime, String model) {
        return runtime.converse(r -> r.modelId(model)
                .messages(m -> m.role("user").content(c -> c.text("Hello")))
                .inferenceConfig(c -> c.maxTokens(8).temperature(0f)));
    }

    private static GetModelImportJobResponse awaitEnd(BedrockClient bedrock, String jobArn) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            GetModelImportJobResponse job = bedrock.getModelImportJob(r -> r.jobIdentifier(jobArn));
            if (job.status() != ModelImportJobStatus.IN_PROGRESS || System.nanoTime() > deadline) {
                return job;
            }
            Thread.sleep(50);
        }
    }

    private static JsonNode invoke(BedrockRuntimeClient runtime, String model, String body) throws Exception {
        return JSON.readTree(runtime.invokeModel(r -> r.modelId(model).body(SdkBytes.fromUtf8String(body)))
                .body().asByteArray());
    }
}
