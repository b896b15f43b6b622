package dev.basalt.api.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionChoice;
import com.openai.models.completions.CompletionCreateParams;
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

/** Legacy text completions ({@code POST /v1/completions}) through openai-java, on a synthetic tiny model. */
class TextCompletionsIT {
    private static final String MODEL = TinyModelServer.MODEL;
    private static final String PROMPT = "Once upon a time";
    @TempDir
    static Path dir;
    private static TinyModelServer tiny;
    private static OpenAIClient openAi;

    @BeforeAll
    static void start() throws Exception {
        tiny = TinyModelServer.start(dir, 23);
        openAi = Clients.openAi(tiny.server());
    }

    @AfterAll
    static void stop() {
        openAi.close();
        tiny.close();
    }

    private static CompletionCreateParams.Builder greedy(long maxTokens) {
        return CompletionCreateParams.builder().model(MODEL).prompt(PROMPT).maxTokens(maxTokens).temperature(0.0);
    }

    private static String text(Completion completion) {
        return completion.choices().getFirst().text();
    }

    @Test
    void greedyCompletionsAreTextWithUsageAndRepeatExactly() {
        Completion first = openAi.completions().create(greedy(12).build());
        assertThat(first.id()).startsWith("cmpl-");
        assertThat(first._object_()).isEqualTo(JsonValue.from("text_completion"));
        assertThat(first.model()).isEqualTo(MODEL);
        CompletionChoice choice = first.choices().getFirst();
        assertThat(choice.text()).isNotEmpty();
        assertThat(choice.logprobs()).isEmpty();
        var usage = first.usage().orElseThrow();
        assertThat(usage.completionTokens()).isBetween(1L, 12L);
        assertThat(usage.promptTokens()).isPositive();
        assertThat(usage.totalTokens()).isEqualTo(usage.promptTokens() + usage.completionTokens());
        assertThat(choice.finishReason()).isEqualTo(usage.completionTokens() == 12
                ? CompletionChoice.FinishReason.LENGTH : CompletionChoice.FinishReason.STOP);

        assertThat(text(openAi.completions().create(greedy(12).build()))).isEqualTo(choice.text());
        // A longer budget continues the same greedy text.
        assertThat(text(openAi.completions().create(greedy(20).build()))).startsWith(choice.text());
    }

    @Test
    void maxTokensDefaultsToSixteen() {
        Completion completion = openAi.completions().create(CompletionCreateParams.builder().model(MODEL)
                .prompt(PROMPT).temperature(0.0).build());
        assertThat(completion.usage().orElseThrow().completionTokens()).isBetween(1L, 16L);
        assertThat(text(completion)).isEqualTo(text(openAi.completions().create(greedy(16).build())));
    }

    @Test
    void echoPutsThePromptInFront() {
        String plain = text(openAi.completions().create(greedy(8).build()));
        assertThat(text(openAi.completions().create(greedy(8).echo(true).build()))).isEqualTo(PROMPT + plain);
    }

    @Test
    void stopEndsTheTextBeforeTheStopSequence() {
        String whole = text(openAi.completions().create(greedy(24).build()));
        assertThat(whole.length()).as("greedy text %s", whole).isGreaterThanOrEqualTo(4);
        String stop = whole.substring(whole.length() / 2, whole.length() / 2 + 2);
        Completion stopped = openAi.completions().create(greedy(24).stop(stop).build());
        assertThat(text(stopped)).isEqualTo(whole.substring(0, whole.indexOf(stop)));
        assertThat(stopped.choices().getFirst().finishReason()).isEqualTo(CompletionChoice.FinishReason.STOP);
    }

