package dev.basalt.api.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.models.models.Model;
import dev.basalt.api.BasaltApplication;
import dev.basalt.api.EmbeddedTestServerLauncher;
import dev.basalt.engine.gguf.GgmlType;
import dev.basalt.engine.model.Architecture;
import dev.basalt.engine.model.SyntheticModel;
import dev.basalt.platform.catalog.ModelCatalog;
import dev.basalt.platform.catalog.ModelImport;
import dev.basalt.platform.storage.Database;
import dev.basalt.testkit.clients.Clients;
import dev.basalt.testkit.server.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.bedrock.BedrockClient;
import software.amazon.awssdk.services.bedrock.model.FoundationModelSummary;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClient;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseResponse;

/**
 * A server serves what its data directory's catalog holds, without {@code --model}, next to transient models; a
 * model imported while it runs (as {@code basalt models import} does, through the same database) appears at once.
 */
class ModelCatalogIT {
    @TempDir
    Path dir;

    private Path tiny(String name, long seed) throws Exception {
        Path model = dir.resolve(name);
        SyntheticModel.write(Architecture.LLAMA, SyntheticModel.Shape.TINY, GgmlType.Q8_0, seed, model);
        return model;
    }

    private static void importModel(Path data, Path file, String id) throws Exception {
        try (Database database = Database.openSqlite(data)) {
            new ModelImport(new ModelCatalog(database), data, Clock.systemUTC()).importFile(file, id, null, false);
        }
    }

    private static ConverseResponse hello(BedrockRuntimeClient runtime, String model) {
        return runtime.converse(r -> r.modelId(model)
                .messages(m -> m.role("user").content(c -> c.text("Hello")))
                .inferenceConfig(c -> c.maxTokens(4).temperature(0f)));
    }

    @Test
    void catalogedModelsAreServedAndListedWithoutLoading() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        importModel(data, tiny("imported.gguf", 7), "basalt.imported");

        try (TestServer server = EmbeddedTestServerLauncher.start(data, Map.of(),
                     List.of(new BasaltApplication.ModelSpec("basalt.transient", tiny("transient.gguf", 8))));
             BedrockClient bedrock = Clients.aws(BedrockClient.builder(), server);
             BedrockRuntimeClient runtime = Clients.aws(BedrockRuntimeClient.builder(), server)) {
            List<FoundationModelSummary> models = bedrock.listFoundationModels(r -> { }).modelSummaries();
            assertThat(models).extracting(FoundationModelSummary::modelId)
                    .containsExactlyInAnyOrder("basalt.imported", "basalt.transient");
            assertThat(models).extracting(FoundationModelSummary::modelName).containsOnly("basalt-synthetic-llama-tiny");

            ConverseResponse reply = hello(runtime, "basalt.imported");
            assertThat(reply.usage().outputTokens()).isBetween(1, 4);

            // Imported while the server runs: the next request for it re-reads the catalog.
            importModel(data, tiny("late.gguf", 9), "basalt.late");
            assertThat(hello(runtime, "basalt.late").usage().outputTokens()).isBetween(1, 4);
            assertThat(bedrock.getFoundationModel(r -> r.modelIdentifier("basalt.late")).modelDetails().modelId())
                    .isEqualTo("basalt.late");

            importModel(data, tiny("listed.gguf", 10), "basalt.listed");
            OpenAIClient openAi = Clients.openAi(server);
            try {
                assertThat(openAi.models().list().data()).extracting(Model::id)
                        .contains("basalt.imported", "basalt.transient", "basalt.late", "basalt.listed");
            } finally {
                openAi.close();
            }
        }
    }
}
