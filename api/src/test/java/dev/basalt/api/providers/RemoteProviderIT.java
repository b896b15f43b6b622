package dev.basalt.api.providers;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.basalt.api.TinyModelServer;
import dev.basalt.engine.sampling.SamplingParams;
import dev.basalt.platform.chat.ChatMessage;
import dev.basalt.platform.chat.ToolDefinition;
import dev.basalt.platform.providers.BedrockProvider;
import dev.basalt.platform.providers.ModelProvider;
import dev.basalt.platform.providers.OpenAiCompatibleProvider;
import dev.basalt.platform.runtime.ConverseRequest;
import dev.basalt.platform.runtime.ConverseResult;
import dev.basalt.platform.runtime.ConverseStream;
import dev.basalt.platform.runtime.ReplyBlock;
import dev.basalt.platform.runtime.ToolChoice;
import dev.basalt.testkit.clients.Clients;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseResponse;

/**
 * Both provider kinds against a second Basalt as the upstream (its OpenAI API and its Bedrock API): a greedy reply
 * relayed through a provider is the reply the upstream gives a direct client, with the same usage; forced tool calls
 * arrive as tool-use blocks; the upstream's models are listed.
 */
class RemoteProviderIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path dir;
    private static TinyModelServer upstream;
    private static OpenAIClient openAi;
    private static ModelProvider viaOpenAi;
    private static ModelProvider viaBedrock;

    @BeforeAll
    static void start() throws Exception {
        upstream = TinyModelServer.start(dir, 33);
        openAi = Clients.openAi(upstream.server());
        viaOpenAi = new OpenAiCompatibleProvider("up-openai", UpstreamConfigs.openAi(upstream.server(), Map.of()),
                Clock.systemUTC());
        viaBedrock = new BedrockProvider("up-bedrock", UpstreamConfigs.bedrock(upstream.server(), Map.of()),
                Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        viaOpenAi.close();
        viaBedrock.close();
        openAi.close();
        upstream.close();
    }

    private static ConverseRequest story(int maxTokens) {
        return new ConverseRequest(List.of(ChatMessage.system("You tell stories."), ChatMessage.user("Once upon a time")),
                SamplingParams.builder().temperature(0).maxTokens(maxTokens).build());
    }

    /** The events' text deltas joined, and the result they end with. */
    private record Relayed(String streamedText, List<ConverseStream.Event> events, ConverseResult result) {}

    private static Relayed relay(ModelProvider provider, ConverseRequest request) throws InterruptedException {
        List<ConverseStream.Event> events = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        try (ConverseStream stream = provider.converse(TinyModelServer.MODEL, request)) {
            while (true) {
                ConverseStream.Event event = stream.next();
                events.add(event);
                switch (event) {
                    case ConverseStream.TextDelta(String t) -> text.append(t);
                    case ConverseStream.Finished(ConverseResult result) -> {
                        return new Relayed(text.toString(), events, result);
                    }
                    case ConverseStream.Failed(var error) -> throw error;
                    default -> { }
                }
            }
        }
    }

    @Test
    void openAiProviderRelaysTheUpstreamsGreedyReplyAndUsage() throws Exception {
        ChatCompletion direct = openAi.chat().completions().create(ChatCompletionCreateParams.builder()
                .model(TinyModelServer.MODEL).addSystemMessage("You tell stories.").addUserMessage("Once upon a time")
                .maxCompletionTokens(24).temperature(0.0).build());
        String directText = direct.choices().getFirst().message().content().orElseThrow();

        Relayed relayed = relay(viaOpenAi, story(24));
        assertThat(directText).isNotEmpty();
        assertThat(relayed.streamedText()).isEqualTo(directText);
        assertThat(relayed.result().text()).isEqualTo(directText);
        assertThat(relayed.events().stream().filter(ConverseStream.TextDelta.class::isInstance).count())
                .isGreaterThan(1); // streamed piece by piece, not in one block at the end
        var usage = direct.usage().orElseThrow();
        assertThat(relayed.result().inputTokens()).isEqualTo(usage.promptTokens());
        assertThat(relayed.result().outputTokens()).isEqualTo(usage.completionTokens());
    }

    @Test
    void bedrockProviderRelaysTheUpstreamsGreedyReplyAndUsage() throws Exception {
        ConverseResponse direct = upstream.runtime().converse(r -> r.modelId(TinyModelServer.MODEL)
                .system(s -> s.text("You tell stories."))
                .messages(m -> m.role("user").content(c -> c.text("Once upon a time")))
                .inferenceConfig(c -> c.maxTokens(24).temperature(0f)));
        String directText = direct.output().message().content().getFirst().text();

        Relayed relayed = relay(viaBedrock, story(24));
        assertThat(directText).isNotEmpty();
        assertThat(relayed.streamedText()).isEqualTo(directText);
        assertThat(relayed.result().text()).isEqualTo(directText);
        assertThat(relayed.result().inputTokens()).isEqualTo(direct.usage().inputTokens());
        assertThat(relayed.result().outputTokens()).isEqualTo(direct.usage().outputTokens());
    }

    @Test
    void forcedToolCallsArriveAsToolUseBlocksThroughBothProviders() throws Exception {
        ToolDefinition weather = ToolDefinition.of("get_weather", "Weather for a city", JSON.readTree("""
                {"type":"object","properties":{"city":{"type":"string","enum":["Paris","Oslo"]},"days":{"type":"integer"}},
                 "required":["city","days"]}"""));
        ConverseRequest request = new ConverseRequest(List.of(ChatMessage.user("Weather in Paris?")),
                SamplingParams.builder().temperature(0).maxTokens(200).build(), List.of(weather), ToolChoice.ANY);
        for (ModelProvider provider : List.of(viaOpenAi, viaBedrock)) {
            Relayed relayed = relay(provider, request);
            assertThat(relayed.result().callsTools()).as(provider.name()).isTrue();
            ReplyBlock.ToolUse call = relayed.result().content().stream()
                    .filter(ReplyBlock.ToolUse.class::isInstance).map(ReplyBlock.ToolUse.class::cast)
                    .findFirst().orElseThrow();
            assertThat(call.name()).isEqualTo("get_weather");
            JsonNode input = JSON.readTree(call.inputJson());
            assertThat(input.path("city").asText()).as(provider.name() + ": " + call.inputJson()).isIn("Paris", "Oslo");
            assertThat(input.path("days").isIntegralNumber()).as(provider.name() + ": " + call.inputJson()).isTrue();
            assertThat(relayed.events()).as(provider.name())
                    .anySatisfy(e -> assertThat(e).isInstanceOf(ConverseStream.ToolUseStart.class))
                    .anySatisfy(e -> assertThat(e).isInstanceOf(ConverseStream.ToolInputDelta.class));
        }
    }

    @Test
    void bothProvidersListTheUpstreamsModels() {
        assertThat(viaOpenAi.models()).contains(TinyModelServer.MODEL);
        assertThat(viaBedrock.models()).contains(TinyModelServer.MODEL);
    }
}
