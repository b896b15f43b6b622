package dev.basalt.api.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import dev.basalt.engine.sampling.SamplingParams;
import dev.basalt.platform.chat.ChatMessage;
import dev.basalt.platform.chat.ChatRole;
import dev.basalt.platform.chat.ToolCall;
import dev.basalt.platform.chat.ToolDefinition;
import dev.basalt.platform.documents.DocumentFormat;
import dev.basalt.platform.documents.DocumentLimits;
import dev.basalt.platform.documents.DocumentText;
import dev.basalt.platform.errors.NotFoundException;
import dev.basalt.platform.errors.ValidationException;
import dev.basalt.platform.runtime.ConverseRequest;
import dev.basalt.platform.runtime.ToolChoice;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a Converse request body (messages, system, inferenceConfig, additionalModelRequestFields, toolConfig) into
 * the platform's {@link ConverseRequest}, with Bedrock's validation messages.
 */
final class ConverseRequestReader {
    /** Bedrock's rule for tool names. */
    private static final Pattern TOOL_NAME = Pattern.compile("[a-zA-Z0-9_-]{1,64}");
    private static final Set<String> FIELDS = Set.of("messages", "system", "inferenceConfig", "toolConfig",
            "additionalModelRequestFields", "additionalModelResponseFieldPaths", "requestMetadata", "performanceConfig",
            "promptVariables", "guardrailConfig");
    private static final int MAX_RESPONSE_FIELD_PATHS = 10;
    /** Bedrock's limits and naming rule for documents in one request. */
    private static final int MAX_DOCUMENTS = 5;
    private static final Pattern DOCUMENT_NAME = Pattern.compile("[A-Za-z0-9 ()\\[\\]-]{1,200}");
    private final JsonNode body;

    private final DocumentText documents;
    private int documentCount;

    /** {@code documents} turns document blocks into text. */
    ConverseRequestReader(JsonNode body, DocumentText documents) {
        this.body = body;
        this.documents = documents;
    }

    ConverseRequest request() {
        checkTopLevelFields();
        List<ToolDefinition> tools = tools();
        List<ChatMessage> messages = messages();
        boolean usesTools = messages.stream().anyMatch(m -> m.role() == ChatRole.TOOL || !m.toolCalls().isEmpty());
        if (usesTools && !body.has("toolConfig")) {
            throw new ValidationException("The toolConfig field must be defined when using toolUse and toolResult "
                    + "content blocks.");
        }
        return new ConverseRequest(messages, sampling(), tools, toolChoice());
    }

    /**
     * The JSON pointers of additionalModelResponseFieldPaths: which fields of the model's native response to copy
     * into the Converse response's additionalModelResponseFields.
     */
    List<String> responseFieldPaths() {
        JsonNode paths = body.path("additionalModelResponseFieldPaths");
        if (paths.isMissingNode()) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (JsonNode path : array(paths, "additionalModelResponseFieldPaths")) {
            if (!path.isTextual() || !path.asText().startsWith("/") || path.asText().length() > 256) {
                throw new ValidationException("additionalModelResponseFieldPaths must hold JSON pointers such as "
                        + "/stop_reason (1 to 256 characters, starting with /), got " + path);
            }
            out.add(path.asText());
        }
        if (out.size() > MAX_RESPONSE_FIELD_PATHS) {
            throw new ValidationException("additionalModelResponseFieldPaths holds at most " + MAX_RESPONSE_FIELD_PATHS
                    + " paths, got " + out.size());
        }
        return out;
    }

    /** Fields that are accepted but change nothing here, checked for shape so mistakes still surface. */
    private void checkTopLevelFields() {
        for (String field : fieldNames(body)) {
            if (!FIELDS.contains(field)) {
                throw new ValidationException("Malformed input request: extraneous key [" + field
                        + "] is not permitted");
            }
        }
        if (body.has("promptVariables")) {
            throw new ValidationException("promptVariables can only be used when the model is a prompt from Prompt "
                    + "management.");
        }
        if (body.has("guardrailConfig")) {
            throw new NotFoundException("The guardrail " + body.path("guardrailConfig").path("guardrailIdentifier")
                    + " does not exist: no guardrails are configured on this server.");
        }
        JsonNode latency = body.path("performanceConfig").path("latency");
        if (!latency.isMissingNode() && !latency.asText().equals("standard") && !latency.asText().equals("optimized")) {
            throw new ValidationException("performanceConfig.latency must be standard or optimized, got " + latency);
        }
        JsonNode metadata = body.path("requestMetadata");
        if (!metadata.isMissingNode()) {
            if (!metadata.isObject() || metadata.size() > 16) {
                throw new ValidationException("requestMetadata must be a map of at most 16 string entries.");
            }
            metadata.properties().forEach(e -> {
                if (!e.getValue().isTextual() || e.getKey().isEmpty() || e.getKey().length() > 256
                        || e.getValue().asText().length() > 256) {
                    throw new ValidationException("requestMetadata." + e.getKey() + " must be a string of at most 256 "
                            + "characters under a key of 1 to 256 characters.");
                }
            });
        }
        responseFieldPaths();
    }

