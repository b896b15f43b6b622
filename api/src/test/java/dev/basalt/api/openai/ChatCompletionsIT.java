package dev.basalt.api.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.ResponseFormatJsonSchema;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionNamedToolChoice;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.chat.completions.ChatCompletionToolChoiceOption;
import dev.basalt.api.TinyModelServer;
import dev.basalt.testkit.clients.Clients;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Chat completions and models through the official openai-java client, on a synthetic tiny model. */
class ChatCompletionsIT {
    private static final String MODEL = TinyModelServer.MODEL;
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path dir;
    private static TinyModelServer tiny;
    private static OpenAIClient openAi;

    @BeforeAll
    static void start() throws Exception {
        tiny = TinyModelServer.start(dir, 21);
        openAi = Clients.openAi(tiny.server());
    }

    @AfterAll
    static void stop() {
        openAi.close();
        tiny.close();
    }

    private static ChatCompletionCreateParams.Builder ask(String question, long maxTokens) {
        return ChatCompletionCreateParams.builder().model(MODEL)
                .addSystemMessage("You tell stories.").addUserMessage(question)
                .maxCompletionTokens(maxTokens).temperature(0.0);
    }

    private static final FunctionDefinition WEATHER = FunctionDefinition.builder().name("get_weather")
            .description("Weather for a city")
            .parameters(FunctionParameters.builder()
                    .putAdditionalProperty("type", JsonValue.from("object"))
                    .putAdditionalProperty("properties", JsonValue.from(Map.of(
                            "city", Map.of("type", "string"), "days", Map.of("type", "integer"))))
                    .putAdditionalProperty("required", JsonValue.from(List.of("city", "days")))
                    .build())
            .build();

    @Test
    void completionsAnswerWithTextUsageAndTheSameTextAsConverse() {
        ChatCompletion completion = openAi.chat().completions().create(ask("Once upon a time", 12).build());
        var choice = completion.choices().getFirst();
        assertThat(completion.id()).startsWith("chatcmpl-");
        assertThat(completion.model()).isEqualTo(MODEL);
        assertThat(choice.message().content()).hasValueSatisfying(text -> assertThat(text).isNotEmpty());
        assertThat(choice.finishReason()).isIn(ChatCompletion.Choice.FinishReason.LENGTH,
                ChatCompletion.Choice.FinishReason.STOP);
        var usage = completion.usage().orElseThrow();
        assertThat(usage.completionTokens()).isBetween(1L, 12L);
        assertThat(usage.totalTokens()).isEqualTo(usage.promptTokens() + usage.completionTokens());

        String converse = tiny.runtime().converse(r -> r.modelId(MODEL).system(s -> s.text("You tell stories."))
                        .messages(m -> m.role("user").content(c -> c.text("Once upon a time")))
                        .inferenceConfig(c -> c.maxTokens(12).temperature(0f)))
                .output().message().content().getFirst().text();
        assertThat(choice.message().content()).contains(converse);
    }

    @Test
    void streamedChunksAddUpToTheCompletionAndEndWithUsage() {
        ChatCompletion whole = openAi.chat().completions().create(ask("Tell me", 16).build());
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> stream = openAi.chat().completions().createStreaming(ask("Tell me", 16)
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
            stream.stream().forEach(chunks::add);
        }
        StringBuilder text = new StringBuilder();
        chunks.forEach(c -> c.choices().forEach(ch -> ch.delta().content().ifPresent(text::append)));
        assertThat(text.toString()).isEqualTo(whole.choices().getFirst().message().content().orElseThrow());
        assertThat(chunks.getFirst().choices().getFirst().delta().role()).isPresent();
        ChatCompletionChunk last = chunks.getLast();
        assertThat(last.choices()).isEmpty();
        assertThat(last.usage().orElseThrow().completionTokens()).isEqualTo(whole.usage().orElseThrow().completionTokens());
        assertThat(chunks.get(chunks.size() - 2).choices().getFirst().finishReason()).isPresent();
    }

    @Test
    void requiredToolChoiceGivesAValidCallWhole() throws Exception {
        ChatCompletion completion = openAi.chat().completions().create(ask("Weather in Paris?", 200)
                .addFunctionTool(WEATHER)
                .toolChoice(ChatCompletionToolChoiceOption.Auto.REQUIRED).build());
        var choice = completion.choices().getFirst();
        assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
        ChatCompletionMessageFunctionToolCall call = choice.message().toolCalls().orElseThrow().getFirst().asFunction();
        assertThat(call.id()).startsWith("call_");
        assertThat(call.function().name()).isEqualTo("get_weather");
        JsonNode arguments = JSON.readTree(call.function().arguments());
        assertThat(arguments.path("city").isTextual()).isTrue();
        assertThat(arguments.path("days").isIntegralNumber()).isTrue();
    }

