package dev.basalt.platform.chat;

/**
 * A function call the assistant made. {@code argumentsJson} is the arguments object as JSON text, as both
 * OpenAI ({@code function.arguments}) and Bedrock ({@code toolUse.input}, serialised) carry it; templates receive
 * it parsed, as Hugging Face passes it. {@code id} may be null when the protocol had none.
 */
public record ToolCall(String id, String name, String argumentsJson) {

    public ToolCall {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a tool call needs a function name");
        }
        if (argumentsJson == null || argumentsJson.isBlank()) {
            argumentsJson = "{}";
        }
    }
}
