package dev.basalt.api.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.basalt.engine.sampling.SamplingParams;
import dev.basalt.platform.errors.ValidationException;
import java.util.Set;

/**
 * A {@code POST /v1/completions} body (OpenAI's legacy text completion), checked the way OpenAI checks it.
 *
 * @param model        the model id (or ARN) to run
 * @param prompt       the text to continue, tokenized as it is (no chat template)
 * @param stream       answer as server-sent events
 * @param includeUsage {@code stream_options.include_usage}: a last chunk carries the usage
 * @param echo         the prompt comes back in front of the generated text
 * @param logprobs     how many alternatives to list per token, or -1 for no logprobs at all
 */
record TextCompletionRequest(String model, String prompt, SamplingParams sampling, boolean stream,
                             boolean includeUsage, boolean echo, int logprobs) {
    /** OpenAI's default budget for this endpoint (chat completions have none). */
    static final int DEFAULT_MAX_TOKENS = 16;
    /** The legacy endpoint lists at most five alternatives per token. */
    static final int MAX_LOGPROBS = 5;
    private static final Set<String> IGNORED = Set.of("user", "logit_bias");
    private static final Set<String> KNOWN = Set.of("model", "prompt", "max_tokens", "temperature", "top_p", "n",
            "best_of", "stop", "seed", "frequency_penalty", "presence_penalty", "logprobs", "echo", "suffix",
            "stream", "stream_options");

    static TextCompletionRequest read(JsonNode body) {
        OpenAiJson.checkFields(body, KNOWN, IGNORED);
        String model = OpenAiJson.requiredText(body, "model");
        String prompt = prompt(body.path("prompt"));
        for (String choices : new String[] {"n", "best_of"}) {
            if (OpenAiJson.optionalInt(body, choices, 1, 128, 1) != 1) {
                throw new ValidationException("Only " + choices + "=1 is supported: ask again (with another seed) "
                        + "for more completions.", choices);
            }
        }
        JsonNode suffix = body.path("suffix");
        if (!suffix.isMissingNode() && !suffix.isNull()) {
            throw new ValidationException("'suffix' (insertion) is not supported by this server.", "suffix");
        }
        boolean stream = OpenAiJson.optionalBoolean(body, "stream", false);
        boolean includeUsage = OpenAiJson.includeUsage(body, stream);
        boolean echo = OpenAiJson.optionalBoolean(body, "echo", false);
        int logprobs = OpenAiJson.optionalInt(body, "logprobs", 0, MAX_LOGPROBS, -1);
        if (echo && logprobs >= 0) {
            // OpenAI would score the prompt's tokens too; the engine computes logprobs for generated tokens only.
            throw new ValidationException("'echo' together with 'logprobs' (prompt log-probabilities) is not "
                    + "supported by this server.", "echo");
        }
        SamplingParams sampling = OpenAiSampling.read(body,
                OpenAiSampling.maxTokens(body, "max_tokens", DEFAULT_MAX_TOKENS), logprobs >= 0, Math.max(0, logprobs));
        return new TextCompletionRequest(model, prompt, sampling, stream,
                includeUsage, echo, logprobs);
    }

    /** A string, or an array holding one string; several prompts and token arrays are not supported. */
    private static String prompt(JsonNode prompt) {
        if (prompt.isTextual()) {
            return prompt.asText();
        }
        if (prompt.isArray() && prompt.size() == 1 && prompt.get(0).isTextual()) {
            return prompt.get(0).asText();
        }
        if (prompt.isMissingNode() || prompt.isNull()) {
            throw new ValidationException("Missing required parameter: 'prompt'.", "prompt");
        }
        if (prompt.isArray() && !prompt.isEmpty() && !prompt.get(0).isTextual()) {
            throw new ValidationException("'prompt' as token ids is not supported: send the text.", "prompt");
        }
        if (prompt.isArray()) {
            throw new ValidationException("'prompt' must be a string or an array of exactly one string: send one "
                    + "request per prompt.", "prompt");
        }
        throw new ValidationException("Invalid type for 'prompt': expected a string, but got " + prompt + " instead.",
                "prompt");
    }
}
