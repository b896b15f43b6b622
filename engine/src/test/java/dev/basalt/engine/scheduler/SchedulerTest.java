package dev.basalt.engine.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.basalt.engine.LanguageModel;
import dev.basalt.engine.gguf.GgmlType;
import dev.basalt.engine.gguf.GgufFile;
import dev.basalt.engine.grammar.JsonSchemaGrammar;
import dev.basalt.engine.model.Architecture;
import dev.basalt.engine.model.KvBlockPool;
import dev.basalt.engine.model.SyntheticModel;
import dev.basalt.engine.model.Transformer;
import dev.basalt.engine.sampling.SamplingParams;
import dev.basalt.testkit.ReferenceData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Generation through the continuous-batching scheduler, on the real TinyStories model and a synthetic one. */
class SchedulerTest {
    @TempDir
    static Path dir;
    static Path synthetic;

    @BeforeAll
    static void writeModel() throws Exception {
        synthetic = dir.resolve("tiny.gguf");
        SyntheticModel.write(Architecture.LLAMA, SyntheticModel.Shape.TINY, GgmlType.Q8_0, 7, synthetic);
    }

    private static LanguageModel.Options options(int maxSequences, int queue) {
        return new LanguageModel.Options(2, 256, maxSequences, 32, 64L << 20, queue);
    }

    @Test
    void concurrentGreedyGenerationsReproduceLlamaCpp() throws Exception {
        JsonNode golden = new ObjectMapper().readTree(ReferenceData.require("golden/golden-tinystories-656k-q8_0.json").toFile());
        try (LanguageModel model = LanguageModel.load(ReferenceData.require("models/tinystories-656k-q8_0.gguf"), options(4, 16))) {
            List<CollectingListener> listeners = new ArrayList<>();
            for (JsonNode c : golden.get("generation")) { // 8 prompts, 4 slots: batching, queueing and chunked prefill
                CollectingListener l = new CollectingListener();
                model.generate(new GenerationRequest(model.tokenize(c.get("prompt").asText()),
                        SamplingParams.builder().temperature(0).maxTokens(32).build()), l);
                listeners.add(l);
            }
            int i = 0;
            for (JsonNode c : golden.get("generation")) {
                CollectingListener l = listeners.get(i++);
                Completion done = l.await();
                List<Integer> expected = new ArrayList<>();
                c.get("greedy_tokens").forEach(t -> expected.add(t.asInt()));
                assertThat(l.tokens()).as(c.get("prompt").asText()).isEqualTo(expected);
                assertThat(l.text()).isEqualTo(c.get("greedy_text").asText());
                assertThat(done.stopReason()).isEqualTo(c.get("stopped_on_eos").asBoolean()
                        ? StopReason.END_OF_GENERATION : StopReason.MAX_TOKENS);
                assertThat(done.completionTokens()).isEqualTo(expected.size());
                assertThat(done.promptTokens()).isEqualTo(c.get("prompt_tokens_with_bos").size());
            }
        }
    }