    @Test
    void namedToolChoiceStreamsTheCallAsDeltas() throws Exception {
        ChatCompletionCreateParams params = ask("Weather in Paris?", 200).addFunctionTool(WEATHER)
                .toolChoice(ChatCompletionNamedToolChoice.builder()
                        .function(ChatCompletionNamedToolChoice.Function.builder().name("get_weather").build()).build())
                .build();
        String whole = openAi.chat().completions().create(params).choices().getFirst().message().toolCalls()
                .orElseThrow().getFirst().asFunction().function().arguments();
        StringBuilder arguments = new StringBuilder();
        List<String> names = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> stream = openAi.chat().completions().createStreaming(params)) {
            stream.stream().forEach(c -> c.choices().forEach(ch -> ch.delta().toolCalls().ifPresent(calls ->
                    calls.forEach(call -> {
                        assertThat(call.index()).isZero();
                        call.function().flatMap(f -> f.name()).ifPresent(names::add);
                        call.function().flatMap(f -> f.arguments()).ifPresent(arguments::append);
                    }))));
        }
        assertThat(names).containsExactly("get_weather");
        assertThat(JSON.readTree(arguments.toString())).isEqualTo(JSON.readTree(whole));
    }

    @Test
    void jsonSchemaResponsesParseAndFollowTheSchema() throws Exception {
        var schema = ResponseFormatJsonSchema.JsonSchema.Schema.builder()
                .putAdditionalProperty("type", JsonValue.from("object"))
                .putAdditionalProperty("properties", JsonValue.from(Map.of(
                        "title", Map.of("type", "string", "maxLength", 20),
                        "stars", Map.of("type", "integer"))))
                .putAdditionalProperty("required", JsonValue.from(List.of("title", "stars")))
                .build();
        ChatCompletion completion = openAi.chat().completions().create(ask("Rate a book", 200)
                .responseFormat(ResponseFormatJsonSchema.builder().jsonSchema(ResponseFormatJsonSchema.JsonSchema
                        .builder().name("review").schema(schema).strict(true).build()).build()).build());
        JsonNode review = JSON.readTree(completion.choices().getFirst().message().content().orElseThrow());
        assertThat(review.path("title").isTextual()).isTrue();
        assertThat(review.path("title").asText().length()).isLessThanOrEqualTo(20);
        assertThat(review.path("stars").isIntegralNumber()).isTrue();
    }

    @Test
    void logprobsComeForEveryGeneratedToken() {
        ChatCompletion completion = openAi.chat().completions().create(ask("Hello", 6).temperature(1.0).seed(3)
                .logprobs(true).topLogprobs(3).build());
        var logprobs = completion.choices().getFirst().logprobs().orElseThrow().content().orElseThrow();
        long tokens = completion.usage().orElseThrow().completionTokens();
        assertThat((long) logprobs.size()).isBetween(tokens - 1, tokens); // the end-of-generation token has none
        assertThat(logprobs).allSatisfy(lp -> {
            assertThat(lp.logprob()).isLessThanOrEqualTo(0.0);
            assertThat(lp.topLogprobs()).hasSize(3);
            assertThat(lp.topLogprobs().getFirst().logprob()).isGreaterThanOrEqualTo(lp.logprob());
        });
    }

    @Test
    void badRequestsAre400sNamingTheParameterAndUnknownModels404() {
        assertThatThrownBy(() -> openAi.chat().completions().create(ask("Hi", 5).temperature(3.0).build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> {
                    assertThat(e.param()).hasValue("temperature");
                    assertThat(e.type()).hasValue("invalid_request_error");
                    assertThat(e.getMessage()).contains("temperature");
                });
        assertThatThrownBy(() -> openAi.chat().completions().create(ask("Hi", 5).n(2).build()))
                .isInstanceOf(BadRequestException.class).hasMessageContaining("n=1");
        assertThatThrownBy(() -> openAi.chat().completions().create(ask("Hi", 5)
                .putAdditionalBodyProperty("bogus", JsonValue.from(1)).build()))
                .isInstanceOf(BadRequestException.class).hasMessageContaining("Unrecognized request argument supplied: bogus");
        assertThatThrownBy(() -> openAi.chat().completions().create(ask("Hi", 5).model("nope").build()))
                .isInstanceOf(NotFoundException.class).hasMessageContaining("nope");
    }

    @Test
    void modelsAreListedAndRetrieved() {
        assertThat(openAi.models().list().data()).extracting(m -> m.id()).containsExactly(MODEL);
        assertThat(openAi.models().retrieve(MODEL).ownedBy()).isEqualTo("basalt");
        assertThatThrownBy(() -> openAi.models().retrieve("nope")).isInstanceOf(NotFoundException.class);
    }
}
