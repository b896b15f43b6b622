package dev.basalt.platform.chat;

import java.util.List;
import java.util.Objects;

/**
 * One message of a conversation, independent of the wire protocol it came in on (Bedrock Converse or OpenAI chat).
 *
 * @param role       who wrote it
 * @param content    text parts, concatenated when the template needs one string
 * @param toolCalls  the function calls an assistant message made (empty for every other role)
 * @param toolCallId for a {@link ChatRole#TOOL} message, the id of the call it answers
 * @param name       for a tool message, the function that produced it; otherwise an optional author name
 */
public record ChatMessage(ChatRole role, List<ContentPart> content, List<ToolCall> toolCalls, String toolCallId,
                          String name) {

    public ChatMessage {
        Objects.requireNonNull(role, "role");
        content = List.copyOf(Objects.requireNonNull(content, "content"));
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
        if (!toolCalls.isEmpty() && role != ChatRole.ASSISTANT) {
            throw new IllegalArgumentException("only assistant messages carry tool calls, not " + role.wireName());
        }
        if (role == ChatRole.TOOL && (toolCallId == null || toolCallId.isBlank())) {
            throw new IllegalArgumentException("a tool message needs the id of the tool call it answers");
        }
    }

    public static ChatMessage system(String text) {
        return new ChatMessage(ChatRole.SYSTEM, List.of(ContentPart.text(text)), List.of(), null, null);
    }

    public static ChatMessage user(String text) {
        return new ChatMessage(ChatRole.USER, List.of(ContentPart.text(text)), List.of(), null, null);
    }

    public static ChatMessage assistant(String text) {
        return new ChatMessage(ChatRole.ASSISTANT, List.of(ContentPart.text(text)), List.of(), null, null);
    }

    /** An assistant turn that calls tools, with optional text before the calls (empty string for none). */
    public static ChatMessage assistant(String text, List<ToolCall> toolCalls) {
        return new ChatMessage(ChatRole.ASSISTANT, List.of(ContentPart.text(text)), toolCalls, null, null);
    }

    /** The result of the tool call {@code toolCallId} to function {@code name} (which may be null). */
    public static ChatMessage toolResult(String toolCallId, String name, String result) {
        return new ChatMessage(ChatRole.TOOL, List.of(ContentPart.text(result)), List.of(), toolCallId, name);
    }

    /** The text parts joined, which is what a text-only template receives as {@code message.content}. */
    public String text() {
        StringBuilder out = new StringBuilder();
        for (ContentPart part : content) {
            if (part instanceof ContentPart.Text(String text)) {
                out.append(text);
            }
        }
        return out.toString();
    }

    ChatMessage withText(String text) {
        return new ChatMessage(role, List.of(ContentPart.text(text)), toolCalls, toolCallId, name);
    }
}
