package dev.basalt.engine.grammar;

import dev.basalt.engine.grammar.JsonGrammar.ArrayForm;
import dev.basalt.engine.grammar.JsonGrammar.NumberForm;
import dev.basalt.engine.grammar.JsonGrammar.ObjectForm;
import dev.basalt.engine.grammar.JsonGrammar.StringForm;
import dev.basalt.engine.grammar.JsonGrammar.Value;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.basalt.engine.grammar.JsonGrammar.NONE;

/** Turns a parsed JSON schema (the supported subset) into {@link JsonGrammar} node tables. */
final class SchemaCompiler {
    static final Set<String> SUPPORTED = Set.of("type", "properties", "required", "additionalProperties", "items",
            "minItems", "maxItems", "enum", "const", "anyOf", "minLength", "maxLength");
    /** Keywords that describe but do not constrain: accepted and ignored. */
    static final Set<String> ANNOTATIONS = Set.of("title", "description", "$schema", "$id", "$comment", "default",
            "examples");
    static final String SUPPORTED_LIST = "type (object, array, string, number, integer, boolean, null, or a list"
            + " of these), properties, required, additionalProperties (true/false), items, minItems, maxItems,"
            + " minLength, maxLength, enum, const, anyOf";
    private static final int MAX_SCHEMA_DEPTH = 24;

    private final List<Value> values = new ArrayList<>();
    private final List<ObjectForm> objects = new ArrayList<>();
    private final List<ArrayForm> arrays = new ArrayList<>();
    private final List<StringForm> strings = new ArrayList<>();
    private final List<NumberForm> numbers = new ArrayList<>();
    private final List<ByteTrie> literals = new ArrayList<>();
    private int anyValue = NONE;

    static JsonGrammar compileSchema(Object schema) {
        SchemaCompiler c = new SchemaCompiler();
        int root = c.value(schema, "#", 0);
        return c.build(root);
    }

    /** Response format "json_object": any JSON object at the top. */
    static JsonGrammar anyObject() {
        SchemaCompiler c = new SchemaCompiler();
        int any = c.any();
        int root = c.addValue(new Value(c.values.get(any).object(), NONE, NONE, NONE, NONE));
        return c.build(root);
    }

    private JsonGrammar build(int root) {
        return new JsonGrammar(values.toArray(Value[]::new), objects.toArray(ObjectForm[]::new),
                arrays.toArray(ArrayForm[]::new), strings.toArray(StringForm[]::new),
                numbers.toArray(NumberForm[]::new), literals.toArray(ByteTrie[]::new), root);
    }

    private static IllegalArgumentException error(String path, String message) {
        return new IllegalArgumentException("JSON schema at " + path + ": " + message);
    }

    private int addValue(Value v) {
        values.add(v);
        return values.size() - 1;
    }

    private static <T> int add(List<T> list, T item) {
        list.add(item);
        return list.size() - 1;
    }

    /** The recursive "any JSON value" node, built once. */
    private int any() {
        if (anyValue != NONE) {
            return anyValue;
        }
        anyValue = addValue(null); // placeholder: the array and object forms refer back to it
        int string = add(strings, new StringForm(0, Integer.MAX_VALUE));
        int object = add(objects, new ObjectForm(true, anyValue, string, new int[0], new ByteTrie[0],
                new boolean[] {false}));
        int array = add(arrays, new ArrayForm(anyValue, 0, Integer.MAX_VALUE));
        values.set(anyValue, new Value(object, array, string, add(numbers, new NumberForm(false)),
                literalTrie(List.of(Boolean.TRUE, Boolean.FALSE, SchemaJson.NULL))));
        return anyValue;
    }

    private int literalTrie(List<Object> literalValues) {
        ByteTrie trie = new ByteTrie();
        for (int i = 0; i < literalValues.size(); i++) {
            trie.insert(SchemaJson.compactBytes(literalValues.get(i)), i);
        }
        return add(literals, trie);
    }

