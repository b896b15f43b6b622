package dev.basalt.platform.chat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A function the model may call. {@code parameters} is its JSON Schema as nested maps and lists; key order is kept
 * (templates print the schema, and the model saw keys in the order the caller wrote them), so pass an ordered map
 * or use {@link #of(String, String, JsonNode)}.
 */
public record ToolDefinition(String name, String description, Map<String, Object> parameters) {

    public ToolDefinition {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a tool needs a name");
        }
        description = description == null ? "" : description;
        parameters = TemplateValues.freezeMap(parameters == null ? emptyObjectSchema() : parameters);
    }

    private static Map<String, Object> emptyObjectSchema() {
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("type", "object");
        schema.put("properties", Map.of());
        return schema;
    }

    /** A tool whose schema arrives as JSON (OpenAI {@code function.parameters}, Bedrock {@code inputSchema.json}). */
    public static ToolDefinition of(String name, String description, JsonNode schema) {
        if (schema != null && !schema.isObject()) {
            throw new IllegalArgumentException("the parameters schema of tool " + name + " must be a JSON object");
        }
        return new ToolDefinition(name, description, schema == null ? null : TemplateValues.fromJson(schema));
    }
}
