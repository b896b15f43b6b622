package dev.basalt.api.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.basalt.api.server.JsonBody;
import dev.basalt.engine.scheduler.StopReason;
import dev.basalt.engine.scheduler.TokenEvent;
import dev.basalt.engine.tokenizer.Tokenizer;
import dev.basalt.platform.catalog.ModelLease;
import dev.basalt.platform.catalog.RegisteredModel;
import dev.basalt.platform.catalog.ServedModel;
import dev.basalt.platform.errors.BasaltException;
import dev.basalt.platform.errors.InternalException;
import dev.basalt.platform.errors.ValidationException;
import dev.basalt.platform.providers.ModelGateway;
import dev.basalt.platform.runtime.ConverseResult;
import dev.basalt.platform.runtime.ConverseStream;
import dev.basalt.platform.runtime.ReplyBlock;
import io.javalin.http.Context;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

/**
 * {@code POST /v1/chat/completions}: a whole {@code chat.completion}, or {@code chat.completion.chunk} server-sent
 * events ending with {@code [DONE]}. Both are built from the same {@link ConverseStream} events as Bedrock's
 * Converse, so text, tool calls, stop reasons and usage agree across the two APIs.
 */
final class ChatCompletions {
    /**
     * The token budget when a request to a remote model sets none: its context length is not known here, and the
     * upstream refuses a budget beyond it.
     */
    static final int REMOTE_DEFAULT_MAX_TOKENS = 1024;

    private final ModelGateway models;

    ChatCompletions(ModelGateway models) {
        this.models = models;
    }

    void handle(Context ctx) throws IOException {
        JsonNode body = JsonBody.readTree(ctx);
        switch (models.resolve(OpenAiJson.requiredText(body, "model"))) {
            case ModelGateway.Local(ServedModel served) -> {
                // The default token budget and the log-probability token texts need the loaded model: hold it.
                try (ModelLease lease = served.acquire()) {
                    RegisteredModel model = lease.model();
                    ChatCompletionRequest request = ChatCompletionRequest.read(body, model.model().info().contextLength());
                    answer(ctx, new ModelGateway.Local(served), request, model.model().tokenizer());
                }
            }
            case ModelGateway.Remote remote -> {
                ChatCompletionRequest request = ChatCompletionRequest.read(body, REMOTE_DEFAULT_MAX_TOKENS);
                if (request.logprobs()) {
                    throw new ValidationException("logprobs are not available for " + remote.id()
                            + ", which a remote provider serves.", "logprobs");
                }
                answer(ctx, remote, request, null);
            }
        }
    }