    @Test
    void logprobsHaveTheLegacyShape() {
        Completion completion = openAi.completions().create(greedy(8).temperature(1.0).seed(5).logprobs(3).build());
        CompletionChoice.Logprobs logprobs = completion.choices().getFirst().logprobs().orElseThrow();
        List<String> tokens = logprobs.tokens().orElseThrow();
        List<Double> chosen = logprobs.tokenLogprobs().orElseThrow();
        var top = logprobs.topLogprobs().orElseThrow();
        List<Long> offsets = logprobs.textOffset().orElseThrow();
        long generated = completion.usage().orElseThrow().completionTokens();
        assertThat((long) tokens.size()).isBetween(generated - 1, generated); // the end-of-generation token has none
        assertThat(chosen).hasSameSizeAs(tokens).allSatisfy(lp -> assertThat(lp).isLessThanOrEqualTo(0.0));
        assertThat(top).hasSameSizeAs(tokens);
        assertThat(offsets).hasSameSizeAs(tokens).first().isEqualTo(0L);
        for (int i = 0; i < tokens.size(); i++) {
            Map<String, JsonValue> alternatives = top.get(i)._additionalProperties();
            assertThat(alternatives).hasSize(3);
            double best = alternatives.values().stream().mapToDouble(v -> ((Number) v.asNumber().orElseThrow())
                    .doubleValue()).max().orElseThrow();
            assertThat(best).isGreaterThanOrEqualTo(chosen.get(i));
            if (i > 0) {
                String previous = tokens.get(i - 1);
                assertThat(offsets.get(i)).isEqualTo(offsets.get(i - 1) + previous.codePointCount(0, previous.length()));
            }
        }
    }

    @Test
    void streamedChunksAddUpToTheCompletionAndEndWithUsage() {
        Completion whole = openAi.completions().create(greedy(16).echo(true).build());
        List<Completion> chunks = new ArrayList<>();
        try (StreamResponse<Completion> stream = openAi.completions().createStreaming(greedy(16).echo(true)
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
            stream.stream().forEach(chunks::add);
        }
        StringBuilder text = new StringBuilder();
        chunks.forEach(c -> c.choices().forEach(ch -> text.append(ch.text())));
        assertThat(text.toString()).isEqualTo(text(whole)).startsWith(PROMPT);
        assertThat(chunks).allSatisfy(c -> assertThat(c.id()).isEqualTo(chunks.getFirst().id()).startsWith("cmpl-"));
        Completion last = chunks.getLast();
        assertThat(last.choices()).isEmpty();
        assertThat(last.usage().orElseThrow()).isEqualTo(whole.usage().orElseThrow());
        assertThat(chunks.get(chunks.size() - 2).choices().getFirst().finishReason())
                .isEqualTo(whole.choices().getFirst().finishReason());
    }

    @Test
    void unsupportedAndInvalidArgumentsAre400sNamingTheParameter() {
        assertParam(greedy(4).suffix("end"), "suffix");
        assertParam(greedy(4).n(2), "n");
        assertParam(greedy(4).bestOf(3), "best_of");
        assertParam(greedy(4).prompt(CompletionCreateParams.Prompt.ofArrayOfStrings(List.of("a", "b"))), "prompt");
        assertParam(greedy(4).prompt(CompletionCreateParams.Prompt.ofArrayOfTokens(List.of(1L, 2L))), "prompt");
        assertParam(greedy(4).logprobs(6), "logprobs");
        assertParam(greedy(4).logprobs(1).echo(true), "echo");
        assertParam(greedy(4).temperature(3.0), "temperature");
        assertParam(greedy(4).stop(CompletionCreateParams.Stop.ofStrings(List.of("a", "b", "c", "d", "e"))), "stop");
        assertParam(greedy(4).putAdditionalBodyProperty("bogus", JsonValue.from(1)), "bogus");
        // One prompt in an array is the same as the string.
        assertThat(text(openAi.completions().create(greedy(6)
                .prompt(CompletionCreateParams.Prompt.ofArrayOfStrings(List.of(PROMPT))).build())))
                .isEqualTo(text(openAi.completions().create(greedy(6).build())));
        assertThatThrownBy(() -> openAi.completions().create(greedy(4).model("nope").build()))
                .isInstanceOf(NotFoundException.class).hasMessageContaining("nope");
    }

    private static void assertParam(CompletionCreateParams.Builder params, String param) {
        assertThatThrownBy(() -> openAi.completions().create(params.build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> {
                    assertThat(e.param()).hasValue(param);
                    assertThat(e.type()).hasValue("invalid_request_error");
                });
    }
}
