package dev.basalt.platform.config;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Maps the configuration records to flat keys ({@code server.port}) and back, by reflection over the record
 * components, so that adding a component to a config record is all it takes to add a key to the YAML file,
 * the environment and {@code --print-config}.
 *
 * <p>A top-level component of type {@code Map<String, R>} is a section of named records ({@code providers.<name>.<key>}).
 * {@code R} declares {@code public static final Map<String, String> DEFAULTS} with the values of its optional keys;
 * a key without a default is required for every named entry.
 */
final class ConfigSchema {
    /** Names of entries in a named section: they become part of environment variable names. */
    private static final Pattern ENTRY_NAME = Pattern.compile("[a-z][a-z0-9_]*");
    private static final String REDACTED = "<redacted>";

    private ConfigSchema() {}

    /** Every leaf key of {@code type} with its Java type, in declaration order. */
    static Map<String, Class<?>> keys(Class<? extends Record> type) {
        Map<String, Class<?>> keys = new LinkedHashMap<>();
        collectKeys(type, "", keys);
        return keys;
    }

    private static void collectKeys(Class<?> type, String prefix, Map<String, Class<?>> keys) {
        for (RecordComponent c : type.getRecordComponents()) {
            if (c.getType() == Map.class) {
                continue; // a named section, see namedSections
            } else if (c.getType().isRecord() && c.getType() != DataSize.class) {
                collectKeys(c.getType(), prefix + c.getName() + ".", keys);
            } else {
                keys.put(prefix + c.getName(), c.getType());
            }
        }
    }

    /** The named sections of {@code type} ({@code providers}) with the record type of their entries. */
    static Map<String, Class<? extends Record>> namedSections(Class<? extends Record> type) {
        Map<String, Class<? extends Record>> sections = new LinkedHashMap<>();
        for (RecordComponent c : type.getRecordComponents()) {
            if (c.getType() == Map.class) {
                Class<?> entry = (Class<?>) ((ParameterizedType) c.getGenericType()).getActualTypeArguments()[1];
                sections.put(c.getName(), entry.asSubclass(Record.class));
            }
        }
        return sections;
    }

    /**
     * The entry name of a key in a named section ({@code providers.vllm.url} → {@code vllm}), or null when the key
     * is not one: unknown section, unknown key of the entry. A malformed name is rejected.
     */
    static String entryName(Class<? extends Record> type, String key) {
        String[] parts = key.split("\\.", -1);
        if (parts.length != 3) {
            return null;
        }
        Class<? extends Record> entry = namedSections(type).get(parts[0]);
        if (entry == null || !keys(entry).containsKey(parts[2])) {
            return null;
        }
        if (!ENTRY_NAME.matcher(parts[1]).matches()) {
            throw new ConfigException("invalid name '" + parts[1] + "' in configuration key '" + key
                    + "': names are lowercase letters, digits and underscores, starting with a letter");
        }
        return parts[1];
    }

    /**
     * The key a {@code BASALT_*} variable sets in a named section ({@code BASALT_PROVIDERS_VLLM_MODEL_PREFIX} →
     * {@code providers.vllm.modelPrefix}), or null. The longest matching key wins, so {@code _READ_TIMEOUT} is
     * {@code readTimeout}, not {@code timeout} of an entry named {@code ..._read}.
     */
    static String namedKeyOfEnv(Class<? extends Record> type, String envName) {
        for (Map.Entry<String, Class<? extends Record>> section : namedSections(type).entrySet()) {
            String sectionPrefix = envName(section.getKey()) + "_";
            if (!envName.startsWith(sectionPrefix)) {
                continue;
            }
            String rest = envName.substring(sectionPrefix.length());
            String best = null;
            String bestSuffix = "";
            for (String component : keys(section.getValue()).keySet()) {
                String suffix = envName(component).substring("BASALT_".length());
                if (rest.endsWith("_" + suffix) && rest.length() > suffix.length() + 1 && suffix.length() > bestSuffix.length()) {
                    best = component;
                    bestSuffix = suffix;
                }
            }
            if (best != null) {
                String name = rest.substring(0, rest.length() - bestSuffix.length() - 1).toLowerCase(Locale.ROOT);
                return section.getKey() + "." + name + "." + best;
            }
        }
        return null;
    }

    /** The environment variable for a key: {@code server.maxRequestBody} → {@code BASALT_SERVER_MAX_REQUEST_BODY}. */
    static String envName(String key) {
        return "BASALT_" + key.replace('.', '_').replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
    }

    /**
     * Leaf values of a config record as the strings a user would write; with {@code redact}, non-empty
     * {@link Secret} values are replaced (for printing).
     */
    static Map<String, String> flatten(Record value, boolean redact) {
        Map<String, String> values = new LinkedHashMap<>();
        collectValues(value, "", values, redact);
        return values;
    }

    private static void collectValues(Record record, String prefix, Map<String, String> values, boolean redact) {
        for (RecordComponent c : record.getClass().getRecordComponents()) {
            Object v = read(c, record);
            if (v instanceof Map<?, ?> section) {
                new TreeMap<>(section).forEach((name, entry) ->
                        collectValues((Record) entry, prefix + c.getName() + "." + name + ".", values, redact));
            } else if (v instanceof Record nested && !(v instanceof DataSize)) {
                collectValues(nested, prefix + c.getName() + ".", values, redact);
            } else if (redact && c.isAnnotationPresent(Secret.class) && !String.valueOf(v).isEmpty()) {
                values.put(prefix + c.getName(), REDACTED);
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
            if (c.getType() == Map.class) {
                args[i] = bindSection(namedSections(type.asSubclass(Record.class)).get(c.getName()), key,
                        values, sources);
            } else if (c.getType().isRecord() && c.getType() != DataSize.class) {
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

    /** Binds every entry of a named section from its keys, the entry type's defaults filling the optional ones. */
    private static Map<String, Object> bindSection(Class<? extends Record> entry, String section,
                                                   Map<String, String> values, Map<String, String> sources) {
        Set<String> names = new LinkedHashSet<>();
        values.keySet().stream().filter(k -> k.startsWith(section + "."))
                .forEach(k -> names.add(k.substring(section.length() + 1, k.lastIndexOf('.'))));
        Map<String, String> defaults = defaultsOf(entry);
        Map<String, Object> bound = new TreeMap<>();
        for (String name : names) {
            String prefix = section + "." + name + ".";
            Map<String, String> entryValues = new LinkedHashMap<>();
            for (String component : keys(entry).keySet()) {
                String value = values.getOrDefault(prefix + component, defaults.get(component));
                if (value == null) {
                    throw new ConfigException("missing configuration key '" + prefix + component + "': every entry of '"
                            + section + "' needs " + String.join(", ", keys(entry).keySet().stream()
                            .filter(k -> !defaults.containsKey(k)).toList()));
                }
                entryValues.put(prefix + component, value);
            }
            bound.put(name, bind(entry, prefix, entryValues, sources));
        }
        return Collections.unmodifiableMap(bound);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> defaultsOf(Class<? extends Record> entry) {
        try {
            return (Map<String, String>) entry.getField("DEFAULTS").get(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(entry.getName() + " needs public static Map<String, String> DEFAULTS", e);
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
