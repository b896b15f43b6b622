package dev.basalt.api.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.basalt.api.server.ApiRoutes;
import dev.basalt.api.server.JsonBody;
import dev.basalt.platform.catalog.ModelRegistry;
import dev.basalt.platform.catalog.RegisteredModel;
import dev.basalt.platform.errors.ValidationException;
import dev.basalt.platform.runtime.ConverseResult;
import dev.basalt.platform.runtime.ConverseService;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

/**
 * The {@code bedrock-runtime} operations (restJson1): Converse and CountTokens so far. The model id in the path
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
        ObjectNode usage = out.putObject("usage");
        usage.put("inputTokens", result.inputTokens());
        usage.put("outputTokens", result.outputTokens());
        usage.put("totalTokens", result.inputTokens() + result.outputTokens());
        out.putObject("metrics").put("latencyMs", result.latencyMillis());
        ctx.json(out);
    }

    private void countTokens(Context ctx) {
        JsonNode body = JsonBody.readTree(ctx);
        RegisteredModel model = models.resolve(ctx.pathParam("modelId"));
        JsonNode conversation = body.path("input").path("converse");
        if (!conversation.isObject()) {
            throw new ValidationException("input.converse is required (counting InvokeModel bodies is not supported yet)");
        }
        int tokens = converse.countTokens(model, new ConverseRequestReader(conversation).messages());
        ctx.json(JsonBody.MAPPER.createObjectNode().put("inputTokens", tokens));
    }
}
