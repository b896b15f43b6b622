package dev.basalt.platform.config;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Maps the configuration records to flat keys ({@code server.port}) and back, by reflection over the record
 * components, so that adding a component to a config record is all it takes to add a key to the YAML file,
 * the environment and {@code --print-config}.
 */
final class ConfigSchema {
    private ConfigSchema() {}

    /** Every leaf key of {@code type} with its Java type, in declaration order. */
    static Map<String, Class<?>> keys(Class<? extends Record> type) {
        Map<String, Class<?>> keys = new LinkedHashMap<>();
        collectKeys(type, "", keys);
        return keys;
    }

    private static void collectKeys(Class<?> type, String prefix, Map<String, Class<?>> keys) {
        for (RecordComponent c : type.getRecordComponents()) {
            if (c.getType().isRecord() && c.getType() != DataSize.class) {
                collectKeys(c.getType(), prefix + c.getName() + ".", keys);
            } else {
                keys.put(prefix + c.getName(), c.getType());
            }
        }
    }

    /** The environment variable for a key: {@code server.maxRequestBody} → {@code BASALT_SERVER_MAX_REQUEST_BODY}. */
    static String envName(String key) {
        return "BASALT_" + key.replace('.', '_').replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
    }

    /** Leaf values of a config record as the strings a user would write. */
    static Map<String, String> flatten(Record value) {
        Map<String, String> values = new LinkedHashMap<>();
        collectValues(value, "", values);
        return values;
    }

    private static void collectValues(Record record, String prefix, Map<String, String> values) {
        for (RecordComponent c : record.getClass().getRecordComponents()) {
            Object v = read(c, record);
            if (v instanceof Record nested && !(v instanceof DataSize)) {
                collectValues(nested, prefix + c.getName() + ".", values);
            } else {
                values.put(prefix + c.getName(), v instanceof Duration d ? Durations.format(d) : String.valueOf(v));
            }
        }
    }

    private static Object read(RecordComponent c, Record record) {
        try {
            return c.getAccessor().invoke(record);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Builds a record of {@code type} from string values (every key present). A value that does not parse
     * or that the record rejects fails with the key and the source it came from.
     */
    static <T> T bind(Class<T> type, String prefix, Map<String, String> values, Map<String, String> sources) {
        RecordComponent[] components = type.getRecordComponents();
        Object[] args = new Object[components.length];
        Class<?>[] types = new Class<?>[components.length];
        for (int i = 0; i < components.length; i++) {
            RecordComponent c = components[i];
            String key = prefix + c.getName();
            types[i] = c.getType();
            if (c.getType().isRecord() && c.getType() != DataSize.class) {
                args[i] = bind(c.getType(), key + ".", values, sources);
            } else {
                try {
                    args[i] = parse(c.getType(), values.get(key));
                } catch (IllegalArgumentException e) {
                    throw invalid(key, sources, e.getMessage());
                }
            }
        }
        try {
            Constructor<T> constructor = type.getDeclaredConstructor(types);
            return constructor.newInstance(args);
        } catch (InvocationTargetException e) {
            // Record constructors report "component: problem"; name the full key and where its value came from.
            String message = String.valueOf(e.getCause().getMessage());
            int colon = message.indexOf(':');
            String key = colon > 0 ? prefix + message.substring(0, colon) : prefix.replaceAll("\\.$", "");
            throw invalid(key, sources, colon > 0 ? message.substring(colon + 1).strip() : message);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("config record " + type.getName() + " cannot be built", e);
        }
    }

    private static ConfigException invalid(String key, Map<String, String> sources, String problem) {
        String source = sources.get(key);
        return new ConfigException("invalid configuration value for '" + key + "'"
                + (source == null ? "" : " (from " + source + ")") + ": " + problem);
    }

    private static Object parse(Class<?> type, String text) {
        if (type == String.class) {
            return text;
        } else if (type == int.class) {
            return parseNumber(text, Integer::parseInt, "an integer");
        } else if (type == long.class) {
            return parseNumber(text, Long::parseLong, "an integer");
        } else if (type == boolean.class) {
            return switch (text.strip().toLowerCase(Locale.ROOT)) {
                case "true" -> true;
                case "false" -> false;
                default -> throw new IllegalArgumentException("'" + text + "' is not true or false");
            };
        } else if (type == Duration.class) {
            return Durations.parse(text);
        } else if (type == DataSize.class) {
            return DataSize.parse(text);
        } else if (type == Path.class) {
            return Path.of(text);
        } else if (type == URI.class) {
            try {
                return new URI(text.strip());
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("'" + text + "' is not a URL: " + e.getReason());
            }
        }
        throw new IllegalStateException("unsupported config type " + type);
    }

    private static <N> N parseNumber(String text, java.util.function.Function<String, N> parser, String what) {
        try {
            return parser.apply(text.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not " + what);
        }
    }
}
