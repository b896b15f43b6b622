package dev.basalt.platform.chat;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.filter.Filter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Filters whose Jinjava versions differ from what Hugging Face templates were written against. */
enum PythonFilters implements Filter {

    /** transformers' tojson: json.dumps(x, ensure_ascii=False, indent=indent), no HTML escaping, keys unsorted. */
    TOJSON("tojson") {
        @Override
        public Object filter(Object value, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs) {
            Object indent = kwargs.containsKey("indent") ? kwargs.get("indent") : (args.length > 0 ? args[0] : null);
            return PythonJson.dumps(value, indent instanceof Number n ? n.intValue() : null);
        }
    },

    /** Python's str(): Mistral prints tool results with {@code content|string}; a dict must read {'k': 'v'}. */
    STRING("string") {
        @Override
        public Object filter(Object value, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs) {
            return value instanceof CharSequence s ? s.toString() : repr(value);
        }
    },

    /** {@code x|__pyslice(start, stop, step)}: Python's x[start:stop:step], which Jinjava cannot parse. */
    SLICE(TemplateSourceRewriter.SLICE_FILTER) {
        @Override
        public Object filter(Object value, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs) {
            List<?> items = value instanceof CharSequence s ? s.codePoints().mapToObj(Character::toString).toList()
                    : value instanceof Iterable<?> it ? toList(it) : null;
            if (items == null) {
                throw new IllegalArgumentException("cannot slice " + (value == null ? "none" : "this value"));
            }
            List<Object> out = slice(items, integer(args, 0), integer(args, 1), integer(args, 2));
            return value instanceof CharSequence ? String.join("", out.stream().map(String::valueOf).toList()) : out;
        }
    };

    private final String name;

    PythonFilters(String name) {
        this.name = name;
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public Object filter(Object value, JinjavaInterpreter interpreter, String... args) {
        return filter(value, interpreter, (Object[]) args, Map.of());
    }

    /** Python's repr() of template values: None, True, 'text', [..], {'k': v}. */
    static String repr(Object value) {
        return switch (value) {
            case null -> "None";
            case Boolean b -> b ? "True" : "False";
            case Double d -> PythonJson.floatRepr(d);
            case Float f -> PythonJson.floatRepr(f);
            case CharSequence s -> quote(s.toString());
            case Map<?, ?> map -> {
                StringBuilder out = new StringBuilder("{");
                map.forEach((k, v) -> out.append(out.length() > 1 ? ", " : "").append(repr(k)).append(": ").append(repr(v)));
                yield out.append('}').toString();
            }
            case Iterable<?> items -> {
                StringBuilder out = new StringBuilder("[");
                items.forEach(v -> out.append(out.length() > 1 ? ", " : "").append(repr(v)));
                yield out.append(']').toString();
            }
            default -> value.toString();
        };
    }

    /** Single quotes unless the text has a single quote and no double quote, as Python chooses. */
    private static String quote(String s) {
        char q = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
        StringBuilder out = new StringBuilder().append(q);
        for (char c : s.toCharArray()) {
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> out.append(c == q ? "\\" + c : String.valueOf(c));
            }
        }
        return out.append(q).toString();
    }

    private static List<?> toList(Iterable<?> iterable) {
        List<Object> out = new ArrayList<>();
        iterable.forEach(out::add);
        return out;
    }

    private static Integer integer(Object[] args, int index) {
        if (index >= args.length || args[index] == null) {
            return null;
        }
        if (args[index] instanceof Number n) {
            return n.intValue();
        }
        throw new IllegalArgumentException("slice bounds must be integers, not " + Arrays.toString(args));
    }

    /** Python slice semantics, including negative bounds and steps. */
    static List<Object> slice(List<?> items, Integer start, Integer stop, Integer step) {
        int size = items.size();
        int by = step == null ? 1 : step;
        if (by == 0) {
            throw new IllegalArgumentException("slice step cannot be zero");
        }
        List<Object> out = new ArrayList<>();
        if (by > 0) {
            int from = bound(start, size, 0, 0, size);
            int to = bound(stop, size, size, 0, size);
            for (int i = from; i < to; i += by) {
                out.add(items.get(i));
            }
        } else {
            int from = bound(start, size, size - 1, -1, size - 1);
            int to = bound(stop, size, -1, -1, size - 1);
            for (int i = from; i > to; i += by) {
                out.add(items.get(i));
            }
        }
        return out;
    }

    private static int bound(Integer value, int size, int absent, int lowest, int highest) {
        if (value == null) {
            return absent;
        }
        int v = value < 0 ? value + size : value;
        return Math.max(lowest, Math.min(highest, v));
    }
}