    /** System prompts first, then the turns: text, tool calls (assistant) and tool results (user). */
    private List<ChatMessage> messages() {
        List<ChatMessage> messages = new ArrayList<>();
        JsonNode system = body.path("system");
        if (!system.isMissingNode()) {
            StringBuilder text = new StringBuilder();
            for (JsonNode block : array(system, "system")) {
                if (!block.has("cachePoint")) {
                    text.append(text(block, "system"));
                }
            }
            messages.add(ChatMessage.system(text.toString()));
        }
        JsonNode turns = body.path("messages");
        if (!turns.isArray()) {
            throw new ValidationException("The messages field is required and must be a list of messages.");
        }
        Map<String, String> openCalls = Map.of();
        int index = 0;
        for (JsonNode turn : turns) {
            String where = "messages." + index++;
            MessageContent content = new MessageContent(where);
            for (JsonNode block : array(turn.path("content"), where + ".content")) {
                content.add(block);
            }
            switch (turn.path("role").asText("")) {
                case "user" -> {
                    if (!content.calls.isEmpty()) {
                        throw new ValidationException(where + ": toolUse content blocks belong in assistant messages.");
                    }
                    for (ToolResult result : content.results) {
                        String name = openCalls.get(result.toolUseId());
                        if (name == null) {
                            throw new ValidationException("The toolUseId " + result.toolUseId() + " in " + where
                                    + " does not match any toolUse in the previous assistant message.");
                        }
                        messages.add(ChatMessage.toolResult(result.toolUseId(), name, result.text()));
                    }
                    if (content.results.isEmpty() || !content.text.isEmpty()) {
                        messages.add(ChatMessage.user(content.text.toString()));
                    }
                    openCalls = Map.of();
                }
                case "assistant" -> {
                    if (!content.results.isEmpty()) {
                        throw new ValidationException(where + ": toolResult content blocks belong in user messages.");
                    }
                    messages.add(ChatMessage.assistant(content.text.toString(), content.calls));
                    Map<String, String> calls = new HashMap<>();
                    content.calls.forEach(c -> calls.put(c.id(), c.name()));
                    openCalls = calls;
                }
                default -> throw new ValidationException(where + ".role must be 'user' or 'assistant', got "
                        + turn.path("role"));
            }
        }
        return messages;
    }

    private record ToolResult(String toolUseId, String text) {}

    /** The blocks of one message, sorted by kind. */
    private final class MessageContent {
        private final String where;
        private final StringBuilder text = new StringBuilder();
        private final List<ToolCall> calls = new ArrayList<>();
        private final List<ToolResult> results = new ArrayList<>();

        MessageContent(String where) {
            this.where = where + ".content";
        }

        void add(JsonNode block) {
            String kind = kind(block, where);
            switch (kind) {
                case "text" -> text.append(text(block, where));
                case "guardContent" -> text.append(block.path("guardContent").path("text").path("text").asText(""));
                case "cachePoint", "reasoningContent" -> { } // prefix reuse is automatic; earlier reasoning is not replayed
                case "toolUse" -> {
                    JsonNode use = block.get("toolUse");
                    String id = requiredText(use, "toolUseId", where + ".toolUse");
                    String name = requiredText(use, "name", where + ".toolUse");
                    JsonNode input = use.path("input");
                    if (!input.isObject()) {
                        throw new ValidationException(where + ".toolUse.input must be a JSON object.");
                    }
                    calls.add(new ToolCall(id, name, input.toString()));
                }
                case "toolResult" -> results.add(toolResult(block.get("toolResult")));
                case "document" -> text.append(document(block.get("document")));
                case "image", "video" -> throw new ValidationException("This model doesn't support the " + kind
                        + " content block that you provided. Try again with text, document or tool content.");
                default -> throw new ValidationException(where + ": unsupported content block " + kind
                        + " (supported: text, document, toolUse, toolResult, cachePoint).");
            }
        }

