package dev.basalt.api.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.basalt.platform.errors.ValidationException;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reading OpenAI request fields, with OpenAI's wording for wrong types and ranges and the field as {@code param}. */
final class OpenAiJson {
    private OpenAiJson() {}

    static List<String> fieldNames(JsonNode node) {
        return node.properties().stream().map(Map.Entry::getKey).toList();
    }

    /** Unknown fields are 400s, as OpenAI answers them; {@code ignored} ones are accepted without effect. */
    static void checkFields(JsonNode body, Set<String> known, Set<String> ignored) {
        for (String field : fieldNames(body)) {
            if (!known.contains(field) && !ignored.contains(field)) {
                throw new ValidationException("Unrecognized request argument supplied: " + field, field);
            }
        }
    }

    /** {@code stream_options.include_usage}; the options are only allowed on a streamed request. */
    static boolean includeUsage(JsonNode body, boolean stream) {
        JsonNode streamOptions = body.path("stream_options");
        if (!streamOptions.isMissingNode() && !stream) {
            throw new ValidationException("The 'stream_options' parameter is only allowed when 'stream' is enabled.",
                    "stream_options");
        }
        return optionalBoolean(streamOptions, "include_usage", false);
    }

    static String requiredText(JsonNode node, String field, String where) {
        JsonNode value = node.path(field);
        String name = where.isEmpty() ? field : where + "." + field;
        if (!value.isTextual() || value.asText().isEmpty()) {
            throw new ValidationException("Missing required parameter: '" + name + "'.", name);
        }
        return value.asText();
    }

    static String requiredText(JsonNode node, String field) {
        return requiredText(node, field, "");
    }

    static Iterable<JsonNode> array(JsonNode node, String field) {
        if (!node.isArray()) {
            throw new ValidationException("Invalid type for '" + field + "': expected an array.", field);
        }
        return node;
    }

    static boolean optionalBoolean(JsonNode node, String field, boolean absent) {
        JsonNode value = node.path(field);
        if (value.isMissingNode() || value.isNull()) {
            return absent;
        }
        if (!value.isBoolean()) {
            throw new ValidationException("Invalid type for '" + field + "': expected a boolean, but got " + value
                    + " instead.", field);
        }
        return value.asBoolean();
    }

    static double optionalNumber(JsonNode node, String field, double min, double max, double absent) {
        JsonNode value = node.path(field);
        if (value.isMissingNode() || value.isNull()) {
            return absent;
        }
        if (!value.isNumber()) {
            throw new ValidationException("Invalid type for '" + field + "': expected a number, but got " + value
                    + " instead.", field);
        }
        if (value.asDouble() < min || value.asDouble() > max) {
            throw new ValidationException("Invalid '" + field + "': " + value + " is out of range; expected a value "
                    + "between " + format(min) + " and " + format(max) + ".", field);
        }
        return value.asDouble();
    }

    static int optionalInt(JsonNode node, String field, int min, int max, int absent) {
        JsonNode value = node.path(field);
        if (value.isMissingNode() || value.isNull()) {
            return absent;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            throw new ValidationException("Invalid type for '" + field + "': expected an integer, but got " + value
                    + " instead.", field);
        }
        if (value.asInt() < min || value.asInt() > max) {
            throw new ValidationException("Invalid '" + field + "': " + value + " is out of range; expected a value "
                    + (max == Integer.MAX_VALUE ? "of at least " + min : "between " + min + " and " + max) + ".", field);
        }
        return value.asInt();
    }

    private static String format(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
