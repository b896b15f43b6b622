package dev.basalt.api.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.basalt.engine.sampling.SamplingParams;
import dev.basalt.platform.errors.ValidationException;
import java.util.ArrayList;
import java.util.List;

/**
 * The sampling fields that chat and text completions share ({@code temperature}, {@code top_p}, penalties,
 * {@code stop}, {@code seed}) with OpenAI's defaults; each endpoint reads its own token budget and logprobs fields.
 */
final class OpenAiSampling {
    private OpenAiSampling() {}

    /** {@code maxTokens}, {@code logprobs} and {@code topLogprobs} were read by the caller from its own fields. */
    static SamplingParams read(JsonNode body, int maxTokens, boolean logprobs, int topLogprobs) {
        SamplingParams.Builder params = SamplingParams.builder().topK(0).minP(0)
                .maxTokens(maxTokens)
                .temperature(OpenAiJson.optionalNumber(body, "temperature", 0, 2, 1))
                .topP(OpenAiJson.optionalNumber(body, "top_p", 0, 1, 1))
                .frequencyPenalty(OpenAiJson.optionalNumber(body, "frequency_penalty", -2, 2, 0))
                .presencePenalty(OpenAiJson.optionalNumber(body, "presence_penalty", -2, 2, 0))
                .stop(stop(body.path("stop")))
                .logprobs(logprobs)
                .topLogprobs(topLogprobs);
        if (body.has("seed") && !body.get("seed").isNull()) {
            if (!body.get("seed").isIntegralNumber()) {
                throw new ValidationException("'seed' must be an integer.", "seed");
            }
            params.seed(body.get("seed").asLong());
        }
        try {
            return params.build();
        } catch (IllegalArgumentException e) {
            throw new ValidationException(e.getMessage());
        }
    }

    /** The token budget in {@code field}, or {@code absent} when it is missing or null. */
    static int maxTokens(JsonNode body, String field, int absent) {
        return OpenAiJson.optionalInt(body, field, 1, Integer.MAX_VALUE, absent);
    }

    private static List<String> stop(JsonNode stop) {
        if (stop.isMissingNode() || stop.isNull()) {
            return List.of();
        }
        if (stop.isTextual()) {
            return List.of(stop.asText());
        }
        List<String> out = new ArrayList<>();
        for (JsonNode s : OpenAiJson.array(stop, "stop")) {
            if (!s.isTextual()) {
                throw new ValidationException("'stop' must be a string or a list of strings.", "stop");
            }
            out.add(s.asText());
        }
        if (out.size() > SamplingParams.MAX_STOP_SEQUENCES) {
            throw new ValidationException("'stop' holds at most " + SamplingParams.MAX_STOP_SEQUENCES + " sequences.",
                    "stop");
        }
        return out;
    }
}
