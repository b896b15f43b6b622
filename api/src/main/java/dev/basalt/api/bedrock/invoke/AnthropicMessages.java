package dev.basalt.api.bedrock.invoke;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.basalt.api.bedrock.StopReasons;
import dev.basalt.api.server.JsonBody;
import dev.basalt.engine.sampling.SamplingParams;
import dev.basalt.engine.scheduler.StopReason;
import dev.basalt.platform.chat.ChatMessage;
import dev.basalt.platform.chat.ToolCall;
import dev.basalt.platform.chat.ToolDefinition;
import dev.basalt.platform.errors.ValidationException;
import dev.basalt.platform.runtime.ConverseRequest;
import dev.basalt.platform.runtime.ConverseResult;
import dev.basalt.platform.runtime.ReplyBlock;
import dev.basalt.platform.runtime.ToolChoice;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Anthropic Claude Messages API as Bedrock takes it: {@code anthropic_version} ("bedrock-2023-05-31"),
 * {@code max_tokens} (required), {@code messages}, {@code system}, {@code temperature} (default 1), {@code top_p}
 * (default 0.999), {@code top_k} (default off), {@code stop_sequences}, {@code tools} ({@code name},
 * {@code description}, {@code input_schema}) and {@code tool_choice} ({@code auto}, {@code any}, {@code tool},
 * {@code none}); content is text, {@code tool_use} (assistant) and {@code tool_result} (user). The conversation goes
 * through the model's chat template and tool handling exactly as Converse's does.
 */
final class AnthropicMessages implements ModelFamily {
    static final String VERSION = "bedrock-2023-05-31";
    private static final Set<String> KEYS = Set.of("anthropic_version", "max_tokens", "messages", "system",
            "temperature", "top_p", "top_k", "stop_sequences", "tools", "tool_choice");
    private static final Set<String> TEXT_BLOCK_KEYS = Set.of("type", "text", "cache_control");
    private static final Set<String> TOOL_USE_KEYS = Set.of("type", "id", "name", "input", "cache_control");
    private static final Set<String> TOOL_RESULT_KEYS = Set.of("type", "tool_use_id", "content", "is_error",
            "cache_control");
    private static final Set<String> TOOL_KEYS = Set.of("name", "description", "input_schema", "type", "cache_control");

    @Override
    public NativeInvocation parse(NativeBody body, String modelId) {
        body.allowOnly(KEYS);
        String version = body.requiredString("anthropic_version");
        if (!version.equals(VERSION)) {
            throw NativeBody.malformed(body.where("anthropic_version"), version + " is not a valid enum value (use "
                    + VERSION + ")");
        }
        body.required("max_tokens");
        SamplingParams.Builder params = NativeBody.defaults(1, 0.999, 0,
                body.integer("max_tokens", 1, Integer.MAX_VALUE).orElseThrow());
        body.number("temperature", 0, 1).ifPresent(params::temperature);
        body.number("top_p", 0, 1).ifPresent(params::topP);
        body.integer("top_k", 0, 500).ifPresent(params::topK);
        List<String> stops = body.strings("stop_sequences");
        params.stop(stops);
        List<ChatMessage> messages = new ArrayList<>();
        if (body.has("system")) {
            messages.add(ChatMessage.system(new Content(body.required("system"), body.where("system")).text.toString()));
        }
        body.required("messages");
        List<JsonNode> turns = body.array("messages");
        Map<String, String> calls = new HashMap<>();
        for (int i = 0; i < turns.size(); i++) {
            messages.addAll(message(NativeBody.object(turns.get(i), body.where("messages") + "/" + i), calls));
        }
        List<ToolDefinition> tools = tools(body);
        ToolChoice choice = toolChoice(body);
        if (body.has("tool_choice") && "none".equals(body.required("tool_choice").path("type").asText())) {
            tools = List.of();
        }
        try {
            ConverseRequest request = new ConverseRequest(messages, NativeBody.sampling(params), tools, choice);
            return new Invocation(new InvokeInput.Conversation(request), request.sampling(), modelId, stops);
        } catch (ValidationException e) {
            throw NativeBody.malformed(body.where("tool_choice"), e.getMessage());
        }
    }

