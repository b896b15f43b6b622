package dev.basalt.api.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.basalt.api.bedrock.invoke.ModelFamilies;
import dev.basalt.api.server.ApiRoutes;
import dev.basalt.api.server.JsonBody;
import dev.basalt.platform.catalog.ServedModel;
import dev.basalt.platform.documents.DocumentText;
import dev.basalt.platform.errors.ValidationException;
import dev.basalt.platform.providers.ModelGateway;
import dev.basalt.platform.runtime.ConverseRequest;
import dev.basalt.platform.runtime.ConverseResult;
import dev.basalt.platform.runtime.ConverseService;
import dev.basalt.platform.runtime.ConverseStream;
import dev.basalt.platform.runtime.ReplyBlock;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * The {@code bedrock-runtime} operations (restJson1): Converse, ConverseStream and CountTokens (InvokeModel is in
 * {@link dev.basalt.api.bedrock.invoke.InvokeModelRoutes}). The model id in the path
 * may be an id or a URL-encoded ARN; {@code <modelId>} lets it contain the ARN's slash.
 */
public final class BedrockRuntimeRoutes implements ApiRoutes {
    private final ModelGateway models;
    private final ConverseService converse;
    private final DocumentText documents;

    /** Converse and ConverseStream reach local and remote models through {@code models}; CountTokens local ones. */
    public BedrockRuntimeRoutes(ModelGateway models, ConverseService converse, DocumentText documents) {
        this.models = models;
        this.converse = converse;
        this.documents = documents;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.post("/model/<modelId>/converse", this::converse);
        routes.post("/model/<modelId>/converse-stream", this::converseStream);
        routes.post("/model/<modelId>/count-tokens", this::countTokens);
    }

    private void converse(Context ctx) {
        JsonNode body = JsonBody.readTree(ctx);
        ModelGateway.Target model = models.resolve(ctx.pathParam("modelId"));
        ConverseRequestReader request = new ConverseRequestReader(body, documents);
        ConverseResult result = models.converse(model, request.request());
        ObjectNode out = JsonBody.MAPPER.createObjectNode();
        ObjectNode message = out.putObject("output").putObject("message");
        message.put("role", "assistant");
        ArrayNode content = message.putArray("content");
        for (ReplyBlock block : result.content()) {
            switch (block) {
                case ReplyBlock.Text(String text) -> content.addObject().put("text", text);
                case ReplyBlock.ToolUse(String id, String name, String input) -> content.addObject().putObject("toolUse")
                        .put("toolUseId", id).put("name", name).set("input", JsonBody.parseTrusted(input));
            }
        }
        out.put("stopReason", StopReasons.wireName(result));
        putResponseFields(out, result, request.responseFieldPaths());
        putUsageAndMetrics(out, result);
        ctx.json(out);
    }

    /**
     * ConverseStream: the same conversation as Converse, answered as events in Bedrock's order (messageStart,
     * contentBlockDelta..., contentBlockStop, messageStop, metadata).
     */
    private void converseStream(Context ctx) {
        JsonNode body = JsonBody.readTree(ctx);
        ModelGateway.Target model = models.resolve(ctx.pathParam("modelId"));
        ConverseRequestReader request = new ConverseRequestReader(body, documents);
        EventStreamRelay.relay(ctx, models.stream(model, request.request()), new EventStreamRelay.Writer() {
            private int block;

            @Override
            public void start(EventStreamResponse out) throws IOException {
                out.event("messageStart", JsonBody.MAPPER.createObjectNode().put("role", "assistant"));
            }

            @Override
            public void event(EventStreamResponse out, ConverseStream.Event event) throws IOException {
                switch (event) {
                    case ConverseStream.TextDelta(String text) ->
                            out.event("contentBlockDelta", blockEvent(block).set("delta", textNode(text)));
                    case ConverseStream.ToolUseStart(String id, String name) -> {
                        ObjectNode start = blockEvent(block);
                        start.putObject("start").putObject("toolUse").put("toolUseId", id).put("name", name);
                        out.event("contentBlockStart", start);
                    }
                    case ConverseStream.ToolInputDelta(String json) -> {
                        ObjectNode delta = blockEvent(block);
                        delta.putObject("delta").putObject("toolUse").put("input", json);
                        out.event("contentBlockDelta", delta);
                    }
                    case ConverseStream.BlockStop() -> out.event("contentBlockStop", blockEvent(block++));
                    case ConverseStream.TokenLogprob ignored -> { } // Converse has no log-probabilities
                    case ConverseStream.Finished(ConverseResult result) -> {
                        ObjectNode stop = JsonBody.MAPPER.createObjectNode().put("stopReason", StopReasons.wireName(result));
                        out.event("messageStop", putResponseFields(stop, result, request.responseFieldPaths()));
                        out.event("metadata", putUsageAndMetrics(JsonBody.MAPPER.createObjectNode(), result));
                    }
                    case ConverseStream.Failed ignored -> { } // the relay answers failures
                }
            }
        });
    }

