package dev.basalt.api.bedrock;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.basalt.api.server.ApiRoutes;
import dev.basalt.api.server.JsonBody;
import dev.basalt.platform.catalog.ServedModel;
import dev.basalt.platform.providers.ModelGateway;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.List;
import java.util.function.Predicate;

/**
 * The catalog part of the {@code bedrock} control plane: ListFoundationModels and GetFoundationModel, over every
 * model served (catalogued and {@code --model}), loaded or not; neither loads a model.
 */
public final class BedrockCatalogRoutes implements ApiRoutes {
    /** The region ARNs name; a self-hosted server has one location. */
    static final String REGION = "us-east-1";

    private final ModelGateway models;

    public BedrockCatalogRoutes(ModelGateway models) {
        this.models = models;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/foundation-models", this::list);
        routes.get("/foundation-models/<modelIdentifier>", this::get);
    }

    private void list(Context ctx) {
        // Every model served here is a text model, streamed, on demand, fine-tunable later: filters compare to that.
        Predicate<ModelGateway.Target> filter = m -> matches(ctx.queryParam("byProvider"), providerName(m))
                && matches(ctx.queryParam("byOutputModality"), "TEXT")
                && matches(ctx.queryParam("byInferenceType"), "ON_DEMAND")
                && ctx.queryParam("byCustomizationType") == null;
        ObjectNode out = JsonBody.MAPPER.createObjectNode();
        ArrayNode summaries = out.putArray("modelSummaries");
        models.list().stream().filter(filter).forEach(m -> describe(m, summaries.addObject()));
        ctx.json(out);
    }

    private void get(Context ctx) {
        ModelGateway.Target model = models.resolve(ctx.pathParam("modelIdentifier"));
        ObjectNode out = JsonBody.MAPPER.createObjectNode();
        describe(model, out.putObject("modelDetails"));
        ctx.json(out);
    }

    private static boolean matches(String filter, String value) {
        return filter == null || filter.equalsIgnoreCase(value);
    }

    /** The provider part of a local id ({@code basalt.tiny} → basalt), or the remote provider's name. */
    private static String providerName(ModelGateway.Target model) {
        return switch (model) {
            case ModelGateway.Local(ServedModel local) -> local.providerName();
            case ModelGateway.Remote remote -> remote.route().provider().name();
        };
    }

    private static void describe(ModelGateway.Target model, ObjectNode out) {
        out.put("modelArn", "arn:aws:bedrock:" + REGION + "::foundation-model/" + model.id());
        out.put("modelId", model.id());
        out.put("modelName", model instanceof ModelGateway.Local(ServedModel local) ? local.name() : model.id());
        out.put("providerName", providerName(model));
        strings(out.putArray("inputModalities"), List.of("TEXT"));
        strings(out.putArray("outputModalities"), List.of("TEXT"));
        out.put("responseStreamingSupported", true);
        out.putArray("customizationsSupported");
        strings(out.putArray("inferenceTypesSupported"), List.of("ON_DEMAND"));
        out.putObject("modelLifecycle").put("status", "ACTIVE");
    }

    private static void strings(ArrayNode array, List<String> values) {
        values.forEach(array::add);
    }
}
