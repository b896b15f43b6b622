package dev.basalt.api.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.basalt.api.bedrock.invoke.ModelFamilies;
import dev.basalt.api.server.ApiRoutes;
import dev.basalt.api.server.JsonBody;
import dev.basalt.platform.catalog.ModelRegistry;
import dev.basalt.platform.catalog.RegisteredModel;
import dev.basalt.platform.errors.ValidationException;
import dev.basalt.platform.runtime.ConverseResult;
import dev.basalt.platform.runtime.ConverseService;
import dev.basalt.platform.runtime.ConverseStream;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.Base64;

/**
 * The {@code bedrock-runtime} operations (restJson1): Converse, ConverseStream and CountTokens (InvokeModel is in
 * {@link dev.basalt.api.bedrock.invoke.InvokeModelRoutes}). The model id in the path
 * may be an id or a URL-encoded ARN; {@code <modelId>} lets it contain the ARN's slash.
 */
public final class BedrockRuntimeRoutes implements ApiRoutes {
    private final ModelRegistry models;
    private final ConverseService converse = new ConverseService();

    public BedrockRuntimeRoutes(ModelRegistry models) {
        this.models = models;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.post("/model/<modelId>/converse", this::converse);
        routes.post("/model/<modelId>/converse-stream", this::converseStream);
        routes.post("/model/<modelId>/count-tokens", this::countTokens);
    }

    private void converse(Context ctx) {
        JsonNode body = JsonBody.readTree(ctx);
        RegisteredModel model = models.resolve(ctx.pathParam("modelId"));
        ConverseRequestReader request = new ConverseRequestReader(body);
        ConverseResult result = converse.converse(model, request.messages(), request.sampling());
        ObjectNode out = JsonBody.MAPPER.createObjectNode();
        ObjectNode message = out.putObject("output").putObject("message");
        message.put("role", "assistant");
        message.putArray("content").addObject().put("text", result.text());
        out.put("stopReason", StopReasons.wireName(result.stopReason()));
        putUsageAndMetrics(out, result);
        ctx.json(out);
    }

    /**
     * ConverseStream: the same conversation as Converse, answered as events in Bedrock's order (messageStart,
     * contentBlockDelta..., contentBlockStop, messageStop, metadata).
     */
    private void converseStream(Context ctx) {
        JsonNode body = JsonBody.readTree(ctx);
        RegisteredModel model = models.resolve(ctx.pathParam("modelId"));
        ConverseRequestReader request = new ConverseRequestReader(body);
        EventStreamRelay.relay(ctx, converse.stream(model, request.messages(), request.sampling()),
                new EventStreamRelay.Writer() {
                    @Override
                    public void start(EventStreamResponse out) throws IOException {
                        out.event("messageStart", JsonBody.MAPPER.createObjectNode().put("role", "assistant"));
                    }

                    @Override
                    public void event(EventStreamResponse out, ConverseStream.Event event) throws IOException {
                        switch (event) {
                            case ConverseStream.TextDelta(String text) -> {
                                ObjectNode delta = JsonBody.MAPPER.createObjectNode().put("contentBlockIndex", 0);
                                delta.putObject("delta").put("text", text);
                                out.event("contentBlockDelta", delta);
                            }
                            case ConverseStream.Finished(ConverseResult result) -> {
                                out.event("contentBlockStop",
                                        JsonBody.MAPPER.createObjectNode().put("contentBlockIndex", 0));
                                out.event("messageStop", JsonBody.MAPPER.createObjectNode()
                                        .put("stopReason", StopReasons.wireName(result.stopReason())));
                                out.event("metadata", putUsageAndMetrics(JsonBody.MAPPER.createObjectNode(), result));
                            }
                            case ConverseStream.Failed ignored -> { } // the relay answers failures
                        }
                    }
                });
    }

    private static ObjectNode putUsageAndMetrics(ObjectNode out, ConverseResult result) {
        ObjectNode usage = out.putObject("usage");
        usage.put("inputTokens", result.inputTokens());
        usage.put("outputTokens", result.outputTokens());
        usage.put("totalTokens", result.inputTokens() + result.outputTokens());
        out.putObject("metrics").put("latencyMs", result.latencyMillis());
        return out;
    }

    private void countTokens(Context ctx) {
        JsonNode body = JsonBody.readTree(ctx);
        RegisteredModel model = models.resolve(ctx.pathParam("modelId"));
        JsonNode input = body.path("input");
        int tokens;
        if (input.path("converse").isObject()) {
            tokens = converse.countTokens(model, new ConverseRequestReader(input.get("converse")).messages());
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
