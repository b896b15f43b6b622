package dev.basalt.platform.runtime;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.basalt.engine.grammar.JsonConstraint;
import dev.basalt.engine.grammar.JsonSchemaGrammar;
import dev.basalt.platform.chat.ToolDefinition;
import dev.basalt.platform.errors.ValidationException;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The constraint that forces a valid tool call: {@code {"name": <tool>, "arguments": <its input schema>}} for the
 * named tool, or any of the tools for tool choice {@code any}. It is the JSON the prompt adapter teaches templates
 * without tool support, and what Hermes-style templates put inside {@code <tool_call>}.
 *
 * <p>Schemas are taken as users write them for Bedrock and OpenAI. Keywords that only restrict values further
 * (minimum, pattern, format, ...) cannot be enforced while decoding and are dropped from the grammar, so a forced
 * call satisfies the schema's structure and types but not those bounds; {@code oneOf} is decoded as
 * {@code anyOf}. Keywords that change the structure and are not supported ({@code $ref}, {@code allOf}, ...)
 * are a validation error naming the tool.
 */
final class ToolCallGrammar {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> UNENFORCED = Set.of("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
            "multipleOf", "pattern", "format", "uniqueItems", "minProperties", "maxProperties", "propertyNames");

    private ToolCallGrammar() {}

    static JsonConstraint forChoice(List<ToolDefinition> tools, ToolChoice choice) {
        List<ToolDefinition> callable = choice instanceof ToolChoice.Named(String name)
                ? tools.stream().filter(t -> t.name().equals(name)).toList()
                : tools;
        ArrayNode alternatives = JSON.createArrayNode();
        for (ToolDefinition tool : callable) {
            ObjectNode call = alternatives.addObject().put("type", "object");
            ObjectNode properties = call.putObject("properties");
            properties.putObject("name").put("const", tool.name());
            properties.set("arguments", decodable(JSON.valueToTree(tool.parameters())));
            call.putArray("required").add("name").add("arguments");
        }
        JsonNode schema = alternatives.size() == 1 ? alternatives.get(0) : JSON.createObjectNode().set("anyOf", alternatives);
        try {
            return JsonSchemaGrammar.compile(schema.toString());
        } catch (IllegalArgumentException e) {
            throw new ValidationException("The input schema of a tool cannot be used to force a tool call: "
                    + e.getMessage());
        }
    }

    /** Only the choice of a tool: {@code {"name": <one of the tools>}}. */
    static JsonConstraint choosingTool(List<ToolDefinition> tools) {
        ObjectNode schema = JSON.createObjectNode().put("type", "object");
        ArrayNode names = schema.putObject("properties").putObject("name").putArray("enum");
        tools.forEach(t -> names.add(t.name()));
        schema.putArray("required").add("name");
        return JsonSchemaGrammar.compile(schema.toString());
    }

    /** The tool named by the output of {@link #choosingTool}; the first tool if the output was cut off. */
    static String chosenTool(String output, List<ToolDefinition> tools) {
        try {
            String name = JSON.readTree(output).path("name").asText("");
            return tools.stream().map(ToolDefinition::name).filter(name::equals).findFirst()
                    .orElse(tools.getFirst().name());
        } catch (JsonProcessingException e) {
            return tools.getFirst().name();
        }
    }

    /** A copy of {@code schema} without the keywords decoding cannot enforce, and with oneOf read as anyOf. */
    private static JsonNode decodable(JsonNode schema) {
        if (schema.isArray()) {
            ArrayNode copy = JSON.createArrayNode();
            schema.forEach(item -> copy.add(decodable(item)));
            return copy;
        }
        if (!schema.isObject()) {
            return schema;
        }
        ObjectNode copy = JSON.createObjectNode();
        for (Map.Entry<String, JsonNode> field : schema.properties()) {
            String key = field.getKey();
            if (key.equals("properties") && field.getValue().isObject()) {
                // Keys here are property names, not keywords: a property may well be called "format".
                ObjectNode properties = copy.putObject("properties");
                field.getValue().properties().forEach(p -> properties.set(p.getKey(), decodable(p.getValue())));
                continue;
            }
            if (UNENFORCED.contains(key)) {
                continue;
            }
            boolean literal = key.equals("enum") || key.equals("const") || key.equals("default") || key.equals("examples");
            copy.set(key.equals("oneOf") ? "anyOf" : key, literal ? field.getValue() : decodable(field.getValue()));
        }
        return copy;
    }
}
