package dev.basalt.platform.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Loads the {@link BasaltConfig}: defaults, overridden by the YAML file, overridden by {@code BASALT_*}
 * environment variables, overridden by command-line flags. Unknown keys (in the file, in the environment
 * under the {@code BASALT_} prefix, or in flags) and invalid values stop the start with a message naming
 * the key and where it came from: a typo must never silently fall back to a default.
 */
public final class ConfigLoader {
    /** The configuration file's name inside the data directory. */
    public static final String FILE_NAME = "basalt.yaml";

    /** {@code BASALT_*} variables that are not configuration keys but are read elsewhere. */
    private static final Set<String> OTHER_ENV = Set.of(
            "BASALT_ACCESS_KEY_ID", "BASALT_SECRET_ACCESS_KEY", "BASALT_API_KEY", // root credentials
            "BASALT_DATA", // data directory
            "BASALT_REFERENCE_DATA", // test reference data
            "BASALT_JAVA_OPTS"); // JVM options for the launcher

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));

    private ConfigLoader() {}

    /**
     * @param file      the YAML file; a missing file means "no settings"
     * @param env       the process environment (only {@code BASALT_*} entries are read)
     * @param overrides flag values by key, e.g. {@code server.port → 9000}
     */
    public static BasaltConfig load(Path file, Map<String, String> env, Map<String, String> overrides) {
        Map<String, Class<?>> keys = ConfigSchema.keys(BasaltConfig.class);
        Map<String, String> values = new LinkedHashMap<>(ConfigSchema.flatten(BasaltConfig.defaults(), false));
        Map<String, String> sources = new LinkedHashMap<>();

        if (file != null && Files.exists(file)) {
            readFile(file).forEach((key, value) -> {
                if (!isKey(keys, key)) {
                    throw new ConfigException("unknown configuration key '" + key + "' in " + file
                            + "; known keys: " + knownKeys(keys));
                }
                values.put(key, value);
                sources.put(key, file.toString());
            });
        }

        Map<String, String> envKeys = new TreeMap<>();
        keys.keySet().forEach(key -> envKeys.put(ConfigSchema.envName(key), key));
        new TreeMap<>(env).forEach((name, value) -> {
            if (!name.startsWith("BASALT_") || OTHER_ENV.contains(name)) {
                return;
            }
            String key = envKeys.getOrDefault(name, ConfigSchema.namedKeyOfEnv(BasaltConfig.class, name));
            if (key == null || !isKey(keys, key)) {
                throw new ConfigException("unknown configuration environment variable " + name
                        + "; configuration variables: " + String.join(", ", envKeys.keySet())
                        + ", " + namedEnvPatterns()
                        + "; other Basalt variables: " + String.join(", ", new TreeSet<>(OTHER_ENV)));
            }
            values.put(key, value);
            sources.put(key, "environment variable " + name);
        });

        overrides.forEach((key, value) -> {
            if (!isKey(keys, key)) {
                throw new ConfigException("unknown configuration key '" + key + "'; known keys: " + knownKeys(keys));
            }
            values.put(key, value);
            sources.put(key, "command line");
        });

        return ConfigSchema.bind(BasaltConfig.class, "", values, sources);
    }

    private static boolean isKey(Map<String, Class<?>> keys, String key) {
        return keys.containsKey(key) || ConfigSchema.entryName(BasaltConfig.class, key) != null;
    }

    /** The flat keys, then each named section's keys as {@code providers.<name>.{kind, url, ...}}. */
    private static String knownKeys(Map<String, Class<?>> keys) {
        StringBuilder known = new StringBuilder(String.join(", ", keys.keySet()));
        ConfigSchema.namedSections(BasaltConfig.class).forEach((section, entry) -> known.append(", ").append(section)
                .append(".<name>.{").append(String.join(", ", ConfigSchema.keys(entry).keySet())).append('}'));
        return known.toString();
    }

    private static String namedEnvPatterns() {
        StringBuilder patterns = new StringBuilder();
        ConfigSchema.namedSections(BasaltConfig.class).forEach((section, entry) -> patterns
                .append(patterns.isEmpty() ? "" : ", ").append(ConfigSchema.envName(section)).append("_<NAME>_<KEY>"));
        return patterns.toString();
    }

    /** The configuration as YAML, as {@code basalt.yaml} would hold it, with secrets redacted. */
    public static String toYaml(BasaltConfig config) {
        Map<String, Object> root = new LinkedHashMap<>();
        ConfigSchema.flatten(config, true).forEach((key, value) -> {
            Map<String, Object> node = root;
            String[] parts = key.split("\\.");
            for (int i = 0; i < parts.length - 1; i++) {
                @SuppressWarnings("unchecked")
                Map<String, Object> child = (Map<String, Object>) node.computeIfAbsent(parts[i], k -> new LinkedHashMap<>());
                node = child;
            }
            node.put(parts[parts.length - 1], value);
        });
        try {
            return YAML.writeValueAsString(root);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The file's leaf values by dotted key. */
    private static Map<String, String> readFile(Path file) {
        JsonNode root;
        try {
            root = YAML.readTree(file.toFile());
        } catch (JacksonException e) {
            throw new ConfigException("cannot parse " + file + ": " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")"));
        } catch (IOException e) {
            throw new ConfigException("cannot read " + file + ": " + e.getMessage());
        }
        Map<String, String> values = new LinkedHashMap<>();
        if (root == null || root.isMissingNode() || root.isNull()) {
            return values; // an empty file
        }
        if (!root.isObject()) {
            throw new ConfigException(file + " must hold a mapping of keys (like 'server:'), not a " + root.getNodeType());
        }
        flatten(root, "", file, values);
        return values;
    }

    private static void flatten(JsonNode node, String prefix, Path file, Map<String, String> values) {
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            String key = prefix + field.getKey();
            JsonNode value = field.getValue();
            if (value.isObject()) {
                flatten(value, key + ".", file, values);
            } else if (value.isNull()) {
                throw new ConfigException("configuration key '" + key + "' in " + file + " has no value");
            } else if (value.isArray()) {
                throw new ConfigException("configuration key '" + key + "' in " + file + " must not be a list");
            } else {
                values.put(key, value.asText());
            }
        }
    }
}
