package dev.basalt.api.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.basalt.engine.sampling.SamplingParams;
import dev.basalt.platform.chat.ChatMessage;
import dev.basalt.platform.chat.ToolCall;
import dev.basalt.platform.chat.ToolDefinition;
import dev.basalt.platform.errors.ValidationException;
import dev.basalt.platform.runtime.ConverseRequest;
import dev.basalt.platform.runtime.ResponseFormat;
import dev.basalt.platform.runtime.ToolChoice;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A {@code POST /v1/chat/completions} body, checked the way OpenAI checks it (unknown arguments and out-of-range
 * values are 400s naming the parameter) and turned into the platform's {@link ConverseRequest}.
 *
 * @param model        the model id (or ARN) to run
 * @param stream       answer as server-sent events
 * @param includeUsage {@code stream_options.include_usage}: a last chunk carries the usage
 * @param logprobs     return the chosen tokens' log-probabilities
 */
record ChatCompletionRequest(String model, ConverseRequest converse, boolean stream, boolean includeUsage,
                             boolean logprobs) {
    private static final Pattern FUNCTION_NAME = Pattern.compile("[a-zA-Z0-9_-]{1,64}");
    /** Accepted and without effect here: they concern OpenAI's billing, storage or other modalities' defaults. */
    private static final Set<String> IGNORED = Set.of("user", "metadata", "store", "service_tier",
            "parallel_tool_calls", "reasoning_effort", "modalities", "safety_identifier", "prompt_cache_key");
    private static final Set<String> KNOWN = Set.of("model", "messages", "max_tokens", "max_completion_tokens",
            "temperature", "top_p", "n", "stop", "seed", "frequency_penalty", "presence_penalty", "logprobs",
            "top_logprobs", "tools", "tool_choice", "response_format", "stream", "stream_options");

    /** Reads {@code body}; {@code contextLength} is the default token budget (OpenAI's default: up to the limit). */
    static ChatCompletionRequest read(JsonNode body, int contextLength) {
        OpenAiJson.checkFields(body, KNOWN, IGNORED);
        String model = OpenAiJson.requiredText(body, "model");
        if (OpenAiJson.optionalInt(body, "n", 1, 128, 1) != 1) {
            throw new ValidationException("Only n=1 is supported: ask again (with another seed) for more choices.", "n");
        }
        boolean stream = OpenAiJson.optionalBoolean(body, "stream", false);
        boolean includeUsage = OpenAiJson.includeUsage(body, stream);
        boolean logprobs = OpenAiJson.optionalBoolean(body, "logprobs", false);
        if (body.has("top_logprobs") && !logprobs) {
            throw new ValidationException("'logprobs' must be true when 'top_logprobs' is given.", "top_logprobs");
        }
        List<ToolDefinition> tools = tools(body.path("tools"));
        ToolChoice choice = toolChoice(body.path("tool_choice"), tools);
        if (body.path("tool_choice").asText("").equals("none")) {
            tools = List.of();
        }
        SamplingParams sampling = sampling(body, contextLength, logprobs);
        ConverseRequest converse = new ConverseRequest(messages(body.path("messages")), sampling, tools, choice,
                responseFormat(body.path("response_format")));
        return new ChatCompletionRequest(model, converse, stream,
                includeUsage, logprobs);
    }

    private static SamplingParams sampling(JsonNode body, int contextLength, boolean logprobs) {
        String budget = body.has("max_completion_tokens") ? "max_completion_tokens" : "max_tokens";
        return OpenAiSampling.read(body, OpenAiSampling.maxTokens(body, budget, contextLength), logprobs,
                OpenAiJson.optionalInt(body, "top_logprobs", 0, SamplingParams.MAX_TOP_LOGPROBS, 0));
    }

    private static List<ChatMessage> messages(JsonNode messages) {
        if (!messages.isArray() || messages.isEmpty()) {
            throw new ValidationException("'messages' must be a non-empty array.", "messages");
        }
        List<ChatMessage> out = new ArrayList<>();
        int index = 0;
        for (JsonNode message : messages) {
            String where = "messages[" + index++ + "]";
            String role = message.path("role").asText("");
            String text = content(message.path("content"), where + ".content");
            out.add(switch (role) {
                case "system", "developer" -> ChatMessage.system(text);
                case "user" -> ChatMessage.user(text);
                case "assistant" -> ChatMessage.assistant(text, toolCalls(message.path("tool_calls"), where));
                case "tool" -> ChatMessage.toolResult(OpenAiJson.requiredText(message, "tool_call_id", where), null, text);
                default -> throw new ValidationException("Invalid value for '" + where + ".role': expected one of "
                        + "system, developer, user, assistant or tool, got " + message.path("role"), where + ".role");
            });
        }
        return out;
    }

    /** A string, or text parts; other parts (images, audio, files) need a model this engine cannot run. */
    private static String content(JsonNode content, String where) {
        if (content.isMissingNode() || content.isNull()) {
            return "";
        }
        if (content.isTextual()) {
            return content.asText();
        }
        StringBuilder text = new StringBuilder();
        for (JsonNode part : OpenAiJson.array(content, where)) {
            String type = part.path("type").asText("");
            switch (type) {
                case "text", "refusal" -> text.append(part.path(type).asText(""));
                default -> throw new ValidationException("Invalid content part type '" + type + "' in " + where
                        + ": this model accepts text only.", where);
            }
        }
        return text.toString();
    }

    private static List<ToolCall> toolCalls(JsonNode calls, String where) {
        if (calls.isMissingNode() || calls.isNull()) {
            return List.of();
        }
        List<ToolCall> out = new ArrayList<>();
        for (JsonNode call : OpenAiJson.array(calls, where + ".tool_calls")) {
            JsonNode function = call.path("function");
            out.add(new ToolCall(call.path("id").asText(null),
                    OpenAiJson.requiredText(function, "name", where + ".tool_calls.function"),
                    function.path("arguments").asText("{}")));
        }
        return out;
    }

    private static List<ToolDefinition> tools(JsonNode tools) {
        if (tools.isMissingNode() || tools.isNull()) {
            return List.of();
        }
        List<ToolDefinition> out = new ArrayList<>();
        int index = 0;
        for (JsonNode tool : OpenAiJson.array(tools, "tools")) {
            String where = "tools[" + index++ + "]";
            if (!tool.path("type").asText("").equals("function")) {
                throw new ValidationException("Invalid value for '" + where + ".type': only 'function' tools exist here.",
                        where + ".type");
            }
            JsonNode function = tool.path("function");
            String name = OpenAiJson.requiredText(function, "name", where + ".function");
            if (!FUNCTION_NAME.matcher(name).matches()) {
                throw new ValidationException("Invalid '" + where + ".function.name': string does not match pattern "
                        + "'^[a-zA-Z0-9_-]{1,64}$'.", where + ".function.name");
            }
            if (out.stream().anyMatch(t -> t.name().equals(name))) {
                throw new ValidationException("Duplicate function name '" + name + "' in tools.", "tools");
            }
            JsonNode parameters = function.path("parameters");
            try {
                out.add(ToolDefinition.of(name, function.path("description").asText(""),
                        parameters.isMissingNode() ? null : parameters));
            } catch (IllegalArgumentException e) {
                throw new ValidationException(e.getMessage(), where + ".function.parameters");
            }
        }
        return out;
    }

    private static ToolChoice toolChoice(JsonNode choice, List<ToolDefinition> tools) {
        if (choice.isMissingNode() || choice.isNull()) {
            return ToolChoice.AUTO;
        }
        if (choice.isTextual()) {
            return switch (choice.asText()) {
                case "auto", "none" -> ToolChoice.AUTO;
                case "required" -> ToolChoice.ANY;
                default -> throw new ValidationException("Invalid value for 'tool_choice': expected 'none', 'auto', "
                        + "'required' or a named function, got '" + choice.asText() + "'.", "tool_choice");
            };
        }
        String name = OpenAiJson.requiredText(choice.path("function"), "name", "tool_choice.function");
        if (tools.stream().noneMatch(t -> t.name().equals(name))) {
            throw new ValidationException("Invalid value for 'tool_choice': function '" + name
                    + "' is not in 'tools'.", "tool_choice");
        }
        return new ToolChoice.Named(name);
    }

    private static ResponseFormat responseFormat(JsonNode format) {
        if (format.isMissingNode() || format.isNull()) {
            return ResponseFormat.TEXT;
        }
        return switch (format.path("type").asText("")) {
            case "text" -> ResponseFormat.TEXT;
            case "json_object" -> new ResponseFormat.JsonObject();
            case "json_schema" -> {
                JsonNode schema = format.path("json_schema").path("schema");
                if (!schema.isObject()) {
                    throw new ValidationException("'response_format.json_schema.schema' must be a JSON schema object.",
                            "response_format.json_schema.schema");
                }
                yield new ResponseFormat.JsonSchema(schema.toString());
            }
            default -> throw new ValidationException("Invalid value for 'response_format.type': expected text, "
                    + "json_object or json_schema.", "response_format.type");
        };
    }
}
