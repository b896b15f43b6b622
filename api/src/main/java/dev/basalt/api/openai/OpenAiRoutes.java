package dev.basalt.api.openai;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.basalt.api.server.ApiRoutes;
import dev.basalt.api.server.JsonBody;
import dev.basalt.platform.catalog.ServedModel;
import dev.basalt.platform.embeddings.EmbeddingModels;
import dev.basalt.platform.providers.ModelGateway;
import dev.basalt.platform.runtime.ConverseService;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;

/** The OpenAI-compatible API under {@code /v1}: chat completions, legacy text completions and the model list. */
public final class OpenAiRoutes implements ApiRoutes {
    private final ModelGateway models;
    private final ChatCompletions chat;
    private final TextCompletions text;
    private final EmbeddingRequests embeddings;

    public OpenAiRoutes(ModelGateway models, ConverseService converse, EmbeddingModels embeddingModels) {
        this.models = models;
        this.chat = new ChatCompletions(models);
        this.text = new TextCompletions(models, converse);
        this.embeddings = new EmbeddingRequests(embeddingModels);
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.post("/v1/chat/completions", chat::handle);
        routes.post("/v1/completions", text::handle);
        routes.post("/v1/embeddings", embeddings::handle);
        routes.get("/v1/models", this::listModels);
        routes.get("/v1/models/<model>", ctx -> ctx.json(model(models.resolve(ctx.pathParam("model")))));
    }

    private void listModels(Context ctx) {
        ObjectNode out = JsonBody.MAPPER.createObjectNode().put("object", "list");
        ArrayNode data = out.putArray("data");
        models.list().forEach(m -> data.add(model(m)));
        ctx.json(out);
    }

    /**
     * {@code created} is when a local model's file was written (the closest thing to a release date a file has),
     * 0 for a remote model; {@code owned_by} is the id's provider part, or the remote provider's name.
     */
    private static ObjectNode model(ModelGateway.Target target) {
        ObjectNode out = JsonBody.MAPPER.createObjectNode().put("id", target.id()).put("object", "model");
        return switch (target) {
            case ModelGateway.Local(ServedModel model) -> {
                try {
                    yield out.put("created", Files.getLastModifiedTime(model.file()).toInstant().getEpochSecond())
                            .put("owned_by", model.providerName());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            case ModelGateway.Remote remote -> out.put("created", 0).put("owned_by", remote.route().provider().name());
        };
    }
}
