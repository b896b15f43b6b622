package dev.basalt.api.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.basalt.api.server.JsonBody;
import dev.basalt.platform.embeddings.EmbeddingModel;
import dev.basalt.platform.embeddings.EmbeddingModelSpec;
import dev.basalt.platform.embeddings.EmbeddingModels;
import dev.basalt.platform.embeddings.Embeddings;
import dev.basalt.platform.embeddings.VectorMath;
import dev.basalt.platform.errors.NotFoundException;
import dev.basalt.platform.errors.ValidationException;
import io.javalin.http.Context;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/**
 * {@code POST /v1/embeddings} on the built-in embedding models: {@code input} as a string or a list of strings,
 * {@code dimensions} (the first N values, normalised again: both models are trained with plain L2-normalised
 * output, so this is a truncation, not Matryoshka-quality), {@code encoding_format} float or base64 (little-endian
 * float32, as OpenAI's clients decode it). Inputs are embedded as documents; an input over the model's token limit is
 * an error, as OpenAI answers.
 */
final class EmbeddingRequests {
    /** OpenAI's limit on inputs per request. */
    private static final int MAX_INPUTS = 2048;
    private static final Set<String> FIELDS = Set.of("model", "input", "dimensions", "encoding_format", "user");

    private final EmbeddingModels models;

    EmbeddingRequests(EmbeddingModels models) {
        this.models = models;
    }

    void handle(Context ctx) {
        JsonNode body = JsonBody.readTree(ctx);
        for (String field : OpenAiJson.fieldNames(body)) {
            if (!FIELDS.contains(field)) {
                throw new ValidationException("Unrecognized request argument supplied: " + field, field);
            }
        }
        String id = OpenAiJson.requiredText(body, "model");
        EmbeddingModelSpec spec = EmbeddingModels.spec(id).orElseThrow(() -> new NotFoundException("The model " + id
                + " does not exist or is not an embedding model. Embedding models: "
                + EmbeddingModels.builtIn().stream().map(EmbeddingModelSpec::id).toList()));
        List<String> inputs = inputs(body.path("input"));
        int dimensions = OpenAiJson.optionalInt(body, "dimensions", 1, spec.dimensions(), spec.dimensions());
        String format = body.path("encoding_format").asText("float");
        if (!format.equals("float") && !format.equals("base64")) {
            throw new ValidationException("Invalid value for 'encoding_format': expected float or base64.",
                    "encoding_format");
        }
        Embeddings result = models.get(spec.id())
                .embed(inputs, EmbeddingModel.InputKind.DOCUMENT, EmbeddingModel.Truncation.FAIL);

        ObjectNode out = JsonBody.MAPPER.createObjectNode().put("object", "list");
        ArrayNode data = out.putArray("data");
        for (int i = 0; i < result.size(); i++) {
            float[] vector = VectorMath.truncate(result.vector(i), dimensions);
            ObjectNode item = data.addObject().put("object", "embedding").put("index", i);
            if (format.equals("base64")) {
                ByteBuffer bytes = ByteBuffer.allocate(vector.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
                bytes.asFloatBuffer().put(vector);
                item.put("embedding", Base64.getEncoder().encodeToString(bytes.array()));
            } else {
                item.set("embedding", JsonBody.floats(vector));
            }
        }
        out.put("model", spec.id());
        out.putObject("usage").put("prompt_tokens", result.totalTokens()).put("total_tokens", result.totalTokens());
        ctx.json(out);
    }

    private static List<String> inputs(JsonNode input) {
        if (input.isTextual()) {
            return List.of(input.asText());
        }
        if (!input.isArray() || input.isEmpty()) {
            throw new ValidationException("'input' must be a string or a non-empty array of strings.", "input");
        }
        if (input.size() > MAX_INPUTS) {
            throw new ValidationException("'input' holds at most " + MAX_INPUTS + " strings, got " + input.size(),
                    "input");
        }
        List<String> texts = new ArrayList<>();
        for (JsonNode item : input) {
            if (!item.isTextual()) {
                throw new ValidationException("'input' must hold strings (token arrays are not accepted here).",
                        "input");
            }
            texts.add(item.asText());
        }
        return texts;
    }
}