    private void answer(Context ctx, ModelGateway.Target target, ChatCompletionRequest request, Tokenizer tokenizer)
            throws IOException {
        Reply reply = new Reply("chatcmpl-" + UUID.randomUUID().toString().replace("-", ""),
                Instant.now().getEpochSecond(), request.model(), tokenizer, request.logprobs());
        try (ConverseStream stream = models.stream(target, request.converse())) {
            if (request.stream()) {
                streamChunks(ctx, stream, reply, request.includeUsage());
            } else {
                ctx.json(whole(stream, reply));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InternalException(e);
        }
    }

    private static ObjectNode whole(ConverseStream stream, Reply reply) throws InterruptedException {
        ArrayNode logprobs = JsonBody.MAPPER.createArrayNode();
        while (true) {
            switch (stream.next()) {
                case ConverseStream.TokenLogprob lp -> logprobs.add(reply.logprob(lp));
                case ConverseStream.Finished(ConverseResult result) -> {
                    ObjectNode out = reply.base("chat.completion");
                    ObjectNode choice = out.putArray("choices").addObject().put("index", 0);
                    ObjectNode message = choice.putObject("message").put("role", "assistant");
                    String text = result.text();
                    ArrayNode calls = JsonBody.MAPPER.createArrayNode();
                    for (ReplyBlock block : result.content()) {
                        if (block instanceof ReplyBlock.ToolUse(String id, String name, String input)) {
                            ObjectNode call = calls.addObject().put("id", callId(id)).put("type", "function");
                            call.putObject("function").put("name", name).put("arguments", input);
                        }
                    }
                    if (calls.isEmpty() || !text.isEmpty()) {
                        message.put("content", text);
                    } else {
                        message.putNull("content");
                    }
                    if (!calls.isEmpty()) {
                        message.set("tool_calls", calls);
                    }
                    message.putNull("refusal");
                    putLogprobs(choice, reply, logprobs);
                    choice.put("finish_reason", finishReason(result));
                    out.set("usage", usage(result));
                    return out;
                }
                case ConverseStream.Failed(BasaltException error) -> throw error;
                default -> { }
            }
        }
    }

    /**
     * Streams chunks: the role first, then content and tool-call deltas (tool calls numbered by {@code index}),
     * then the finish reason and, when asked, a last chunk with the usage and no choices. A failure after the first
     * chunk is sent as an error event; a client that goes away cancels the generation (the caller closes the stream).
     */
    private static void streamChunks(Context ctx, ConverseStream stream, Reply reply, boolean includeUsage)
            throws IOException, InterruptedException {
        SseResponse sse = new SseResponse(ctx);
        try {
            sse.data(reply.chunk(JsonBody.MAPPER.createObjectNode().put("role", "assistant").put("content", ""),
                    null, includeUsage));
            ArrayNode logprobs = JsonBody.MAPPER.createArrayNode();
            int call = 0;
            boolean inCall = false;
            while (true) {
                ObjectNode delta = JsonBody.MAPPER.createObjectNode();
                switch (stream.next()) {
                    case ConverseStream.TokenLogprob lp -> {
                        logprobs.add(reply.logprob(lp));
                        continue;
                    }
                    case ConverseStream.TextDelta(String text) -> delta.put("content", text);
                    case ConverseStream.ToolUseStart(String id, String name) -> {
                        inCall = true;
                        ObjectNode entry = delta.putArray("tool_calls").addObject().put("index", call)
                                .put("id", callId(id)).put("type", "function");
                        entry.putObject("function").put("name", name).put("arguments", "");
                    }
                    case ConverseStream.ToolInputDelta(String json) -> delta.putArray("tool_calls").addObject()
                            .put("index", call).putObject("function").put("arguments", json);
                    case ConverseStream.BlockStop() -> {
                        if (inCall) {
                            call++;
                            inCall = false;
                        }
                        continue;
                    }
                    case ConverseStream.Finished(ConverseResult result) -> {
                        ObjectNode last = reply.chunk(delta, finishReason(result), includeUsage);
                        putLogprobs((ObjectNode) last.get("choices").get(0), reply, logprobs);
                        sse.data(last);
                        if (includeUsage) {
                            sse.data(usageChunk(reply.base("chat.completion.chunk"), result));
                        }
                        sse.done();
                        return;
                    }
                    case ConverseStream.Failed(BasaltException error) -> {
                        sse.fail(error);
                        return;
                    }
                }
                ObjectNode chunk = reply.chunk(delta, null, includeUsage);
                putLogprobs((ObjectNode) chunk.get("choices").get(0), reply, logprobs);
                logprobs = JsonBody.MAPPER.createArrayNode();
                sse.data(chunk);
            }
        } catch (IOException clientGone) {
            sse.clientGone(clientGone);
        }
    }

    private static void putLogprobs(ObjectNode choice, Reply reply, ArrayNode logprobs) {
        if (!reply.logprobs()) {
            choice.putNull("logprobs");
            return;
        }
        ObjectNode out = choice.putObject("logprobs");
        out.set("content", logprobs);
        out.putNull("refusal");
    }

    /** Also the text completions' finish reason (their replies never call tools). */
    static String finishReason(ConverseResult result) {
        if (result.callsTools()) {
            return "tool_calls";
        }
        return result.stopReason() == StopReason.MAX_TOKENS || result.stopReason() == StopReason.CONTEXT_LENGTH
                ? "length" : "stop";
    }

    /** The last chunk of a stream that asked for usage: no choices, and the usage. */
    static ObjectNode usageChunk(ObjectNode base, ConverseResult result) {
        base.putArray("choices");
        base.set("usage", usage(result));
        return base;
    }

    static ObjectNode usage(ConverseResult result) {
        ObjectNode usage = JsonBody.MAPPER.createObjectNode()
                .put("prompt_tokens", result.inputTokens())
                .put("completion_tokens", result.outputTokens())
                .put("total_tokens", result.inputTokens() + result.outputTokens());
        usage.putObject("prompt_tokens_details").put("cached_tokens", result.cachedInputTokens());
        return usage;
    }

    /** OpenAI's call ids start with {@code call_}; the platform's {@code tooluse_} prefix is Bedrock's. */
    private static String callId(String toolUseId) {
        return "call_" + toolUseId.substring(toolUseId.indexOf('_') + 1);
    }

    /**
     * A token as logprobs show it: its bytes read as UTF-8, so a token holding part of a character shows U+FFFD
     * (as OpenAI's do; chat completions add the raw bytes).
     */
    static String tokenText(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** What every object of one reply shares, and how tokens are shown. */
    private record Reply(String id, long created, String model, Tokenizer tokenizer, boolean logprobs) {
        ObjectNode base(String object) {
            return JsonBody.MAPPER.createObjectNode().put("id", id).put("object", object).put("created", created)
                    .put("model", model);
        }

        ObjectNode chunk(ObjectNode delta, String finishReason, boolean includeUsage) {
            ObjectNode chunk = base("chat.completion.chunk");
            ObjectNode choice = chunk.putArray("choices").addObject().put("index", 0);
            choice.set("delta", delta);
            choice.putNull("logprobs");
            choice.put("finish_reason", finishReason);
            if (includeUsage) {
                chunk.putNull("usage");
            }
            return chunk;
        }

        ObjectNode logprob(ConverseStream.TokenLogprob lp) {
            ObjectNode entry = token(lp.token(), lp.logprob());
            ArrayNode top = entry.putArray("top_logprobs");
            for (TokenEvent.Alternative alternative : lp.alternatives()) {
                top.add(token(alternative.token(), alternative.logprob()));
            }
            return entry;
        }

        private ObjectNode token(int token, float logprob) {
            byte[] bytes = tokenizer.tokenBytes(token);
            ObjectNode entry = JsonBody.MAPPER.createObjectNode()
                    .put("token", tokenText(bytes)).put("logprob", logprob);
            ArrayNode raw = entry.putArray("bytes");
            for (byte b : bytes) {
                raw.add(b & 0xff);
            }
            return entry;
        }
    }
}
