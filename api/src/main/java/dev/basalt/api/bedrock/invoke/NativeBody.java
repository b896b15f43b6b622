package dev.basalt.api.bedrock.invoke;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.basalt.api.server.JsonBody;
import dev.basalt.engine.sampling.SamplingParams;
import dev.basalt.platform.errors.ValidationException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.Set;

/**
 * A JSON object of a native InvokeModel body, read with the checks Bedrock applies to it. Problems are reported as
 * Bedrock reports them (its JSON-schema validator's words): {@code Malformed input request: #/path: problem, please
 * reformat your input and try again.}, where {@code #} is the body and {@code #/a/0} a field or element in it.
 */
final class NativeBody {
    private final ObjectNode node;
    private final String path;

    private NativeBody(ObjectNode node, String path) {
        this.node = node;
        this.path = path;
    }

    /** The body of an InvokeModel request: a JSON object. */
    static NativeBody parse(byte[] body) {
        if (body.length == 0) {
            throw malformed("#", "the request body is empty; a JSON object is required");
        }
        JsonNode tree;
        try {
            tree = JsonBody.MAPPER.readTree(body);
        } catch (JacksonException e) {
            throw malformed("#", "the body is not valid JSON (" + e.getOriginalMessage() + ")");
        } catch (IOException e) {
            throw malformed("#", "the body could not be read");
        }
        return object(tree, "#");
    }

    /** {@code value} as an object found at {@code path}. */
    static NativeBody object(JsonNode value, String path) {
        if (value == null || !value.isObject()) {
            throw malformed(path, "expected type: JSONObject, found: " + typeName(value));
        }
        return new NativeBody((ObjectNode) value, path);
    }

    static ValidationException malformed(String path, String problem) {
        return new ValidationException("Malformed input request: " + path + ": " + problem
                + ", please reformat your input and try again.");
    }

    /**
     * A family's default sampling: {@code topK} 0 is off; min-p is off, as none of Bedrock's families has it (the
     * engine's builder defaults follow llama.cpp's server instead).
     */
    static SamplingParams.Builder defaults(double temperature, double topP, int topK, int maxTokens) {
        return SamplingParams.builder().temperature(temperature).topP(topP).topK(topK).minP(0).maxTokens(maxTokens);
    }

    /** Builds sampling parameters; the engine's own limits (e.g. at most 4 stop sequences) become validation errors. */
    static SamplingParams sampling(SamplingParams.Builder builder) {
        try {
            return builder.build();
        } catch (IllegalArgumentException e) {
            throw new ValidationException("Malformed input request: " + e.getMessage()
                    + ", please reformat your input and try again.");
        }
    }

    boolean has(String key) {
        return node.has(key);
    }

    /** Rejects the first key that is not one of {@code allowed}. */
    void allowOnly(Set<String> allowed) {
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            String key = field.getKey();
            if (!allowed.contains(key)) {
                throw malformed(path, "extraneous key [" + key + "] is not permitted");
            }
        }
    }

    String where(String key) {
        return path + "/" + key;
    }

    JsonNode required(String key) {
        JsonNode value = node.get(key);
        if (value == null) {
            throw malformed(path, "required key [" + key + "] not found");
        }
        return value;
    }

    String requiredString(String key) {
        JsonNode value = required(key);
        if (!value.isTextual()) {
            throw malformed(where(key), "expected type: String, found: " + typeName(value));
        }
        return value.asText();
    }

    /** A required string of at least one character. */
    String requiredText(String key) {
        String text = requiredString(key);
        if (text.isEmpty()) {
            throw malformed(where(key), "expected minLength: 1, actual: 0");
        }
        return text;
    }

    OptionalInt integer(String key, int min, int max) {
        JsonNode value = node.get(key);
        if (value == null) {
            return OptionalInt.empty();
        }
        if (!value.isIntegralNumber()) {
            throw malformed(where(key), "expected type: Integer, found: " + typeName(value));
        }
        checkRange(key, value.asDouble(), min, max, value.asText()); // also rejects what does not fit an int
        return OptionalInt.of(value.asInt());
    }

    OptionalDouble number(String key, double min, double max) {
        JsonNode value = node.get(key);
        if (value == null) {
            return OptionalDouble.empty();
        }
        if (!value.isNumber()) {
            throw malformed(where(key), "expected type: Number, found: " + typeName(value));
        }
        checkRange(key, value.asDouble(), min, max, value.asText());
        return OptionalDouble.of(value.asDouble());
    }

    /** An optional list of strings; absent means empty. */
    List<String> strings(String key) {
        List<String> out = new ArrayList<>();
        List<JsonNode> items = array(key);
        for (int i = 0; i < items.size(); i++) {
            if (!items.get(i).isTextual()) {
                throw malformed(where(key) + "/" + i, "expected type: String, found: " + typeName(items.get(i)));
            }
            out.add(items.get(i).asText());
        }
        return out;
    }

    /** An optional array; absent means empty. */
    List<JsonNode> array(String key) {
        JsonNode value = node.get(key);
        if (value == null) {
            return List.of();
        }
        if (!value.isArray()) {
            throw malformed(where(key), "expected type: JSONArray, found: " + typeName(value));
        }
        List<JsonNode> items = new ArrayList<>(value.size());
        value.forEach(items::add);
        return items;
    }

    Optional<NativeBody> optionalObject(String key) {
        JsonNode value = node.get(key);
        return value == null ? Optional.empty() : Optional.of(object(value, where(key)));
    }

    private void checkRange(String key, double value, double min, double max, String text) {
        if (value < min) {
            throw malformed(where(key), text + " is not greater or equal to " + format(min));
        }
        if (value > max) {
            throw malformed(where(key), text + " is not less or equal to " + format(max));
        }
    }

    private static String format(double bound) {
        return bound == Math.rint(bound) ? Long.toString((long) bound) : Double.toString(bound);
    }

    static String typeName(JsonNode value) {
        if (value == null || value.isNull()) {
            return "null";
        }
        if (value.isTextual()) {
            return "String";
        }
        if (value.isIntegralNumber()) {
            return "Integer";
        }
        if (value.isNumber()) {
            return "BigDecimal";
        }
        if (value.isBoolean()) {
            return "Boolean";
        }
        return value.isArray() ? "JSONArray" : "JSONObject";
    }
}