    private int value(Object schema, String path, int depth) {
        if (depth > MAX_SCHEMA_DEPTH) {
            throw error(path, "nested deeper than " + MAX_SCHEMA_DEPTH + " levels");
        }
        if (Boolean.TRUE.equals(schema)) {
            return any();
        }
        if (!(schema instanceof Map<?, ?> raw)) {
            throw error(path, "a schema must be an object or true, got " + SchemaJson.typeOf(schema));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> s = (Map<String, Object>) raw;
        for (String key : s.keySet()) {
            if (!SUPPORTED.contains(key) && !ANNOTATIONS.contains(key)) {
                throw error(path, "unsupported keyword '" + key + "'; supported: " + SUPPORTED_LIST);
            }
        }
        List<String> types = types(s, path);
        if (s.containsKey("const") || s.containsKey("enum")) {
            return enumValue(s, types, path);
        }
        if (s.containsKey("anyOf")) {
            if (types != null) {
                throw error(path, "anyOf cannot be combined with type; put the types inside the anyOf branches");
            }
            return anyOf(s.get("anyOf"), path, depth);
        }
        if (types == null) {
            types = impliedTypes(s);
            if (types == null) {
                return any();
            }
        }
        int object = NONE;
        int array = NONE;
        int string = NONE;
        int number = NONE;
        List<Object> lits = new ArrayList<>();
        for (String type : types) {
            switch (type) {
                case "object" -> object = object(s, path, depth);
                case "array" -> array = array(s, path, depth);
                case "string" -> string = string(s, path);
                case "number", "integer" -> {
                    // one number form below: number when both are listed, since it includes integer
                }
                case "boolean" -> {
                    lits.add(Boolean.TRUE);
                    lits.add(Boolean.FALSE);
                }
                case "null" -> lits.add(SchemaJson.NULL);
                default -> throw error(path, "unknown type '" + type + "'");
            }
        }
        if (types.contains("number") || types.contains("integer")) {
            number = add(numbers, new NumberForm(!types.contains("number")));
        }
        return addValue(new Value(object, array, string, number, lits.isEmpty() ? NONE : literalTrie(lits)));
    }

    private static List<String> types(Map<String, Object> s, String path) {
        Object t = s.get("type");
        if (t == null) {
            return null;
        }
        List<String> out = new ArrayList<>();
        for (Object o : t instanceof List<?> l ? l : List.of(t)) {
            if (!(o instanceof String name)) {
                throw error(path, "type must be a string or a list of strings");
            }
            out.add(name);
        }
        if (out.isEmpty()) {
            throw error(path, "type must not be an empty list");
        }
        return out;
    }

    /** Without "type", the keywords say which type is meant (common in hand-written schemas). */
    private static List<String> impliedTypes(Map<String, Object> s) {
        if (s.containsKey("properties") || s.containsKey("required") || s.containsKey("additionalProperties")) {
            return List.of("object");
        }
        if (s.containsKey("items") || s.containsKey("minItems") || s.containsKey("maxItems")) {
            return List.of("array");
        }
        if (s.containsKey("minLength") || s.containsKey("maxLength")) {
            return List.of("string");
        }
        return null;
    }

    private int enumValue(Map<String, Object> s, List<String> types, String path) {
        List<Object> options = new ArrayList<>();
        if (s.containsKey("const")) {
            options.add(s.get("const"));
        }
        if (s.containsKey("enum")) {
            if (!(s.get("enum") instanceof List<?> l) || l.isEmpty()) {
                throw error(path, "enum must be a non-empty array");
            }
            options.addAll(l);
        }
        if (types != null) {
            options.removeIf(o -> !types.contains(SchemaJson.typeOf(o))
                    && !(types.contains("number") && SchemaJson.typeOf(o).equals("integer")));
            if (options.isEmpty()) {
                throw error(path, "no enum/const value has the declared type " + types);
            }
        }
        return addValue(new Value(NONE, NONE, NONE, NONE, literalTrie(new ArrayList<>(new LinkedHashSet<>(options)))));
    }

    private int anyOf(Object branches, String path, int depth) {
        if (!(branches instanceof List<?> list) || list.isEmpty()) {
            throw error(path, "anyOf must be a non-empty array of schemas");
        }
        int object = NONE;
        int array = NONE;
        int string = NONE;
        int number = NONE;
        List<byte[]> lits = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            String branchPath = path + "/anyOf/" + i;
            Value v = values.get(value(list.get(i), branchPath, depth + 1));
            object = merge(object, v.object(), "objects", branchPath);
            array = merge(array, v.array(), "arrays", branchPath);
            string = merge(string, v.string(), "strings", branchPath);
            if (v.number() != NONE) {
                // integer and number overlap: the wider form wins.
                number = number == NONE || numbers.get(number).integer() ? v.number() : number;
            }
            if (v.literals() != NONE) {
                collect(literals.get(v.literals()), ByteTrie.ROOT, new byte[0], lits);
            }
        }
        int literal = NONE;
        if (!lits.isEmpty()) {
            ByteTrie trie = new ByteTrie();
            for (int i = 0; i < lits.size(); i++) {
                trie.insert(lits.get(i), i);
            }
            literal = add(literals, trie);
            for (byte[] l : lits) {
                char first = (char) l[0];
                boolean clash = (first == '{' && object != NONE) || (first == '[' && array != NONE)
                        || (first == '"' && string != NONE) || ((first == '-' || Character.isDigit(first)) && number != NONE);
                if (clash) {
                    throw error(path, "anyOf mixes the literal " + new String(l, StandardCharsets.UTF_8)
                            + " with a free-form branch of the same type; only one branch per JSON type is supported");
                }
            }
        }
        return addValue(new Value(object, array, string, number, literal));
    }