        /**
         * A document's text, between markers that name it, at its place in the message (the engine reads text
         * only; Bedrock's models see documents as part of the prompt too).
         */
        private String document(JsonNode document) {
            String at = where + ".document";
            if (++documentCount > MAX_DOCUMENTS) {
                throw new ValidationException("A request can include at most " + MAX_DOCUMENTS + " documents.");
            }
            String name = requiredText(document, "name", at);
            if (!DOCUMENT_NAME.matcher(name).matches() || name.contains("  ")) {
                throw new ValidationException(at + ".name may contain only letters, digits, single spaces, hyphens, "
                        + "parentheses and square brackets, got '" + name + "'.");
            }
            DocumentFormat format;
            try {
                format = DocumentFormat.fromWireName(requiredText(document, "format", at));
            } catch (IllegalArgumentException e) {
                throw new ValidationException(at + ".format: " + e.getMessage());
            }
            JsonNode source = document.path("source");
            String text = switch (kind(source, at + ".source")) {
                case "bytes" -> documents.extract(base64(source.get("bytes"), at + ".source.bytes"), format,
                        DocumentLimits.CONVERSE).text();
                case "text" -> source.get("text").asText();
                case "s3Location" -> throw new ValidationException(at + ".source: S3 locations are not supported "
                        + "here; send the document's bytes.");
                default -> throw new ValidationException(at + ".source must hold bytes or text.");
            };
            return "\n<document name=\"" + name + "\">\n" + text + "\n</document>\n";
        }

        private ToolResult toolResult(JsonNode result) {
            String id = requiredText(result, "toolUseId", where + ".toolResult");
            StringBuilder out = new StringBuilder();
            for (JsonNode part : array(result.path("content"), where + ".toolResult.content")) {
                switch (kind(part, where + ".toolResult.content")) {
                    case "text" -> out.append(text(part, where + ".toolResult.content"));
                    case "document" -> out.append(document(part.get("document")));
                    case "json" -> out.append(part.get("json").toString());
                    default -> throw new ValidationException(where + ".toolResult.content: only text, json and "
                            + "document results are supported by this model.");
                }
            }
            return new ToolResult(id, out.toString());
        }
    }

    private static byte[] base64(JsonNode value, String where) {
        try {
            return Base64.getDecoder().decode(value.asText(""));
        } catch (IllegalArgumentException e) {
            throw new ValidationException(where + " must be base64: " + e.getMessage());
        }
    }

    /** The tool specifications of toolConfig (none without it). */
    private List<ToolDefinition> tools() {
        JsonNode config = body.path("toolConfig");
        if (config.isMissingNode()) {
            return List.of();
        }
        List<ToolDefinition> tools = new ArrayList<>();
        int index = 0;
        for (JsonNode tool : array(config.path("tools"), "toolConfig.tools")) {
            String where = "toolConfig.tools." + index++;
            if (tool.has("cachePoint")) {
                continue;
            }
            JsonNode spec = tool.path("toolSpec");
            if (!spec.isObject()) {
                throw new ValidationException(where + " must hold a toolSpec.");
            }
            String name = requiredText(spec, "name", where + ".toolSpec");
            if (!TOOL_NAME.matcher(name).matches()) {
                throw new ValidationException(where + ".toolSpec.name must match [a-zA-Z0-9_-]{1,64}, got '" + name + "'.");
            }
            if (tools.stream().anyMatch(t -> t.name().equals(name))) {
                throw new ValidationException("The tool name " + name + " appears more than once in toolConfig.tools.");
            }
            JsonNode schema = spec.path("inputSchema").path("json");
            if (!schema.isObject()) {
                throw new ValidationException(where + ".toolSpec.inputSchema.json must be a JSON schema object.");
            }
            tools.add(ToolDefinition.of(name, spec.path("description").asText(""), schema));
        }
        if (tools.isEmpty()) {
            throw new ValidationException("toolConfig.tools must contain at least one tool.");
        }
        return tools;
    }

