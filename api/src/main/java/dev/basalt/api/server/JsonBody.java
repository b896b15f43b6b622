package dev.basalt.api.server;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.basalt.platform.errors.ValidationException;
import io.javalin.http.Context;

/**
 * Reads JSON request bodies. Malformed JSON, a wrong type or an unknown field is the client's mistake and
 * becomes a {@link ValidationException} that says where in the body the problem is.
 */
public final class JsonBody {
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private JsonBody() {}

    public static JsonNode readTree(Context ctx) {
        byte[] body = ctx.bodyAsBytes(); // enforces server.maxRequestBody, also for chunked bodies
        if (body.length == 0) {
            throw new ValidationException("The request body is empty; a JSON object is required.");
        }
        try {
            return MAPPER.readTree(body);
        } catch (JacksonException e) {
            throw malformed(e);
        } catch (java.io.IOException e) {
            throw new ValidationException("The request body could not be read.");
        }
    }

    public static <T> T read(Context ctx, Class<T> type) {
        JsonNode tree = readTree(ctx);
        try {
            return MAPPER.treeToValue(tree, type);
        } catch (UnrecognizedPropertyException e) {
            throw new ValidationException("extraneous key [" + e.getPropertyName() + "] is not permitted");
        } catch (JacksonException e) {
            throw malformed(e);
        }
    }

    /** A vector as a JSON array of numbers (embeddings). */
    public static ArrayNode floats(float[] values) {
        ArrayNode array = MAPPER.createArrayNode();
        for (float v : values) {
            array.add(v);
        }
        return array;
    }

    /** JSON the server produced itself (a tool call's checked input), as a tree for a response. */
    public static JsonNode parseTrusted(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (JacksonException e) {
            throw new IllegalStateException("the server's own JSON did not parse", e);
        }
    }

    private static ValidationException malformed(JacksonException e) {
        String where = e.getLocation() == null || e.getLocation().getLineNr() < 0 ? ""
                : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
        return new ValidationException("Malformed JSON in request body" + where + ": " + e.getOriginalMessage());
    }
}
