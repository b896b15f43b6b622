package dev.basalt.api.providers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.basalt.api.BasaltApplication;
import dev.basalt.api.EmbeddedTestServerLauncher;
import dev.basalt.engine.LanguageModel;
import dev.basalt.engine.gguf.GgmlType;
import dev.basalt.engine.model.Architecture;
import dev.basalt.engine.model.SyntheticModel;
import dev.basalt.engine.sampling.SamplingParams;
import dev.basalt.platform.chat.ChatMessage;
import dev.basalt.platform.config.ProviderConfig;
import dev.basalt.platform.errors.DependencyFailedException;
import dev.basalt.platform.providers.BedrockProvider;
import dev.basalt.platform.providers.ModelProvider;
import dev.basalt.platform.providers.OpenAiCompatibleProvider;
import dev.basalt.platform.runtime.ConverseRequest;
import dev.basalt.platform.runtime.ConverseStream;
import dev.basalt.testkit.clients.Clients;
import dev.basalt.testkit.server.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamOutput;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamResponseHandler;
import software.amazon.awssdk.services.bedrockruntime.model.ModelStreamErrorException;

/**
 * The upstream Basalt stops (no drain) while a long stream is relayed: the provider's stream ends promptly with a
 * {@link ConverseStream.Failed} event naming the provider, never a hang. The upstream serves a model of SmolLM-135M's
 * shape (random weights), which takes tens of seconds for the 2000 tokens asked for.
 */
class UpstreamDiesIT {
    private static final String MODEL = "basalt.slow";
    private static final LanguageModel.Options ONE_SLOT =
            new LanguageModel.Options(Runtime.getRuntime().availableProcessors(), 0, 1, 64, 1L << 30, 4);
    private static final ConverseRequest LONG_STORY = new ConverseRequest(List.of(ChatMessage.user("Tell me a long story")),
            SamplingParams.builder().temperature(0).maxTokens(2000).build());
    @TempDir
    static Path dir;
    private static Path model;

    @BeforeAll
    static void writeModel() throws Exception {
        model = dir.resolve("135m.gguf");
        SyntheticModel.write(Architecture.LLAMA, SyntheticModel.Shape.SMOLLM_135M, GgmlType.Q4_0, 5, model);
    }

    private static TestServer startUpstream(String name) throws Exception {
        return EmbeddedTestServerLauncher.start(Files.createDirectories(dir.resolve(name)),
                Map.of("server.drainTimeout", "0s"), List.of(new BasaltApplication.ModelSpec(MODEL, model, ONE_SLOT)));
    }

    @Test
    void openAiProviderFailsPromptlyWhenTheUpstreamDiesMidStream() throws Exception {
        killMidStream("openai-upstream", server -> new OpenAiCompatibleProvider("gpu",
                UpstreamConfigs.openAi(server, Map.of()), Clock.systemUTC()));
    }

    @Test
    void bedrockProviderFailsPromptlyWhenTheUpstreamDiesMidStream() throws Exception {
        killMidStream("bedrock-upstream", server -> new BedrockProvider("gpu",
                UpstreamConfigs.bedrock(server, Map.of()), Clock.systemUTC()));
    }

    private static void killMidStream(String name, Function<TestServer, ModelProvider> providers) throws Exception {
        TestServer upstream = startUpstream(name);
        try (ModelProvider provider = providers.apply(upstream);
             ConverseStream stream = provider.converse(MODEL, LONG_STORY)) {
            assertThat(stream.next()).isInstanceOf(ConverseStream.TextDelta.class);
            upstream.close();
            long killed = System.nanoTime();
            ConverseStream.Event event;
            do {
                event = stream.next();
            } while (event instanceof ConverseStream.TextDelta || event instanceof ConverseStream.BlockStop);
            assertThat(event).isInstanceOfSatisfying(ConverseStream.Failed.class, failed ->
                    assertThat(failed.error()).isInstanceOf(DependencyFailedException.class)
                            .hasMessageContaining("The model provider gpu"));
            assertThat(Duration.ofNanos(System.nanoTime() - killed)).isLessThan(Duration.ofSeconds(10));
        }
    }

    /** Through the public API: a gateway's ConverseStream client gets an exception event, not a hang. */
    @Test
    void aGatewayStreamEndsWithAnErrorEventWhenTheUpstreamDies() throws Exception {
        TestServer upstream = startUpstream("gateway-upstream");
        try (TestServer gateway = EmbeddedTestServerLauncher.start(Files.createDirectories(dir.resolve("gateway")),
                Map.of("providers.gpu.kind", "openai", "providers.gpu.url", upstream.uri() + "/v1",
                        "providers.gpu.apiKey", upstream.apiKey(), "providers.gpu.modelPrefix", "gpu."), List.of());
             BedrockRuntimeAsyncClient async = Clients.aws(BedrockRuntimeAsyncClient.builder(), gateway)) {
            List<ConverseStreamOutput> events = new CopyOnWriteArrayList<>();
            var stream = async.converseStream(r -> r.modelId("gpu." + MODEL)
                            .messages(m -> m.role("user").content(c -> c.text("Tell me a long story")))
                            .inferenceConfig(c -> c.maxTokens(2000).temperature(0f)),
                    ConverseStreamResponseHandler.builder().subscriber(events::add).build());
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (events.size() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            upstream.close();
            assertThatThrownBy(() -> stream.get(30, TimeUnit.SECONDS))
                    .cause().isInstanceOf(ModelStreamErrorException.class).hasMessageContaining("The model provider gpu");
        }
    }
}