    /**
     * additionalModelResponseFields: the requested JSON pointers, resolved against the engine's native view of the
     * reply, {@code {"stop_reason": "end_of_generation"|"max_tokens"|..., "usage": {"prompt_tokens",
     * "completion_tokens"}}}; pointers that resolve to nothing are left out.
     */
    private static ObjectNode putResponseFields(ObjectNode out, ConverseResult result, List<String> paths) {
        if (paths.isEmpty()) {
            return out;
        }
        ObjectNode nativeReply = JsonBody.MAPPER.createObjectNode()
                .put("stop_reason", result.stopReason().name().toLowerCase(Locale.ROOT));
        nativeReply.putObject("usage").put("prompt_tokens", result.inputTokens())
                .put("completion_tokens", result.outputTokens());
        ObjectNode fields = out.putObject("additionalModelResponseFields");
        for (String path : paths) {
            JsonNode value = nativeReply.at(path);
            if (!value.isMissingNode()) {
                // Keep the field's place in the native structure: /usage/prompt_tokens → {"usage": {"prompt_tokens"}}.
                ObjectNode parent = fields;
                String[] steps = path.substring(1).split("/");
                for (int i = 0; i < steps.length - 1; i++) {
                    parent = parent.has(steps[i]) ? (ObjectNode) parent.get(steps[i]) : parent.putObject(steps[i]);
                }
                parent.set(steps[steps.length - 1], value);
            }
        }
        return out;
    }

    private static ObjectNode blockEvent(int index) {
        return JsonBody.MAPPER.createObjectNode().put("contentBlockIndex", index);
    }

    private static ObjectNode textNode(String text) {
        return JsonBody.MAPPER.createObjectNode().put("text", text);
    }

    private static ObjectNode putUsageAndMetrics(ObjectNode out, ConverseResult result) {
        ObjectNode usage = out.putObject("usage");
        usage.put("inputTokens", result.inputTokens());
        usage.put("outputTokens", result.outputTokens());
        usage.put("totalTokens", result.inputTokens() + result.outputTokens());
        if (result.cachedInputTokens() > 0) {
            // The engine reuses a cached prompt prefix by itself; cachePoint blocks need not ask for it.
            usage.put("cacheReadInputTokens", result.cachedInputTokens());
        }
        out.putObject("metrics").put("latencyMs", result.latencyMillis());
        return out;
    }

    private void countTokens(Context ctx) {
        JsonNode body = JsonBody.readTree(ctx);
        ServedModel model = models.requireLocal(ctx.pathParam("modelId"), "CountTokens");
        JsonNode input = body.path("input");
        int tokens;
        if (input.path("converse").isObject()) {
            ConverseRequest request = new ConverseRequestReader(input.get("converse"), documents).request();
            tokens = converse.countTokens(model, request.messages(), request.tools());
        } else if (input.path("invokeModel").isObject()) {
            tokens = ModelFamilies.parse(invokeModelBody(input.get("invokeModel")), model.id()).input()
                    .countTokens(converse, model);
        } else {
            throw new ValidationException("input must hold either converse or invokeModel");
        }
        ctx.json(JsonBody.MAPPER.createObjectNode().put("inputTokens", tokens));
    }

    /** CountTokens' input.invokeModel.body: the native InvokeModel body, base64-encoded as JSON carries blobs. */
    private static byte[] invokeModelBody(JsonNode invokeModel) {
        JsonNode body = invokeModel.path("body");
        if (!body.isTextual()) {
            throw new ValidationException("input.invokeModel.body is required (the InvokeModel body, base64-encoded)");
        }
        try {
            return Base64.getDecoder().decode(body.asText());
        } catch (IllegalArgumentException e) {
            throw new ValidationException("input.invokeModel.body is not valid base64: " + e.getMessage());
        }
    }
}
