package dev.basalt.api.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import dev.basalt.engine.sampling.SamplingParams;
import dev.basalt.platform.chat.ChatMessage;
import dev.basalt.platform.errors.ValidationException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** Reads a Converse request body (messages, system, inferenceConfig, additionalModelRequestFields). */
final class ConverseRequestReader {
    private final JsonNode body;

    ConverseRequestReader(JsonNode body) {
        this.body = body;
    }

    /** System prompts first, then the turns; only text content so far. */
    List<ChatMessage> messages() {
        List<ChatMessage> messages = new ArrayList<>();
        JsonNode system = body.path("system");
        if (!system.isMissingNode()) {
            for (JsonNode block : array(system, "system")) {
                messages.add(ChatMessage.system(text(block, "system")));
            }
        }
        JsonNode turns = body.path("messages");
        if (!turns.isArray()) {
            throw new ValidationException("The messages field is required and must be a list of messages.");
        }
        int index = 0;
        for (JsonNode turn : turns) {
            String where = "messages." + index++;
            StringBuilder text = new StringBuilder();
            for (JsonNode block : array(turn.path("content"), where + ".content")) {
                text.append(text(block, where + ".content"));
            }
            messages.add(switch (turn.path("role").asText("")) {
                case "user" -> ChatMessage.user(text.toString());
                case "assistant" -> ChatMessage.assistant(text.toString());
                default -> throw new ValidationException(where + ".role must be 'user' or 'assistant', got "
                        + turn.path("role"));
            });
        }
        return messages;
    }

    /** inferenceConfig plus the engine's extra parameters from additionalModelRequestFields. */
    SamplingParams sampling() {
        SamplingParams.Builder params = SamplingParams.builder().temperature(1.0).topK(0).topP(1.0).minP(0);
        JsonNode config = body.path("inferenceConfig");
        if (config.has("maxTokens")) {
            params.maxTokens(intField(config, "maxTokens", "inferenceConfig.maxTokens"));
        }
        if (config.has("temperature")) {
            params.temperature(number(config, "temperature", 0, 1, "inferenceConfig.temperature"));
        }
        if (config.has("topP")) {
            params.topP(number(config, "topP", 0, 1, "inferenceConfig.topP"));
        }
        if (config.has("stopSequences")) {
            List<String> stop = new ArrayList<>();
            for (JsonNode s : array(config.get("stopSequences"), "inferenceConfig.stopSequences")) {
                stop.add(s.asText());
            }
            params.stop(stop);
        }
        JsonNode extra = body.path("additionalModelRequestFields");
        for (Iterator<Map.Entry<String, JsonNode>> it = extra.properties().iterator(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String where = "additionalModelRequestFields." + field.getKey();
            switch (field.getKey()) {
                case "top_k" -> params.topK(intField(extra, "top_k", where));
                case "min_p" -> params.minP(number(extra, "min_p", 0, 1, where));
                case "seed" -> params.seed(extra.get("seed").asLong());
                case "repetition_penalty" -> params.repetitionPenalty(number(extra, "repetition_penalty", 0, 10, where));
                case "frequency_penalty" -> params.frequencyPenalty(number(extra, "frequency_penalty", -2, 2, where));
                case "presence_penalty" -> params.presencePenalty(number(extra, "presence_penalty", -2, 2, where));
                default -> throw new ValidationException("Malformed input request: " + where
                        + " is not a supported field (supported: top_k, min_p, seed, repetition_penalty, "
                        + "frequency_penalty, presence_penalty)");
            }
        }
        try {
            return params.build();
        } catch (IllegalArgumentException e) {
            throw new ValidationException(e.getMessage());
        }
    }

    private static Iterable<JsonNode> array(JsonNode node, String where) {
        if (!node.isArray()) {
            throw new ValidationException(where + " must be a list");
        }
        return node;
    }

    private static String text(JsonNode block, String where) {
        if (!block.path("text").isTextual()) {
            throw new ValidationException(where + ": only text content blocks are supported so far, got "
                    + block.properties().stream().map(Map.Entry::getKey).toList());
        }
        return block.get("text").asText();
    }

    private static int intField(JsonNode node, String name, String where) {
        JsonNode v = node.get(name);
        if (!v.canConvertToInt() || !v.isIntegralNumber()) {
            throw new ValidationException(where + " must be an integer, got " + v);
        }
        return v.asInt();
    }

    private static double number(JsonNode node, String name, double min, double max, String where) {
        JsonNode v = node.get(name);
        if (!v.isNumber() || v.asDouble() < min || v.asDouble() > max) {
            throw new ValidationException(where + " must be a number between " + min + " and " + max + ", got " + v);
        }
        return v.asDouble();
    }
}