    /** One turn; a user turn's tool results become tool messages ahead of its text. */
    private static List<ChatMessage> message(NativeBody turn, Map<String, String> calls) {
        turn.allowOnly(Set.of("role", "content"));
        String role = turn.requiredString("role");
        Content content = new Content(turn.required("content"), turn.where("content"));
        return switch (role) {
            case "user" -> {
                if (!content.calls.isEmpty()) {
                    throw NativeBody.malformed(turn.where("content"), "tool_use blocks belong in assistant turns");
                }
                List<ChatMessage> out = new ArrayList<>();
                for (Content.Result result : content.results) {
                    out.add(ChatMessage.toolResult(result.toolUseId(), calls.get(result.toolUseId()), result.text()));
                }
                if (content.results.isEmpty() || !content.text.isEmpty()) {
                    out.add(ChatMessage.user(content.text.toString()));
                }
                yield out;
            }
            case "assistant" -> {
                if (!content.results.isEmpty()) {
                    throw NativeBody.malformed(turn.where("content"), "tool_result blocks belong in user turns");
                }
                content.calls.forEach(c -> calls.put(c.id(), c.name()));
                yield List.of(ChatMessage.assistant(content.text.toString(), content.calls));
            }
            default -> throw NativeBody.malformed(turn.where("role"), role + " is not a valid enum value");
        };
    }

    /** A string, or a list of blocks: text (joined), tool_use, tool_result. */
    private static final class Content {
        record Result(String toolUseId, String text) {}

        final StringBuilder text = new StringBuilder();
        final List<ToolCall> calls = new ArrayList<>();
        final List<Result> results = new ArrayList<>();

        Content(JsonNode content, String where) {
            if (content.isTextual()) {
                text.append(content.asText());
                return;
            }
            if (!content.isArray()) {
                throw NativeBody.malformed(where, "expected type: String or JSONArray, found: "
                        + NativeBody.typeName(content));
            }
            for (int i = 0; i < content.size(); i++) {
                NativeBody block = NativeBody.object(content.get(i), where + "/" + i);
                String type = block.requiredString("type");
                switch (type) {
                    case "text" -> {
                        block.allowOnly(TEXT_BLOCK_KEYS);
                        text.append(block.requiredString("text"));
                    }
                    case "tool_use" -> {
                        block.allowOnly(TOOL_USE_KEYS);
                        JsonNode input = block.required("input");
                        if (!input.isObject()) {
                            throw NativeBody.malformed(block.where("input"), "expected type: JSONObject, found: "
                                    + NativeBody.typeName(input));
                        }
                        calls.add(new ToolCall(block.requiredText("id"), block.requiredText("name"), input.toString()));
                    }
                    case "tool_result" -> {
                        block.allowOnly(TOOL_RESULT_KEYS);
                        String result = block.has("content")
                                ? new Content(block.required("content"), block.where("content")).text.toString() : "";
                        results.add(new Result(block.requiredText("tool_use_id"), result));
                    }
                    default -> throw NativeBody.malformed(block.where("type"), "content of type " + type
                            + " is not supported by this model (text, tool_use and tool_result are)");
                }
            }
        }
    }

    private static List<ToolDefinition> tools(NativeBody body) {
        if (!body.has("tools")) {
            return List.of();
        }
        List<ToolDefinition> tools = new ArrayList<>();
        List<JsonNode> specs = body.array("tools");
        for (int i = 0; i < specs.size(); i++) {
            NativeBody tool = NativeBody.object(specs.get(i), body.where("tools") + "/" + i);
            tool.allowOnly(TOOL_KEYS);
            if (tool.has("type") && !"custom".equals(tool.requiredString("type"))) {
                throw NativeBody.malformed(tool.where("type"), tool.requiredString("type")
                        + " tools (Anthropic's server-side tools) are not available here");
            }
            JsonNode schema = tool.required("input_schema");
            if (!schema.isObject()) {
                throw NativeBody.malformed(tool.where("input_schema"), "expected type: JSONObject, found: "
                        + NativeBody.typeName(schema));
            }
            tools.add(ToolDefinition.of(tool.requiredText("name"),
                    tool.has("description") ? tool.requiredString("description") : "", schema));
        }
        return tools;
    }

    private static ToolChoice toolChoice(NativeBody body) {
        if (!body.has("tool_choice")) {
            return ToolChoice.AUTO;
        }
        NativeBody choice = NativeBody.object(body.required("tool_choice"), body.where("tool_choice"));
        choice.allowOnly(Set.of("type", "name", "disable_parallel_tool_use"));
        return switch (choice.requiredString("type")) {
            case "auto", "none" -> ToolChoice.AUTO;
            case "any" -> ToolChoice.ANY;
            case "tool" -> new ToolChoice.Named(choice.requiredText("name"));
            default -> throw NativeBody.malformed(choice.where("type"), choice.requiredString("type")
                    + " is not a valid enum value (auto, any, tool, none)");
        };
    }

