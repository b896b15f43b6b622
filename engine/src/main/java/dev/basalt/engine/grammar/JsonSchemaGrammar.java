package dev.basalt.engine.grammar;

/**
 * Entry point of JSON-constrained decoding: {@code JsonSchemaGrammar.compile(schema)} for a response schema,
 * {@link #anyObject()} for response_format {@code json_object}.
 *
 * <p>Supported schema subset: {@value SchemaCompiler#SUPPORTED_LIST}; annotations (title, description,
 * $schema, $id, $comment, default, examples) are ignored; any other keyword is rejected with an
 * {@link IllegalArgumentException} naming it. Generated output is always a subset of what the schema
 * accepts: object properties come in declaration order and extra properties are never generated (so
 * additionalProperties true and false behave alike), enum/const values are produced in compact form,
 * numbers have at most {@value JsonMatcher#MAX_INTEGER_DIGITS} integer and
 * {@value JsonMatcher#MAX_FRACTION_DIGITS} fraction digits, and at most {@value JsonMatcher#MAX_WHITESPACE}
 * whitespace bytes may separate two tokens of JSON.
 */
public final class JsonSchemaGrammar {
    private JsonSchemaGrammar() {
    }

    /** Compiles a JSON schema; throws IllegalArgumentException for invalid JSON or unsupported keywords. */
    public static JsonConstraint compile(String schemaJson) {
        return new JsonConstraint(SchemaCompiler.compileSchema(SchemaJson.parse(schemaJson)));
    }

    /** Any JSON object (OpenAI response_format {@code {"type": "json_object"}}). */
    public static JsonConstraint anyObject() {
        return new JsonConstraint(SchemaCompiler.anyObject());
    }
}
