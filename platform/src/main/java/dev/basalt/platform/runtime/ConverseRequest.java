package dev.basalt.platform.runtime;

import dev.basalt.engine.sampling.SamplingParams;
import dev.basalt.platform.chat.ChatMessage;
import dev.basalt.platform.chat.ToolDefinition;
import dev.basalt.platform.errors.ValidationException;
import java.util.List;

/**
 * A conversation to continue: the messages, how to sample, the tools the model may (or must) call, and the shape of
 * a text reply. A forced tool call ({@link ToolChoice.Any}, {@link ToolChoice.Named}) takes precedence over the
 * response format, which then applies to nothing.
 */
public record ConverseRequest(List<ChatMessage> messages, SamplingParams sampling, List<ToolDefinition> tools,
                              ToolChoice toolChoice, ResponseFormat responseFormat) {
    public ConverseRequest {
        messages = List.copyOf(messages);
        tools = List.copyOf(tools);
        if (!(toolChoice instanceof ToolChoice.Auto) && tools.isEmpty()) {
            throw new ValidationException("A tool choice other than auto needs at least one tool in the tool configuration.");
        }
        if (toolChoice instanceof ToolChoice.Named(String name)
                && tools.stream().noneMatch(t -> t.name().equals(name))) {
            throw new ValidationException("The tool choice names the tool " + name
                    + ", which is not in the tool configuration.");
        }
    }

    /** A conversation with tools and a free-text reply. */
    public ConverseRequest(List<ChatMessage> messages, SamplingParams sampling, List<ToolDefinition> tools,
                           ToolChoice toolChoice) {
        this(messages, sampling, tools, toolChoice, ResponseFormat.TEXT);
    }

    /** A conversation without tools. */
    public ConverseRequest(List<ChatMessage> messages, SamplingParams sampling) {
        this(messages, sampling, List.of(), ToolChoice.AUTO);
    }
}
