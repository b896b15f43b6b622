package dev.basalt.engine.grammar;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Test oracle: checks a Jackson-parsed value against a Jackson-parsed schema of the supported subset, written
 * independently of the compiler from the JSON Schema rules. Returns the violations (empty = valid).
 */
final class SchemaValidator {
    private SchemaValidator() {
    }

    static List<String> validate(JsonNode schema, JsonNode value) {
        List<String> errors = new ArrayList<>();
        check(schema, value, "$", errors);
        return errors;
    }

    private static void check(JsonNode schema, JsonNode value, String path, List<String> errors) {
        if (schema.isBoolean()) {
            if (!schema.asBoolean()) {
                errors.add(path + ": schema false");
            }
            return;
        }
        if (schema.has("const") && !schema.get("const").equals(value)) {
            errors.add(path + ": not the const");
        }
        if (schema.has("enum")) {
            boolean found = false;
            for (JsonNode option : schema.get("enum")) {
                found |= option.equals(value);
            }
            if (!found) {
                errors.add(path + ": not in enum: " + value);
            }
        }
        if (schema.has("anyOf")) {
            boolean any = false;
            for (JsonNode branch : schema.get("anyOf")) {
                any |= validate(branch, value).isEmpty();
            }
            if (!any) {
                errors.add(path + ": matches no anyOf branch: " + value);
            }
        }
        if (schema.has("type")) {
            boolean typeOk = false;
            JsonNode t = schema.get("type");
            for (JsonNode type : t.isArray() ? t : List.of(t)) {
                typeOk |= hasType(type.asText(), value);
            }
            if (!typeOk) {
                errors.add(path + ": wrong type " + value.getNodeType() + " for " + t);
            }
        }
        if (value.isObject()) {
            for (JsonNode req : schema.path("required")) {
                if (!value.has(req.asText())) {
                    errors.add(path + ": missing required " + req.asText());
                }
            }
            JsonNode props = schema.path("properties");
            value.properties().forEach(e -> {
                if (props.has(e.getKey())) {
                    check(props.get(e.getKey()), e.getValue(), path + "." + e.getKey(), errors);
                } else if (schema.path("additionalProperties").isBoolean() && !schema.get("additionalProperties").asBoolean()) {
                    errors.add(path + ": additional property " + e.getKey());
                }
            });
        }
        if (value.isArray()) {
            if (schema.has("minItems") && value.size() < schema.get("minItems").asInt()) {
                errors.add(path + ": fewer than minItems");
            }
            if (schema.has("maxItems") && value.size() > schema.get("maxItems").asInt()) {
                errors.add(path + ": more than maxItems");
            }
            if (schema.has("items")) {
                for (int i = 0; i < value.size(); i++) {
                    check(schema.get("items"), value.get(i), path + "[" + i + "]", errors);
                }
            }
        }
        if (value.isTextual()) {
            int length = value.asText().codePointCount(0, value.asText().length());
            if (schema.has("maxLength") && length > schema.get("maxLength").asInt()) {
                errors.add(path + ": longer than maxLength");
            }
            if (schema.has("minLength") && length < schema.get("minLength").asInt()) {
                errors.add(path + ": shorter than minLength");
            }
        }
    }

    private static boolean hasType(String type, JsonNode v) {
        return switch (type) {
            case "object" -> v.isObject();
            case "array" -> v.isArray();
            case "string" -> v.isTextual();
            case "number" -> v.isNumber();
            case "integer" -> v.isIntegralNumber();
            case "boolean" -> v.isBoolean();
            case "null" -> v.isNull();
            default -> false;
        };
    }
}
