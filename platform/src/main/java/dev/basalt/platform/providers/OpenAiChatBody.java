package dev.basalt.platform.providers;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.basalt.engine.sampling.SamplingParams;
import dev.basalt.platform.chat.ChatMessage;
import dev.basalt.platform.chat.ToolCall;
import dev.basalt.platform.chat.ToolDefinition;
import dev.basalt.platform.errors.ValidationException;
import dev.basalt.platform.runtime.ConverseRequest;
import dev.basalt.platform.runtime.ResponseFormat;
import dev.basalt.platform.runtime.ToolChoice;

/**
 * A {@link ConverseRequest} as an OpenAI {@code /chat/completions} request body, streamed with usage. Only the
 * sampling knobs of the OpenAI API are sent (top-k, min-p and repetition penalty are not part of it, and strict
 * servers reject unknown fields); the upstream applies its own defaults for the rest.
 */
final class OpenAiChatBody {
    private static final ObjectMapper JSON = new ObjectMapper();

    private OpenAiChatBody() {}

    static byte[] of(String model, ConverseRequest request) {
        ObjectNode body = JSON.createObjectNode().put("model", model);
        ArrayNode messages = body.putArray("messages");
        for (ChatMessage m : request.messages()) {
            messages.add(message(m));
        }
        SamplingParams s = request.sampling();
        body.put("temperature", s.temperature()).put("top_p", s.topP()).put("max_tokens", s.maxTokens());
        if (!s.stop().isEmpty()) {
            ArrayNode stop = body.putArray("stop");
            s.stop().forEach(stop::add);
        }
        s.seed().ifPresent(seed -> body.put("seed", seed));
        if (s.frequencyPenalty() != 0) {
            body.put("frequency_penalty", s.frequencyPenalty());
        }
        if (s.presencePenalty() != 0) {
            body.put("presence_penalty", s.presencePenalty());
        }
        if (!request.tools().isEmpty()) {
            ArrayNode tools = body.putArray("tools");
            for (ToolDefinition t : request.tools()) {
                ObjectNode function = tools.addObject().put("type", "function").putObject("function")
                        .put("name", t.name()).put("description", t.description());
                function.set("parameters", JSON.valueToTree(t.parameters()));
            }
            switch (request.toolChoice()) {
                case ToolChoice.Auto a -> body.put("tool_choice", "auto");
                case ToolChoice.Any a -> body.put("tool_choice", "required");
                case ToolChoice.Named(String name) -> body.putObject("tool_choice").put("type", "function")
                        .putObject("function").put("name", name);
            }
        }
        switch (request.responseFormat()) {
            case ResponseFormat.Text t -> { }
            case ResponseFormat.JsonObject o -> body.putObject("response_format").put("type", "json_object");
            case ResponseFormat.JsonSchema(String schema) -> body.putObject("response_format")
                    .put("type", "json_schema").putObject("json_schema").put("name", "response").put("strict", true)
                    .set("schema", parse(schema, "response schema"));
        }
        body.put("stream", true).putObject("stream_options").put("include_usage", true);
        try {
            return JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ObjectNode message(ChatMessage m) {
        ObjectNode out = JSON.createObjectNode().put("role", m.role().wireName());
        switch (m.role()) {
            case TOOL -> out.put("tool_call_id", m.toolCallId()).put("content", m.text());
            case ASSISTANT -> {
                if (m.toolCalls().isEmpty() || !m.text().isEmpty()) {
                    out.put("content", m.text());
                } else {
                    out.putNull("content");
                }
                ArrayNode calls = JSON.createArrayNode();
                for (int i = 0; i < m.toolCalls().size(); i++) {
                    ToolCall call = m.toolCalls().get(i);
                    calls.addObject().put("id", call.id() != null ? call.id() : "call_" + i).put("type", "function")
                            .putObject("function").put("name", call.name()).put("arguments", call.argumentsJson());
                }
                if (!calls.isEmpty()) {
                    out.set("tool_calls", calls);
                }
            }
            default -> {
                out.put("content", m.text());
                if (m.name() != null) {
                    out.put("name", m.name());
                }
            }
        }
        return out;
    }

    private static JsonNode parse(String json, String what) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new ValidationException("The " + what + " is not valid JSON: " + e.getOriginalMessage());
        }
    }
}
