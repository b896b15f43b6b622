package dev.basalt.platform.runtime;

import dev.basalt.engine.sampling.SamplingParams;
import dev.basalt.platform.chat.ChatMessage;
import dev.basalt.platform.chat.ToolDefinition;
import dev.basalt.platform.errors.ValidationException;
import java.util.List;

/** A conversation to continue: the messages, how to sample, and the tools the model may (or must) call. */
public record ConverseRequest(List<ChatMessage> messages, SamplingParams sampling, List<ToolDefinition> tools,
                              ToolChoice toolChoice) {
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

    /** A conversation without tools. */
    public ConverseRequest(List<ChatMessage> messages, SamplingParams sampling) {
        this(messages, sampling, List.of(), ToolChoice.AUTO);
    }
}