    private ToolChoice toolChoice() {
        JsonNode choice = body.path("toolConfig").path("toolChoice");
        if (choice.isMissingNode()) {
            return ToolChoice.AUTO;
        }
        return switch (kind(choice, "toolConfig.toolChoice")) {
            case "auto" -> ToolChoice.AUTO;
            case "any" -> ToolChoice.ANY;
            case "tool" -> new ToolChoice.Named(requiredText(choice.get("tool"), "name", "toolConfig.toolChoice.tool"));
            default -> throw new ValidationException("toolConfig.toolChoice must be one of auto, any or tool.");
        };
    }

    /** inferenceConfig plus the engine's extra parameters from additionalModelRequestFields. */
    private SamplingParams sampling() {
        SamplingParams.Builder params = SamplingParams.builder().temperature(1.0).topK(0).topP(1.0).minP(0);
        JsonNode config = body.path("inferenceConfig");
        if (config.has("maxTokens")) {
            params.maxTokens(intField(config, "maxTokens", "inferenceConfig.maxTokens"));
        }
        if (config.has("temperature")) {
            params.temperature(number(config, "temperature", 0, 1, "inferenceConfig.temperature"));
        }
        if (config.has("topP")) {
            params.topP(number(config, "topP", 0, 1, "inferenceConfig.topP"));
        }
        if (config.has("stopSequences")) {
            List<String> stop = new ArrayList<>();
            for (JsonNode s : array(config.get("stopSequences"), "inferenceConfig.stopSequences")) {
                stop.add(s.asText());
            }
            params.stop(stop);
        }
        JsonNode extra = body.path("additionalModelRequestFields");
        for (Iterator<Map.Entry<String, JsonNode>> it = extra.properties().iterator(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String where = "additionalModelRequestFields." + field.getKey();
            switch (field.getKey()) {
                case "top_k" -> params.topK(intField(extra, "top_k", where));
                case "min_p" -> params.minP(number(extra, "min_p", 0, 1, where));
                case "seed" -> params.seed(extra.get("seed").asLong());
                case "repetition_penalty" -> params.repetitionPenalty(number(extra, "repetition_penalty", 0, 10, where));
                case "frequency_penalty" -> params.frequencyPenalty(number(extra, "frequency_penalty", -2, 2, where));
                case "presence_penalty" -> params.presencePenalty(number(extra, "presence_penalty", -2, 2, where));
                default -> throw new ValidationException("Malformed input request: " + where
                        + " is not a supported field (supported: top_k, min_p, seed, repetition_penalty, "
                        + "frequency_penalty, presence_penalty)");
            }
        }
        try {
            return params.build();
        } catch (IllegalArgumentException e) {
            throw new ValidationException(e.getMessage());
        }
    }

    private static Iterable<JsonNode> array(JsonNode node, String where) {
        if (!node.isArray()) {
            throw new ValidationException(where + " must be a list");
        }
        return node;
    }

    private static String text(JsonNode block, String where) {
        if (!block.path("text").isTextual()) {
            throw new ValidationException(where + ": expected a text block, got " + fieldNames(block));
        }
        return block.get("text").asText();
    }

    /** The member a union (content block, tool choice) holds: exactly one field. */
    private static String kind(JsonNode union, String where) {
        if (!union.isObject() || union.size() != 1) {
            throw new ValidationException(where + ": each block must set exactly one member, got " + fieldNames(union));
        }
        return union.fieldNames().next();
    }

    private static List<String> fieldNames(JsonNode node) {
        return node.properties().stream().map(Map.Entry::getKey).toList();
    }

    private static String requiredText(JsonNode node, String field, String where) {
        JsonNode value = node.path(field);
        if (!value.isTextual() || value.asText().isEmpty()) {
            throw new ValidationException(where + "." + field + " is required.");
        }
        return value.asText();
    }

    private static int intField(JsonNode node, String name, String where) {
        JsonNode v = node.get(name);
        if (!v.canConvertToInt() || !v.isIntegralNumber()) {
            throw new ValidationException(where + " must be an integer, got " + v);
        }
        return v.asInt();
    }

    private static double number(JsonNode node, String name, double min, double max, String where) {
        JsonNode v = node.get(name);
        if (!v.isNumber() || v.asDouble() < min || v.asDouble() > max) {
            throw new ValidationException(where + " must be a number between " + min + " and " + max + ", got " + v);
        }
        return v.asDouble();
    }
}
