package dev.basalt.platform.providers;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.basalt.engine.sampling.SamplingParams;
import dev.basalt.platform.chat.ChatMessage;
import dev.basalt.platform.chat.ChatRole;
import dev.basalt.platform.chat.ToolCall;
import dev.basalt.platform.chat.ToolDefinition;
import dev.basalt.platform.errors.ValidationException;
import dev.basalt.platform.runtime.ConverseRequest;
import dev.basalt.platform.runtime.ResponseFormat;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.document.Document;
import software.amazon.awssdk.services.bedrockruntime.model.ContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ConversationRole;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamRequest;
import software.amazon.awssdk.services.bedrockruntime.model.Message;
import software.amazon.awssdk.services.bedrockruntime.model.SystemContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.Tool;
import software.amazon.awssdk.services.bedrockruntime.model.ToolChoice;
import software.amazon.awssdk.services.bedrockruntime.model.ToolInputSchema;
import software.amazon.awssdk.services.bedrockruntime.model.ToolResultBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ToolResultContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ToolSpecification;
import software.amazon.awssdk.services.bedrockruntime.model.ToolUseBlock;

/**
 * A {@link ConverseRequest} as the AWS SDK's {@link ConverseStreamRequest}. Bedrock's conversation has system
 * blocks apart and only user and assistant turns: tool results travel in a user turn, merged with the user text that
 * follows them. Bedrock's Converse has no seed, penalties or response format; a response format cannot be enforced
 * there and is refused rather than ignored.
 */
final class BedrockConverseBody {
    private static final ObjectMapper JSON = new ObjectMapper();

    private BedrockConverseBody() {}

    static ConverseStreamRequest of(String model, ConverseRequest request) {
        if (!(request.responseFormat() instanceof ResponseFormat.Text)) {
            throw new ValidationException("A response format other than text is not available for models served "
                    + "through Bedrock's Converse API.");
        }
        List<SystemContentBlock> system = new ArrayList<>();
        List<Message> messages = new ArrayList<>();
        for (ChatMessage m : request.messages()) {
            if (m.role() == ChatRole.SYSTEM) {
                system.add(SystemContentBlock.fromText(m.text()));
            } else {
                append(messages, m.role() == ChatRole.ASSISTANT ? ConversationRole.ASSISTANT : ConversationRole.USER,
                        content(m));
            }
        }
        SamplingParams s = request.sampling();
        ConverseStreamRequest.Builder builder = ConverseStreamRequest.builder().modelId(model).messages(messages)
                .inferenceConfig(c -> c.maxTokens(s.maxTokens()).temperature((float) s.temperature())
                        .topP((float) s.topP()).stopSequences(s.stop()));
        if (!system.isEmpty()) {
            builder.system(system);
        }
        if (!request.tools().isEmpty()) {
            List<Tool> tools = request.tools().stream().map(BedrockConverseBody::tool).toList();
            ToolChoice choice = switch (request.toolChoice()) {
                case dev.basalt.platform.runtime.ToolChoice.Auto a -> ToolChoice.fromAuto(b -> { });
                case dev.basalt.platform.runtime.ToolChoice.Any a -> ToolChoice.fromAny(b -> { });
                case dev.basalt.platform.runtime.ToolChoice.Named(String name) -> ToolChoice.fromTool(b -> b.name(name));
            };
            builder.toolConfig(c -> c.tools(tools).toolChoice(choice));
        }
        return builder.build();
    }

    /** Adds blocks to the last message when it has the same role (tool results and the user text after them). */
    private static void append(List<Message> messages, ConversationRole role, List<ContentBlock> content) {
        if (!messages.isEmpty() && messages.getLast().role() == role) {
            Message last = messages.removeLast();
            List<ContentBlock> merged = new ArrayList<>(last.content());
            merged.addAll(content);
            content = merged;
        }
        List<ContentBlock> blocks = content;
        messages.add(Message.builder().role(role).content(blocks).build());
    }

    private static List<ContentBlock> content(ChatMessage m) {
        List<ContentBlock> blocks = new ArrayList<>();
        if (m.role() == ChatRole.TOOL) {
            blocks.add(ContentBlock.fromToolResult(ToolResultBlock.builder().toolUseId(m.toolCallId())
                    .content(ToolResultContentBlock.fromText(m.text())).build()));
            return blocks;
        }
        if (!m.text().isEmpty()) {
            blocks.add(ContentBlock.fromText(m.text()));
        }
        for (int i = 0; i < m.toolCalls().size(); i++) {
            ToolCall call = m.toolCalls().get(i);
            blocks.add(ContentBlock.fromToolUse(ToolUseBlock.builder()
                    .toolUseId(call.id() != null ? call.id() : "tooluse_" + i).name(call.name())
                    .input(document(parse(call.argumentsJson(), "arguments of the tool call " + call.name())))
                    .build()));
        }
        return blocks;
    }

    private static Tool tool(ToolDefinition t) {
        ToolSpecification.Builder spec = ToolSpecification.builder().name(t.name())
                .inputSchema(ToolInputSchema.fromJson(document(JSON.valueToTree(t.parameters()))));
        if (!t.description().isEmpty()) {
            spec.description(t.description());
        }
        return Tool.fromToolSpec(spec.build());
    }

    private static JsonNode parse(String json, String what) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new ValidationException("The " + what + " are not valid JSON: " + e.getOriginalMessage());
        }
    }

    /** JSON as the SDK's document type (what Bedrock carries tool inputs and schemas in). */
    static Document document(JsonNode node) {
        if (node.isObject()) {
            Map<String, Document> members = new LinkedHashMap<>();
            node.properties().forEach(e -> members.put(e.getKey(), document(e.getValue())));
            return Document.fromMap(members);
        } else if (node.isArray()) {
            List<Document> items = new ArrayList<>();
            node.forEach(item -> items.add(document(item)));
            return Document.fromList(items);
        } else if (node.isTextual()) {
            return Document.fromString(node.asText());
        } else if (node.isBoolean()) {
            return Document.fromBoolean(node.asBoolean());
        } else if (node.isNumber()) {
            return Document.fromNumber(node.asText());
        }
        return Document.fromNull();
    }
}
