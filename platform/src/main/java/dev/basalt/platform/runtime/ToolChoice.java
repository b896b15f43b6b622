package dev.basalt.platform.runtime;

/**
 * Whether and which tool the model must call (Bedrock's {@code toolChoice}, OpenAI's {@code tool_choice}).
 * {@link Auto} lets the model decide and parses the calls it writes in its own format; {@link Any} and
 * {@link Named} force a call, which constrained decoding makes valid against the tool's input schema.
 */
public sealed interface ToolChoice {
    record Auto() implements ToolChoice {}

    record Any() implements ToolChoice {}

    record Named(String name) implements ToolChoice {}

    ToolChoice AUTO = new Auto();
    ToolChoice ANY = new Any();
}
