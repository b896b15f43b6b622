package dev.basalt.engine.grammar;

/**
 * A compiled JSON constraint (from a schema, or "any JSON object"). Immutable and thread-safe: compile once per
 * request format, then start one {@link ConstraintState} per generated sequence.
 */
public final class JsonConstraint {
    private final JsonGrammar grammar;

    JsonConstraint(JsonGrammar grammar) {
        this.grammar = grammar;
    }

    JsonGrammar grammar() {
        return grammar;
    }

    public ConstraintState newState(TokenTrie tokens) {
        if (tokens == null) {
            throw new IllegalArgumentException("tokens must not be null");
        }
        return new ConstraintState(grammar, tokens);
    }
}
