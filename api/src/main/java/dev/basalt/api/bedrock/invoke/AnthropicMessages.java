package dev.basalt.api.bedrock.invoke;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.basalt.api.bedrock.StopReasons;
import dev.basalt.api.server.JsonBody;
import dev.basalt.engine.sampling.SamplingParams;
import dev.basalt.engine.scheduler.StopReason;
import dev.basalt.platform.chat.ChatMessage;
import dev.basalt.platform.errors.ValidationException;
import dev.basalt.platform.runtime.ConverseResult;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Anthropic Claude Messages API as Bedrock takes it: {@code anthropic_version} ("bedrock-2023-05-31"),
 * {@code max_tokens} (required), {@code messages}, {@code system}, {@code temperature} (default 1), {@code top_p}
 * (default 0.999), {@code top_k} (default off), {@code stop_sequences}; text content only so far. The conversation
 * goes through the model's chat template, exactly as Converse's does.
 */
final class AnthropicMessages implements ModelFamily {
    static final String VERSION = "bedrock-2023-05-31";
    private static final Set<String> KEYS = Set.of("anthropic_version", "max_tokens", "messages", "system",
            "temperature", "top_p", "top_k", "stop_sequences");
    private static final Set<String> TEXT_BLOCK_KEYS = Set.of("type", "text");

    @Override
    public NativeInvocation parse(NativeBody body, String modelId) {
        if (body.has("tools") || body.has("tool_choice")) {
            throw new ValidationException("tools in InvokeModel bodies are not supported yet; use Converse");
        }
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
            messages.add(ChatMessage.system(text(body.required("system"), body.where("system"))));
        }
        body.required("messages");
        List<JsonNode> turns = body.array("messages");
        for (int i = 0; i < turns.size(); i++) {
            messages.add(message(NativeBody.object(turns.get(i), body.where("messages") + "/" + i)));
        }
        return new Invocation(new InvokeInput.Conversation(messages), NativeBody.sampling(params), modelId, stops);
    }

    private static ChatMessage message(NativeBody turn) {
        turn.allowOnly(Set.of("role", "content"));
        String role = turn.requiredString("role");
        String text = text(turn.required("content"), turn.where("content"));
        return switch (role) {
            case "user" -> ChatMessage.user(text);
            case "assistant" -> ChatMessage.assistant(text);
            default -> throw NativeBody.malformed(turn.where("role"), role + " is not a valid enum value");
        };
    }

    /** A string, or a list of text blocks whose texts are joined. */
    private static String text(JsonNode content, String where) {
        if (content.isTextual()) {
            return content.asText();
        }
        if (!content.isArray()) {
            throw NativeBody.malformed(where, "expected type: String or JSONArray, found: "
                    + NativeBody.typeName(content));
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < content.size(); i++) {
            NativeBody block = NativeBody.object(content.get(i), where + "/" + i);
            String type = block.requiredString("type");
            if (!type.equals("text")) {
                throw NativeBody.malformed(block.where("type"), "content of type " + type
                        + " is not supported yet (text only)");
            }
            block.allowOnly(TEXT_BLOCK_KEYS);
            text.append(block.requiredString("text"));
        }
        return text.toString();
    }

    private record Invocation(InvokeInput input, SamplingParams sampling, String modelId, List<String> stops)
            implements NativeInvocation {

        @Override
        public ObjectNode response(ConverseResult result) {
            ObjectNode body = message();
            body.putArray("content").addObject().put("type", "text").put("text", result.text());
            putStop(body, result.stopReason());
            ObjectNode usage = body.putObject("usage");
            usage.put("input_tokens", result.inputTokens());
            usage.put("output_tokens", result.outputTokens());
            return body;
        }

        /**
         * The matched stop sequence. The engine does not say which one matched, so it is known only when there was
         * one; with several it stays null (the reason still says stop_sequence).
         */
        private void putStop(ObjectNode out, StopReason reason) {
            out.put("stop_reason", StopReasons.wireName(reason));
            out.put("stop_sequence", reason == StopReason.STOP_SEQUENCE && stops.size() == 1 ? stops.getFirst() : null);
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

        /** message_start, content_block_start, content_block_delta..., content_block_stop, message_delta, message_stop. */
        @Override
        public NativeChunks chunks(int inputTokens) {
            return new NativeChunks() {
                @Override
                public List<ObjectNode> start() {
                    ObjectNode message = message();
                    message.putArray("content");
                    message.putNull("stop_reason");
                    message.putNull("stop_sequence");
                    message.putObject("usage").put("input_tokens", inputTokens).put("output_tokens", 0);
                    ObjectNode messageStart = event("message_start");
                    messageStart.set("message", message);
                    ObjectNode blockStart = event("content_block_start").put("index", 0);
                    blockStart.putObject("content_block").put("type", "text").put("text", "");
                    return List.of(messageStart, blockStart);
                }

                @Override
                public ObjectNode delta(String text) {
                    ObjectNode delta = event("content_block_delta").put("index", 0);
                    delta.putObject("delta").put("type", "text_delta").put("text", text);
                    return delta;
                }

                @Override
                public List<ObjectNode> end(ConverseResult result) {
                    ObjectNode messageDelta = event("message_delta");
                    putStop(messageDelta.putObject("delta"), result.stopReason());
                    messageDelta.putObject("usage").put("output_tokens", result.outputTokens());
                    return List.of(event("content_block_stop").put("index", 0), messageDelta, event("message_stop"));
                }
            };
        }

        private static ObjectNode event(String type) {
            return JsonBody.MAPPER.createObjectNode().put("type", type);
        }
    }
}
