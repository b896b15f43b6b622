package dev.basalt.api.bedrock.invoke;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.basalt.api.server.JsonBody;
import dev.basalt.platform.embeddings.EmbeddingModel;
import dev.basalt.platform.embeddings.Embeddings;
import dev.basalt.platform.embeddings.VectorMath;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * InvokeModel on an embedding model, in the two body families Bedrock users send: Amazon Titan Text Embeddings V2
 * ({@code inputText}, {@code dimensions}, {@code normalize}, {@code embeddingTypes} float/binary) and Cohere embed
 * ({@code texts}, {@code input_type}, {@code truncate}, {@code embedding_types} float). Vectors are always unit
 * length (both built-in models are trained that way; {@code normalize: false} changes nothing); {@code dimensions}
 * below the model's size keeps the first values and normalises again, above it is a validation error.
 */
final class EmbeddingBodies {
    private static final Set<String> TITAN_KEYS = Set.of("inputText", "dimensions", "normalize", "embeddingTypes");
    private static final Set<String> COHERE_KEYS = Set.of("texts", "input_type", "truncate", "embedding_types", "images");
    /** Cohere's limit on texts per request. */
    private static final int MAX_COHERE_TEXTS = 96;

    private EmbeddingBodies() {}

    /** The response body, and the input token count for Bedrock's header. */
    record Answer(ObjectNode body, long inputTokens) {}

    static Answer invoke(byte[] bytes, EmbeddingModel model) {
        NativeBody body = NativeBody.parse(bytes);
        return body.has("texts") ? cohere(body, model) : titan(body, model);
    }

    private static Answer titan(NativeBody body, EmbeddingModel model) {
        body.allowOnly(TITAN_KEYS);
        String text = body.requiredText("inputText");
        int dimensions = body.integer("dimensions", 1, model.dimensions()).orElse(model.dimensions());
        List<String> types = body.has("embeddingTypes") ? body.strings("embeddingTypes") : List.of("float");
        for (int i = 0; i < types.size(); i++) {
            if (!types.get(i).equals("float") && !types.get(i).equals("binary")) {
                throw NativeBody.malformed(body.where("embeddingTypes") + "/" + i, types.get(i)
                        + " is not a valid enum value (float, binary)");
            }
        }
        Embeddings result = model.embed(List.of(text), EmbeddingModel.InputKind.DOCUMENT,
                EmbeddingModel.Truncation.TRUNCATE);
        float[] vector = VectorMath.truncate(result.vector(0), dimensions);
        ObjectNode out = JsonBody.MAPPER.createObjectNode();
        ObjectNode byType = JsonBody.MAPPER.createObjectNode();
        if (types.contains("float")) {
            out.set("embedding", JsonBody.floats(vector));
            byType.set("float", JsonBody.floats(vector));
        }
        if (types.contains("binary")) {
            ArrayNode bits = byType.putArray("binary");
            for (float v : vector) {
                bits.add(v > 0 ? 1 : 0);
            }
        }
        out.put("inputTextTokenCount", result.totalTokens());
        out.set("embeddingsByType", byType);
        return new Answer(out, result.totalTokens());
    }

    private static Answer cohere(NativeBody body, EmbeddingModel model) {
        body.allowOnly(COHERE_KEYS);
        List<String> texts = body.strings("texts");
        if (texts.isEmpty() || texts.size() > MAX_COHERE_TEXTS) {
            throw NativeBody.malformed(body.where("texts"), "expected 1 to " + MAX_COHERE_TEXTS + " texts, found "
                    + texts.size());
        }
        String inputType = body.requiredString("input_type");
        EmbeddingModel.InputKind kind = switch (inputType) {
            case "search_query" -> EmbeddingModel.InputKind.QUERY;
            case "search_document", "classification", "clustering" -> EmbeddingModel.InputKind.DOCUMENT;
            default -> throw NativeBody.malformed(body.where("input_type"), inputType + " is not a valid enum value");
        };
        String truncate = body.has("truncate") ? body.requiredString("truncate") : "NONE";
        EmbeddingModel.Truncation truncation = switch (truncate) {
            case "NONE" -> EmbeddingModel.Truncation.FAIL;
            case "END" -> EmbeddingModel.Truncation.TRUNCATE;
            default -> throw NativeBody.malformed(body.where("truncate"), truncate
                    + " is not supported (NONE or END: the end of a long text is dropped)");
        };
        List<String> types = body.has("embedding_types") ? body.strings("embedding_types") : List.of();
        if (types.stream().anyMatch(t -> !t.equals("float"))) {
            throw NativeBody.malformed(body.where("embedding_types"), "only float embeddings are available");
        }
        Embeddings result = model.embed(texts, kind, truncation);
        ArrayNode vectors = JsonBody.MAPPER.createArrayNode();
        for (int i = 0; i < result.size(); i++) {
            vectors.add(JsonBody.floats(result.vector(i)));
        }
        ObjectNode out = JsonBody.MAPPER.createObjectNode().put("id", UUID.randomUUID().toString());
        if (types.isEmpty()) {
            out.set("embeddings", vectors);
            out.put("response_type", "embeddings_floats");
        } else {
            out.putObject("embeddings").set("float", vectors);
            out.put("response_type", "embeddings_by_type");
        }
        ArrayNode echoed = out.putArray("texts");
        texts.forEach(echoed::add);
        return new Answer(out, result.totalTokens());
    }

}