    @Test
    void seededSamplingIsReproducibleAloneAndUnderLoad() throws Exception {
        try (LanguageModel model = LanguageModel.load(synthetic, options(4, 16))) {
            SamplingParams params = SamplingParams.builder().temperature(1.0).topP(0.95).seed(1234).maxTokens(40).build();
            CollectingListener alone = new CollectingListener();
            model.generate(new GenerationRequest(model.tokenize("Once upon a time"), params), alone);
            alone.await();
            List<CollectingListener> crowd = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                CollectingListener l = new CollectingListener();
                SamplingParams p = i == 3 ? params : SamplingParams.builder().temperature(1.0).seed(i).maxTokens(20 + i).build();
                model.generate(new GenerationRequest(model.tokenize(i == 3 ? "Once upon a time" : "Other prompt " + i), p), l);
                crowd.add(l);
            }
            for (CollectingListener l : crowd) {
                l.await();
            }
            assertThat(crowd.get(3).tokens()).isEqualTo(alone.tokens()).hasSize(40);
        }
    }

    @Test
    void stopSequencesAreMatchedOnTextAndLeftOut() throws Exception {
        try (LanguageModel model = LanguageModel.load(ReferenceData.require("models/tinystories-656k-f32.gguf"), options(2, 4))) {
            CollectingListener l = new CollectingListener();
            // The greedy continuation is ", a little girl named Lily lived in a small house ..."
            model.generate(new GenerationRequest(model.tokenize("Once upon a time"),
                    SamplingParams.builder().temperature(0).maxTokens(32).stop(List.of("Lily li")).build()), l);
            assertThat(l.await().stopReason()).isEqualTo(StopReason.STOP_SEQUENCE);
            assertThat(l.text()).isEqualTo(", a little girl named ");
        }
    }

    @Test
    void sharedPromptPrefixesAreServedFromTheCacheWithIdenticalResults() throws Exception {
        int[] system = new Random(9).ints(100, 3, 1000).toArray();
        int[] other = java.util.Arrays.copyOf(system, 60);
        other[55] = 999; // shares the first 55 tokens: 3 whole blocks of 16
        SamplingParams greedy = SamplingParams.builder().temperature(0).maxTokens(10).build();
        List<Integer> fresh;
        try (LanguageModel model = LanguageModel.load(synthetic, options(2, 4))) {
            CollectingListener l = new CollectingListener();
            model.generate(new GenerationRequest(other, greedy), l);
            l.await();
            fresh = l.tokens();
        }
        try (LanguageModel model = LanguageModel.load(synthetic, options(2, 4))) {
            CollectingListener first = new CollectingListener();
            model.generate(new GenerationRequest(system, greedy), first);
            assertThat(first.await().cachedPromptTokens()).isZero();
            CollectingListener again = new CollectingListener();
            model.generate(new GenerationRequest(system, greedy), again);
            assertThat(again.await().cachedPromptTokens()).isEqualTo(96); // 99 tokens reusable, whole blocks only
            assertThat(again.tokens()).isEqualTo(first.tokens());
            CollectingListener partial = new CollectingListener();
            model.generate(new GenerationRequest(other, greedy), partial);
            assertThat(partial.await().cachedPromptTokens()).isEqualTo(48);
            assertThat(partial.tokens()).isEqualTo(fresh);
        }
    }

    @Test
    void cachedPrefixesAreEvictedWhenTheBudgetIsNeeded() throws Exception {
        // A budget for about two full sequences: cached blocks of finished prompts must make way for new ones.
        long budget;
        try (GgufFile gguf = GgufFile.open(synthetic)) {
            budget = 2 * 256 * KvBlockPool.blockBytes(Transformer.load(gguf).config(), 1);
        }
        try (LanguageModel model = LanguageModel.load(synthetic, new LanguageModel.Options(2, 256, 2, 32, budget, 16))) {
            for (int i = 0; i < 12; i++) {
                CollectingListener l = new CollectingListener();
                model.generate(new GenerationRequest(new Random(i).ints(150, 3, 1000).toArray(),
                        SamplingParams.builder().temperature(0).maxTokens(50).build()), l);
                assertThat(l.await().completionTokens()).isEqualTo(50);
            }
        }
    }

    @Test
    void cancellationEndsTheGenerationAndFreesItsSlot() throws Exception {
        try (LanguageModel model = LanguageModel.load(synthetic, options(1, 4))) {
            CollectingListener endless = new CollectingListener();
            Generation g = model.generate(new GenerationRequest(model.tokenize("hello"),
                    SamplingParams.builder().temperature(0).maxTokens(200).build()), endless);
            CollectingListener next = new CollectingListener();
            model.generate(new GenerationRequest(model.tokenize("next"), SamplingParams.builder().temperature(0).maxTokens(3).build()), next);
            g.cancel();
            assertThat(endless.await().stopReason()).isEqualTo(StopReason.CANCELLED);
            assertThat(endless.tokens().size()).isLessThan(200);
            assertThat(next.await().completionTokens()).isEqualTo(3); // the freed slot serves the waiting request
        }
    }

    @Test
    void aFailingListenerEndsOnlyItsOwnGeneration() throws Exception {
        try (LanguageModel model = LanguageModel.load(synthetic, options(2, 4))) {
            SamplingParams params = SamplingParams.builder().temperature(0).maxTokens(20).build();
            java.util.concurrent.atomic.AtomicBoolean failed = new java.util.concurrent.atomic.AtomicBoolean();
            model.generate(new GenerationRequest(model.tokenize("bad"), params), new GenerationListener() {
                @Override
                public void onToken(TokenEvent event) {
                    throw new IllegalStateException("client went away");
                }

                @Override
                public void onComplete(Completion completion) {
                }

                @Override
                public void onError(RuntimeException error) {
                    failed.set(true);
                    throw error; // even a listener that throws again cannot stop the scheduler
                }
            });
            CollectingListener good = new CollectingListener();
            model.generate(new GenerationRequest(model.tokenize("good"), params), good);
            assertThat(good.await().completionTokens()).isEqualTo(20);
            assertThat(failed).isTrue();
            CollectingListener later = new CollectingListener();
            model.generate(new GenerationRequest(model.tokenize("later"), params), later);
            assertThat(later.await().completionTokens()).isEqualTo(20);
        }
    }

    @Test
    void aFullQueueIsReportedAsBusy() throws Exception {
        try (LanguageModel model = LanguageModel.load(synthetic, options(1, 1))) {
            SamplingParams long_ = SamplingParams.builder().temperature(0).maxTokens(200).build();
            List<Generation> running = new ArrayList<>();
            assertThatThrownBy(() -> {
                for (int i = 0; i < 10; i++) {
                    running.add(model.generate(new GenerationRequest(model.tokenize("x"), long_), new CollectingListener()));
                }
            }).isInstanceOf(EngineBusyException.class).hasMessageContaining("busy");
            assertThat(running.size()).isBetween(1, 3);
            running.forEach(Generation::cancel);
        }
    }

    @Test
    void promptsTooLongForTheContextAreRefusedClearly() throws Exception {
        try (LanguageModel model = LanguageModel.load(synthetic, options(1, 1))) {
            int[] tooLong = new Random(1).ints(300, 3, 1000).toArray();
            assertThatThrownBy(() -> model.generate(new GenerationRequest(tooLong, SamplingParams.builder().build()), new CollectingListener()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("300 tokens").hasMessageContaining("256");
            assertThatThrownBy(() -> model.generate(new GenerationRequest(new int[] {5000}, SamplingParams.builder().build()), new CollectingListener()))
                    .hasMessageContaining("outside the vocabulary");
            CollectingListener l = new CollectingListener(); // output is cut at the end of the window
            model.generate(new GenerationRequest(new Random(2).ints(250, 3, 1000).toArray(),
                    SamplingParams.builder().temperature(0).maxTokens(100).build()), l);
            Completion done = l.await();
            assertThat(done.stopReason()).isEqualTo(StopReason.CONTEXT_LENGTH);
            assertThat(done.completionTokens()).isEqualTo(6);
        }
    }

    @Test
    void jsonConstrainedOutputFromARandomModelIsValid() throws Exception {
        try (LanguageModel model = LanguageModel.load(synthetic, options(2, 4))) {
            String schema = """
                    {"type":"object","properties":{"city":{"type":"string","maxLength":12},"days":{"type":"integer"},
                     "tags":{"type":"array","items":{"enum":["a","b"]},"maxItems":3}},"required":["city","days","tags"]}""";
            CollectingListener l = new CollectingListener();
            model.generate(new GenerationRequest(model.tokenize("weather"),
                    SamplingParams.builder().temperature(1.0).seed(3).maxTokens(200).build(), JsonSchemaGrammar.compile(schema)), l);
            assertThat(l.await().stopReason()).isEqualTo(StopReason.END_OF_GENERATION);
            JsonNode json = new ObjectMapper().readTree(l.text());
            assertThat(json.get("city").isTextual()).isTrue();
            assertThat(json.get("days").isIntegralNumber()).isTrue();
            assertThat(json.get("tags").isArray()).isTrue();
        }
    }

    @Test
    void modelInfoDescribesTheFile() throws Exception {
        try (LanguageModel model = LanguageModel.load(ReferenceData.require("models/tinystories-656k-q8_0.gguf"), options(1, 1))) {
            assertThat(model.info().architecture()).isEqualTo("llama");
            assertThat(model.info().quantization()).isEqualTo("Q8_0");
            assertThat(model.info().contextLength()).isEqualTo(256);
            assertThat(model.info().vocabularySize()).isEqualTo(2048);
            assertThat(model.info().bosToken()).isEqualTo("<|start_story|>");
            assertThat(model.info().parameterCount()).isBetween(600_000L, 700_000L);
            assertThat(model.detokenize(model.tokenize("Once upon a time"))).isEqualTo("Once upon a time");
        }
    }
}
