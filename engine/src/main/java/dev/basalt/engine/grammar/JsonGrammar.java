package dev.basalt.engine.grammar;

/**
 * A compiled schema: node tables the {@link JsonMatcher} walks. Nodes refer to each other by index so that the
 * "any JSON" grammar can be recursive. Immutable once built, shared by every sequence.
 *
 * <p>Every value position is a {@link Value}: a dispatch on the value's first byte to at most one object, array,
 * string and number form, plus a set of literal byte strings (enum, const, true/false/null). The compiler
 * guarantees that no two forms can start with the same byte, so the automaton is deterministic. Arrays rather
 * than lists because the matcher indexes them for every byte of every trial token; never modified.
 */
record JsonGrammar(Value[] values, ObjectForm[] objects, ArrayForm[] arrays, StringForm[] strings,
                   NumberForm[] numbers, ByteTrie[] literals, int root) {

    static final int NONE = -1;

    record Value(int object, int array, int string, int number, int literals) {
    }

    /**
     * Either declared properties generated in declaration order (required ones mandatory, optional ones
     * skippable), or any keys ({@code anyKeys}) whose values all follow {@code anyValue}.
     *
     * @param keyTries        per position p, the quoted keys that may come next: p up to the first required
     *                        property at or after p; the trie value is the property index
     * @param requiredFrom    per position p, whether a required property remains at or after p
     */
    record ObjectForm(boolean anyKeys, int anyValue, int anyKeyString, int[] propertyValues, ByteTrie[] keyTries,
                      boolean[] requiredFrom) {
        int propertyCount() {
            return propertyValues.length;
        }
    }

    record ArrayForm(int item, int minItems, int maxItems) {
    }

    record StringForm(int minLength, int maxLength) {
    }

    record NumberForm(boolean integer) {
    }
}
