package dev.basalt.api.bedrock.invoke;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.basalt.api.bedrock.EventStreamRelay;
import dev.basalt.api.bedrock.EventStreamResponse;
import dev.basalt.api.server.ApiRoutes;
import dev.basalt.api.server.JsonBody;
import dev.basalt.platform.catalog.ModelRegistry;
import dev.basalt.platform.catalog.ServedModel;
import dev.basalt.platform.embeddings.EmbeddingModelSpec;
import dev.basalt.platform.embeddings.EmbeddingModels;
import dev.basalt.platform.errors.ValidationException;
import dev.basalt.platform.providers.ModelGateway;
import dev.basalt.platform.runtime.ConverseResult;
import dev.basalt.platform.runtime.ConverseService;
import dev.basalt.platform.runtime.ConverseStream;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * InvokeModel and InvokeModelWithResponseStream: the body is a model family's native JSON request (see
 * {@link ModelFamilies} for how the family is recognised) and is answered in the same family's shape.
 */
public final class InvokeModelRoutes implements ApiRoutes {
    private static final String INPUT_TOKENS_HEADER = "X-Amzn-Bedrock-Input-Token-Count";
    private static final String OUTPUT_TOKENS_HEADER = "X-Amzn-Bedrock-Output-Token-Count";
    private static final String LATENCY_HEADER = "X-Amzn-Bedrock-Invocation-Latency";
    /** Where InvokeModelWithResponseStream takes {@code accept} and answers {@code contentType}. */
    private static final String STREAM_ACCEPT_HEADER = "X-Amzn-Bedrock-Accept";
    private static final String STREAM_CONTENT_TYPE_HEADER = "X-Amzn-Bedrock-Content-Type";
    private static final String METRICS_FIELD = "amazon-bedrock-invocationMetrics";
    private static final String JSON = "application/json";

    private final ModelGateway models;
    private final ConverseService converse;
    private final EmbeddingModels embeddings;

    /** Anthropic bodies run on local and remote models; the prompt families need a local model's own tokenizer. */
    public InvokeModelRoutes(ModelGateway models, ConverseService converse, EmbeddingModels embeddings) {
        this.models = models;
        this.converse = converse;
        this.embeddings = embeddings;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.post("/model/<modelId>/invoke", this::invoke);
        routes.post("/model/<modelId>/invoke-with-response-stream", this::invokeWithResponseStream);
    }

    private void invoke(Context ctx) {
        requireJson("contentType", ctx.header("Content-Type"));
        requireJson("accept", ctx.header("Accept"));
        Optional<EmbeddingModelSpec> embedding = EmbeddingModels.spec(ModelRegistry.idOf(ctx.pathParam("modelId")));
        if (embedding.isPresent()) {
            long started = System.nanoTime();
            EmbeddingBodies.Answer answer = EmbeddingBodies.invoke(ctx.bodyAsBytes(), embeddings.get(embedding.get().id()));
            ctx.header(INPUT_TOKENS_HEADER, Long.toString(answer.inputTokens()));
            ctx.header(LATENCY_HEADER, Long.toString(Duration.ofNanos(System.nanoTime() - started).toMillis()));
            ctx.json(answer.body());
            return;
        }
        ModelGateway.Target model = models.resolve(ctx.pathParam("modelId"));
        NativeInvocation invocation = ModelFamilies.parse(ctx.bodyAsBytes(), model.id());
        ConverseResult result;
        try (ConverseStream stream = invocation.input().start(models, converse, model, invocation.sampling())) {
            result = stream.await();
        }
        ctx.header(INPUT_TOKENS_HEADER, Integer.toString(result.inputTokens()));
        ctx.header(OUTPUT_TOKENS_HEADER, Integer.toString(result.outputTokens()));
        ctx.header(LATENCY_HEADER, Long.toString(result.latencyMillis()));
        ctx.json(invocation.response(result));
    }

    /**
     * Each chunk of the family is an event {@code chunk} with payload {@code {"bytes": base64(chunk JSON)}}; the
     * last chunk also carries Bedrock's invocation metrics.
     */
    private void invokeWithResponseStream(Context ctx) {
        requireJson("contentType", ctx.header("Content-Type"));
        requireJson("accept", ctx.header(STREAM_ACCEPT_HEADER));
        if (EmbeddingModels.spec(ModelRegistry.idOf(ctx.pathParam("modelId"))).isPresent()) {
            throw new ValidationException("Embedding models answer InvokeModel; they do not stream.");
        }
        ModelGateway.Target model = models.resolve(ctx.pathParam("modelId"));
        NativeInvocation invocation = ModelFamilies.parse(ctx.bodyAsBytes(), model.id());
        // The first chunks carry the prompt's size, which generation reports only at the end: a local model counts it
        // first; for a remote one it is unknown there (0), and the last chunk's invocation metrics carry it.
        NativeChunks chunks = invocation.chunks(model instanceof ModelGateway.Local(ServedModel local)
                ? invocation.input().countTokens(converse, local) : 0);
        long started = System.nanoTime();
        ConverseStream stream = invocation.input().start(models, converse, model, invocation.sampling());
        ctx.header(STREAM_CONTENT_TYPE_HEADER, JSON);
        EventStreamRelay.relay(ctx, stream, new EventStreamRelay.Writer() {
            private long firstByteMillis = -1;

            @Override
            public void start(EventStreamResponse out) throws IOException {
                send(out, chunks.start());
            }

            @Override
            public void event(EventStreamResponse out, ConverseStream.Event event) throws IOException {
                switch (event) {
                    case ConverseStream.TextDelta(String text) -> {
                        if (firstByteMillis < 0) {
                            firstByteMillis = Duration.ofNanos(System.nanoTime() - started).toMillis();
                        }
                        send(out, chunks.delta(text));
                    }
                    case ConverseStream.ToolUseStart(String id, String name) -> send(out, chunks.toolUseStart(id, name));
                    case ConverseStream.ToolInputDelta(String json) -> send(out, chunks.toolInput(json));
                    case ConverseStream.BlockStop() -> send(out, chunks.blockStop());
                    case ConverseStream.Finished(ConverseResult result) -> {
                        // Both latencies from the same start, so the first byte never comes after the end.
                        long latency = Duration.ofNanos(System.nanoTime() - started).toMillis();
                        List<ObjectNode> end = chunks.end(result);
                        end.getLast().putObject(METRICS_FIELD)
                                .put("inputTokenCount", result.inputTokens())
                                .put("outputTokenCount", result.outputTokens())
                                .put("invocationLatency", latency)
                                .put("firstByteLatency", firstByteMillis < 0 ? latency : firstByteMillis);
                        send(out, end);
                    }
                    default -> { } // failures are the relay's; the native formats show no log-probabilities
                }
            }
        });
    }

    private static void send(EventStreamResponse out, List<ObjectNode> chunks) throws IOException {
        for (ObjectNode chunk : chunks) {
            send(out, chunk);
        }
    }

    private static void send(EventStreamResponse out, ObjectNode chunk) throws IOException {
        try {
            out.event("chunk", JsonBody.MAPPER.createObjectNode().put("bytes", JsonBody.MAPPER.writeValueAsBytes(chunk)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an ObjectNode always serialises", e);
        }
    }

    /** Bodies and answers are JSON; a missing header or a wildcard means JSON too. */
    private static void requireJson(String field, String mediaType) {
        if (mediaType == null) {
            return;
        }
        String type = mediaType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        if (!type.equals(JSON) && !type.equals("*/*")) {
            throw new ValidationException("The " + field + " " + mediaType + " is not supported; use " + JSON);
        }
    }
}
