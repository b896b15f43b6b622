package dev.basalt.engine.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class SamplingParamsTest {

    private static void rejects(UnaryOperator<SamplingParams.Builder> change, String message) {
        assertThatThrownBy(() -> change.apply(SamplingParams.builder()).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
    }

    @Test
    void acceptsTheEdgesOfEveryRange() {
        assertThatCode(() -> SamplingParams.builder().temperature(2).topP(1).topK(0).minP(1).frequencyPenalty(-2)
                .presencePenalty(2).repetitionPenalty(0.5).repetitionLastN(0).maxTokens(1)
                .stop(List.of("a", "b", "c", "d")).logprobs(true).topLogprobs(20).build()).doesNotThrowAnyException();
        assertThat(SamplingParams.greedy().isGreedy()).isTrue();
        assertThat(SamplingParams.defaults().isGreedy()).isFalse();
    }

    @Test
    void rejectsOutOfRangeValuesNamingTheField() {
        rejects(b -> b.temperature(2.01), "temperature");
        rejects(b -> b.temperature(-0.1), "temperature");
        rejects(b -> b.temperature(Double.NaN), "temperature");
        rejects(b -> b.topP(0), "topP");
        rejects(b -> b.topP(1.1), "topP");
        rejects(b -> b.topK(-1), "topK");
        rejects(b -> b.minP(1.5), "minP");
        rejects(b -> b.repetitionPenalty(0), "repetitionPenalty");
        rejects(b -> b.repetitionPenalty(Double.POSITIVE_INFINITY), "repetitionPenalty");
        rejects(b -> b.repetitionLastN(-1), "repetitionLastN");
        rejects(b -> b.frequencyPenalty(2.5), "frequencyPenalty");
        rejects(b -> b.presencePenalty(-3), "presencePenalty");
        rejects(b -> b.maxTokens(0), "maxTokens");
        rejects(b -> b.stop(List.of("a", "b", "c", "d", "e")), "at most 4 stop sequences");
        rejects(b -> b.stop(List.of("")), "non-empty");
        rejects(b -> b.stop(null), "stop");
        rejects(b -> b.logprobs(true).topLogprobs(21), "topLogprobs");
        rejects(b -> b.topLogprobs(2), "requires logprobs");
    }
}
