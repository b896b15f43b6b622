package dev.basalt.api.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.basalt.api.server.JsonBody;
import dev.basalt.engine.scheduler.TokenEvent;
import dev.basalt.engine.tokenizer.Tokenizer;
import dev.basalt.platform.catalog.ModelLease;
import dev.basalt.platform.catalog.ServedModel;
import dev.basalt.platform.errors.BasaltException;
import dev.basalt.platform.errors.InternalException;
import dev.basalt.platform.providers.ModelGateway;
import dev.basalt.platform.runtime.ConverseResult;
import dev.basalt.platform.runtime.ConverseService;
import dev.basalt.platform.runtime.ConverseStream;
import io.javalin.http.Context;
import java.io.IOException;
import java.time.Instant;
import java.util.UUID;

/**
 * {@code POST /v1/completions}: OpenAI's legacy text completion. The prompt is continued as it is (special tokens
 * included, no chat template), through the same {@link ConverseStream} as chat completions; the answer is a whole
 * {@code text_completion} or {@code text_completion} chunks as server-sent events ending with {@code [DONE]}.
 */
final class TextCompletions {
    private final ModelGateway models;
    private final ConverseService converse;

    TextCompletions(ModelGateway models, ConverseService converse) {
        this.models = models;
        this.converse = converse;
    }

    void handle(Context ctx) throws IOException {
        JsonNode body = JsonBody.readTree(ctx);
        TextCompletionRequest request = TextCompletionRequest.read(body);
        ServedModel served = models.requireLocal(request.model(), "Text completions");
        Reply reply = new Reply("cmpl-" + UUID.randomUUID().toString().replace("-", ""),
                Instant.now().getEpochSecond(), request.model(), request.includeUsage());
        // The log-probability token texts need the loaded tokenizer: hold the model throughout.
        try (ModelLease lease = served.acquire();
             ConverseStream stream = converse.streamPrompt(served, request.prompt(), request.sampling())) {
            Logprobs logprobs = request.logprobs() < 0 ? null : new Logprobs(lease.model().model().tokenizer());
            String echo = request.echo() ? request.prompt() : "";
            if (request.stream()) {
                streamChunks(ctx, stream, reply, echo, logprobs);
            } else {
                ctx.json(whole(stream, reply, echo, logprobs));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InternalException(e);
        }
    }

    private static ObjectNode whole(ConverseStream stream, Reply reply, String echo, Logprobs logprobs)
            throws InterruptedException {
        while (true) {
            switch (stream.next()) {
                case ConverseStream.TokenLogprob lp -> logprobs.add(lp);
                case ConverseStream.Finished(ConverseResult result) -> {
                    ObjectNode out = reply.choice(echo + result.text(), logprobs, ChatCompletions.finishReason(result));
                    out.set("usage", ChatCompletions.usage(result));
                    return out;
                }
                case ConverseStream.Failed(BasaltException error) -> throw error;
                default -> { }
            }
        }
    }

    /** Text chunks as the text becomes final (the echoed prompt first), the finish reason, then the usage if asked. */
    private static void streamChunks(Context ctx, ConverseStream stream, Reply reply, String echo, Logprobs logprobs)
            throws InterruptedException, IOException {
        SseResponse sse = new SseResponse(ctx);
        try {
            if (!echo.isEmpty()) {
                sse.data(reply.choice(echo, null, null));
            }
            while (true) {
                switch (stream.next()) {
                    case ConverseStream.TokenLogprob lp -> logprobs.add(lp);
                    case ConverseStream.TextDelta(String text) -> sse.data(reply.choice(text, logprobs, null));
                    case ConverseStream.Finished(ConverseResult result) -> {
                        sse.data(reply.choice("", logprobs, ChatCompletions.finishReason(result)));
                        if (reply.includeUsage()) {
                            sse.data(ChatCompletions.usageChunk(reply.base(), result));
                        }
                        sse.done();
                        return;
                    }
                    case ConverseStream.Failed(BasaltException error) -> {
                        sse.fail(error);
                        return;
                    }
                    default -> { }
                }
            }
        } catch (IOException clientGone) {
            sse.clientGone(clientGone);
        }
    }

    /** What every object of one reply shares. */
    private record Reply(String id, long created, String model, boolean includeUsage) {
        ObjectNode base() {
            return JsonBody.MAPPER.createObjectNode().put("id", id).put("object", "text_completion")
                    .put("created", created).put("model", model);
        }

        /** A completion (or chunk) with one choice; {@code logprobs} gives and forgets the tokens gathered so far. */
        ObjectNode choice(String text, Logprobs logprobs, String finishReason) {
            ObjectNode out = base();
            ObjectNode choice = out.putArray("choices").addObject().put("text", text).put("index", 0);
            if (logprobs == null) {
                choice.putNull("logprobs");
            } else {
                choice.set("logprobs", logprobs.take());
            }
            choice.put("finish_reason", finishReason);
            if (includeUsage) {
                out.putNull("usage");
            }
            return out;
        }
    }

    /**
     * The legacy logprobs shape, {@code {tokens, token_logprobs, top_logprobs, text_offset}}: parallel arrays, the
     * alternatives as a token → logprob object, and each token's character offset in the generated text.
     */
    private static final class Logprobs {
        private final Tokenizer tokenizer;
        private ObjectNode pending;
        private int offset;

        Logprobs(Tokenizer tokenizer) {
            this.tokenizer = tokenizer;
            this.pending = empty();
        }

        void add(ConverseStream.TokenLogprob lp) {
            String token = text(lp.token());
            ((ArrayNode) pending.get("tokens")).add(token);
            ((ArrayNode) pending.get("token_logprobs")).add(lp.logprob());
            ObjectNode top = ((ArrayNode) pending.get("top_logprobs")).addObject();
            for (TokenEvent.Alternative alternative : lp.alternatives()) {
                top.put(text(alternative.token()), alternative.logprob());
            }
            ((ArrayNode) pending.get("text_offset")).add(offset);
            offset += token.codePointCount(0, token.length());
        }

        /** The tokens added since the last call. */
        ObjectNode take() {
            ObjectNode out = pending;
            pending = empty();
            return out;
        }

        private String text(int token) {
            return ChatCompletions.tokenText(tokenizer.tokenBytes(token));
        }

        private static ObjectNode empty() {
            ObjectNode out = JsonBody.MAPPER.createObjectNode();
            out.putArray("tokens");
            out.putArray("token_logprobs");
            out.putArray("top_logprobs");
            out.putArray("text_offset");
            return out;
        }
    }
}