    private static int merge(int current, int next, String what, String path) {
        if (next == NONE) {
            return current;
        }
        if (current != NONE) {
            throw error(path, "more than one anyOf branch accepts " + what + "; only one branch per JSON type is"
                    + " supported");
        }
        return next;
    }

    /** All byte strings of a literal trie (tries are small: enum values). */
    private static void collect(ByteTrie trie, int node, byte[] prefix, List<byte[]> out) {
        if (trie.value(node) >= 0) {
            out.add(prefix);
        }
        for (int c = trie.firstChild(node); c >= 0; c = trie.nextSibling(c)) {
            byte[] next = java.util.Arrays.copyOf(prefix, prefix.length + 1);
            next[prefix.length] = (byte) trie.label(c);
            collect(trie, c, next, out);
        }
    }

    private int object(Map<String, Object> s, String path, int depth) {
        Object props = s.get("properties");
        Object additional = s.getOrDefault("additionalProperties", Boolean.TRUE);
        if (!(additional instanceof Boolean)) {
            throw error(path, "additionalProperties must be true or false (schemas for extra properties are not"
                    + " supported)");
        }
        List<String> required = new ArrayList<>();
        if (s.containsKey("required")) {
            if (!(s.get("required") instanceof List<?> l)) {
                throw error(path, "required must be an array of property names");
            }
            for (Object o : l) {
                if (!(o instanceof String name)) {
                    throw error(path, "required must be an array of property names");
                }
                required.add(name);
            }
        }
        if (props == null && Boolean.TRUE.equals(additional)) {
            if (!required.isEmpty()) {
                throw error(path, "required names " + required + " but the object declares no properties");
            }
            return values.get(any()).object();
        }
        if (props != null && !(props instanceof Map<?, ?>)) {
            throw error(path, "properties must be an object");
        }
        Map<?, ?> declared = props == null ? Map.of() : (Map<?, ?>) props;
        for (String name : required) {
            if (!declared.containsKey(name)) {
                throw error(path, "required property '" + name + "' is not declared in properties");
            }
        }
        // Extra properties are never generated, so additionalProperties true and false compile alike.
        int n = declared.size();
        int[] propertyValues = new int[n];
        boolean[] isRequired = new boolean[n];
        byte[][] keys = new byte[n][];
        int i = 0;
        for (var e : declared.entrySet()) {
            String name = (String) e.getKey();
            propertyValues[i] = value(e.getValue(), path + "/properties/" + name, depth + 1);
            isRequired[i] = required.contains(name);
            StringBuilder quoted = new StringBuilder();
            SchemaJson.writeString(name, quoted);
            keys[i] = quoted.toString().getBytes(StandardCharsets.UTF_8);
            i++;
        }
        boolean[] requiredFrom = new boolean[n + 1];
        for (int p = n - 1; p >= 0; p--) {
            requiredFrom[p] = isRequired[p] || requiredFrom[p + 1];
        }
        ByteTrie[] keyTries = new ByteTrie[n + 1];
        for (int p = 0; p <= n; p++) {
            keyTries[p] = new ByteTrie();
            for (int k = p; k < n; k++) {
                keyTries[p].insert(keys[k], k);
                if (isRequired[k]) {
                    break;
                }
            }
        }
        return add(objects, new ObjectForm(false, NONE, NONE, propertyValues, keyTries, requiredFrom));
    }

    private int array(Map<String, Object> s, String path, int depth) {
        Object items = s.getOrDefault("items", Boolean.TRUE);
        if (items instanceof List<?>) {
            throw error(path, "tuple-style items (an array of schemas) are not supported");
        }
        int min = count(s, "minItems", 0, path);
        int max = count(s, "maxItems", Integer.MAX_VALUE, path);
        if (min > max) {
            throw error(path, "minItems " + min + " is greater than maxItems " + max);
        }
        return add(arrays, new ArrayForm(value(items, path + "/items", depth + 1), min, max));
    }

    private int string(Map<String, Object> s, String path) {
        int min = count(s, "minLength", 0, path);
        int max = count(s, "maxLength", Integer.MAX_VALUE, path);
        if (min > max) {
            throw error(path, "minLength " + min + " is greater than maxLength " + max);
        }
        return add(strings, new StringForm(min, max));
    }

    private static int count(Map<String, Object> s, String keyword, int absent, String path) {
        Object v = s.get(keyword);
        if (v == null) {
            return absent;
        }
        if (!(v instanceof SchemaJson.Num n) || !n.isInteger() || n.value().signum() < 0) {
            throw error(path, keyword + " must be a non-negative integer");
        }
        try {
            return n.value().intValueExact();
        } catch (ArithmeticException e) {
            throw error(path, keyword + " is too large");
        }
    }
}
