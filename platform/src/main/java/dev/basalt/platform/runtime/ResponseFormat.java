package dev.basalt.platform.runtime;

/**
 * The shape a text reply must have (OpenAI's {@code response_format}): free text, any JSON object, or JSON matching
 * a schema. JSON formats are enforced by constrained decoding, so the reply always parses.
 */
public sealed interface ResponseFormat {
    record Text() implements ResponseFormat {}

    record JsonObject() implements ResponseFormat {}

    /** {@code schemaJson} is the JSON Schema as text. */
    record JsonSchema(String schemaJson) implements ResponseFormat {}

    ResponseFormat TEXT = new Text();
}