    private record Invocation(InvokeInput input, SamplingParams sampling, String modelId, List<String> stops)
            implements NativeInvocation {

        @Override
        public ObjectNode response(ConverseResult result) {
            ObjectNode body = message();
            ArrayNode content = body.putArray("content");
            for (ReplyBlock block : result.content()) {
                switch (block) {
                    case ReplyBlock.Text(String text) -> content.addObject().put("type", "text").put("text", text);
                    case ReplyBlock.ToolUse(String id, String name, String input) -> content.addObject()
                            .put("type", "tool_use").put("id", toolUseId(id)).put("name", name)
                            .set("input", JsonBody.parseTrusted(input));
                }
            }
            putStop(body, result);
            ObjectNode usage = body.putObject("usage");
            usage.put("input_tokens", result.inputTokens());
            usage.put("output_tokens", result.outputTokens());
            return body;
        }

        /**
         * The matched stop sequence. The engine does not say which one matched, so it is known only when there was
         * one; with several it stays null (the reason still says stop_sequence).
         */
        private void putStop(ObjectNode out, ConverseResult result) {
            StopReason reason = result.stopReason();
            out.put("stop_reason", StopReasons.wireName(result));
            out.put("stop_sequence", reason == StopReason.STOP_SEQUENCE && stops.size() == 1 ? stops.getFirst() : null);
        }

        /** Anthropic's tool call ids start with {@code toolu_}; the platform's {@code tooluse_} is Bedrock's. */
        private static String toolUseId(String id) {
            return "toolu_" + id.substring(id.indexOf('_') + 1);
        }

        private ObjectNode message() {
            return JsonBody.MAPPER.createObjectNode()
                    .put("id", "msg_bdrk_" + HexFormat.of().formatHex(randomBytes()))
                    .put("type", "message")
                    .put("role", "assistant")
                    .put("model", modelId);
        }

        private static byte[] randomBytes() {
            byte[] bytes = new byte[12];
            ThreadLocalRandom.current().nextBytes(bytes);
            return bytes;
        }

        /**
         * message_start; per block content_block_start, its deltas (text_delta, or input_json_delta for a tool
         * call) and content_block_stop; then message_delta and message_stop. A text block opens at its first text.
         */
        @Override
        public NativeChunks chunks(int inputTokens) {
            return new NativeChunks() {
                private int index;
                private boolean open;

                @Override
                public List<ObjectNode> start() {
                    ObjectNode message = message();
                    message.putArray("content");
                    message.putNull("stop_reason");
                    message.putNull("stop_sequence");
                    message.putObject("usage").put("input_tokens", inputTokens).put("output_tokens", 0);
                    ObjectNode messageStart = event("message_start");
                    messageStart.set("message", message);
                    return List.of(messageStart);
                }

                @Override
                public List<ObjectNode> delta(String text) {
                    ObjectNode delta = event("content_block_delta").put("index", index);
                    delta.putObject("delta").put("type", "text_delta").put("text", text);
                    return open ? List.of(delta) : List.of(openText(), delta);
                }

                @Override
                public List<ObjectNode> toolUseStart(String toolUseId, String name) {
                    open = true;
                    ObjectNode start = event("content_block_start").put("index", index);
                    start.putObject("content_block").put("type", "tool_use").put("id", toolUseId(toolUseId))
                            .put("name", name).putObject("input");
                    return List.of(start);
                }

                @Override
                public List<ObjectNode> toolInput(String json) {
                    ObjectNode delta = event("content_block_delta").put("index", index);
                    delta.putObject("delta").put("type", "input_json_delta").put("partial_json", json);
                    return List.of(delta);
                }

                /** An empty reply still has its (empty) text block, as the whole response does. */
                @Override
                public List<ObjectNode> blockStop() {
                    ObjectNode stop = event("content_block_stop").put("index", index++);
                    List<ObjectNode> out = open ? List.of(stop) : List.of(openText(), stop);
                    open = false;
                    return out;
                }

                private ObjectNode openText() {
                    open = true;
                    ObjectNode start = event("content_block_start").put("index", index);
                    start.putObject("content_block").put("type", "text").put("text", "");
                    return start;
                }

                @Override
                public List<ObjectNode> end(ConverseResult result) {
                    ObjectNode messageDelta = event("message_delta");
                    putStop(messageDelta.putObject("delta"), result);
                    messageDelta.putObject("usage").put("output_tokens", result.outputTokens());
                    return List.of(messageDelta, event("message_stop"));
                }
            };
        }

        private static ObjectNode event(String type) {
            return JsonBody.MAPPER.createObjectNode().put("type", type);
        }
    }
}
