package dev.basalt.platform.chat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns messages and tools into the dicts Hugging Face passes to a template ({@code {"role": ..., "content": ...,
 * "tool_calls": [{"id", "type": "function", "function": {"name", "arguments"}}]}}). Keys a message does not have are
 * left out rather than set to null: Llama 3.1 tests {@code 'tool_calls' in message}.
 */
final class TemplateValues {

    private static final ObjectMapper JSON = new ObjectMapper();

    private TemplateValues() {
    }

    static Map<String, Object> message(ChatMessage message) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("role", message.role().wireName());
        out.put("content", message.text());
        if (!message.toolCalls().isEmpty()) {
            List<Object> calls = new ArrayList<>();
            for (ToolCall call : message.toolCalls()) {
                calls.add(toolCall(call));
            }
            out.put("tool_calls", calls);
        }
        if (message.toolCallId() != null) {
            out.put("tool_call_id", message.toolCallId());
        }
        if (message.name() != null) {
            out.put("name", message.name());
        }
        return out;
    }

    private static Map<String, Object> toolCall(ToolCall call) {
        Map<String, Object> function = new LinkedHashMap<>();
        function.put("name", call.name());
        function.put("arguments", arguments(call.argumentsJson()));
        Map<String, Object> out = new LinkedHashMap<>();
        if (call.id() != null) {
            out.put("id", call.id());
        }
        out.put("type", "function");
        out.put("function", function);
        return out;
    }

    /** Arguments as a dict when they are a JSON object, else the text itself (Qwen3 prints strings as they are). */
    static Object arguments(String json) {
        try {
            JsonNode node = JSON.readTree(json);
            return node != null && node.isObject() ? fromJson(node) : json;
        } catch (JsonProcessingException e) {
            return json;
        }
    }

    /** The OpenAI tool shape every tool-aware template reads: {"type": "function", "function": {...}}. */
    static Map<String, Object> tool(ToolDefinition tool) {
        Map<String, Object> function = new LinkedHashMap<>();
        function.put("name", tool.name());
        function.put("description", tool.description());
        function.put("parameters", tool.parameters());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("type", "function");
        out.put("function", function);
        return out;
    }

    static Map<String, Object> fromJson(JsonNode node) {
        return freezeMap(JSON.convertValue(node, new TypeReference<LinkedHashMap<String, Object>>() {
        }));
    }

    /** A deep, order-preserving, unmodifiable copy. */
    static Map<String, Object> freezeMap(Map<String, ?> map) {
        Map<String, Object> out = new LinkedHashMap<>();
        map.forEach((key, value) -> out.put(key, freeze(value)));
        return Collections.unmodifiableMap(out);
    }

    @SuppressWarnings("unchecked")
    private static Object freeze(Object value) {
        if (value instanceof Map<?, ?> map) {
            return freezeMap((Map<String, ?>) map);
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            list.forEach(item -> out.add(freeze(item)));
            return Collections.unmodifiableList(out);
        }
        return value;
    }
}
