package dev.basalt.platform.providers;

import dev.basalt.platform.config.ConfigException;
import dev.basalt.platform.config.ProviderConfig;
import dev.basalt.platform.errors.BasaltException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The configured remote providers, and the catalog ids of their models: a model {@code M} of a provider whose
 * {@code modelPrefix} is {@code P} is the catalog model {@code P + M}.
 */
public final class Providers implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Providers.class);

    /** Where a catalog model id is served: the provider and the upstream's own id. */
    public record Route(ModelProvider provider, String upstreamModelId) {}

    private record Entry(String prefix, ModelProvider provider) {}

    private final List<Entry> entries; // longest prefix first

    private Providers(List<Entry> entries) {
        List<Entry> list = new ArrayList<>(entries);
        list.sort(Comparator.comparingInt((Entry e) -> e.prefix().length()).reversed());
        this.entries = List.copyOf(list);
    }

    /**
     * Builds a provider of the configured kind for each entry of {@code providers.*}. No two providers may share a
     * model prefix (a catalog id would be ambiguous).
     */
    public static Providers fromConfig(Map<String, ProviderConfig> configs, Clock clock) {
        Map<String, String> byPrefix = new LinkedHashMap<>();
        configs.forEach((name, config) -> {
            String other = byPrefix.putIfAbsent(config.modelPrefix(), name);
            if (other != null) {
                throw new ConfigException("the providers " + other + " and " + name + " have the same modelPrefix '"
                        + config.modelPrefix() + "'; give each provider its own prefix");
            }
        });
        List<Entry> entries = new ArrayList<>();
        configs.forEach((name, config) -> entries.add(new Entry(config.modelPrefix(), switch (config.kind()) {
            case ProviderConfig.OPENAI -> new OpenAiCompatibleProvider(name, config, clock);
            case ProviderConfig.BEDROCK -> new BedrockProvider(name, config, clock);
            default -> throw new IllegalStateException("unknown provider kind " + config.kind());
        })));
        return new Providers(entries);
    }

    public List<ModelProvider> providers() {
        return entries.stream().map(Entry::provider).toList();
    }

    /**
     * Every reachable provider's models by catalog id. A provider that cannot list its models is left out (and
     * logged): one upstream being down must not hide the others.
     */
    public Map<String, Route> models() {
        Map<String, Route> models = new LinkedHashMap<>();
        for (Entry e : entries) {
            try {
                e.provider().models().forEach(id -> models.putIfAbsent(e.prefix() + id, new Route(e.provider(), id)));
            } catch (BasaltException failure) {
                LOG.warn("model provider {}: cannot list its models: {}", e.provider().name(), failure.getMessage());
            }
        }
        return models;
    }

    /**
     * The provider serving a catalog model id: the longest prefix whose provider lists the rest of the id. When a
     * provider with a non-empty matching prefix cannot list its models, the id is routed to it all the same, so the
     * caller gets the upstream's failure rather than "model not found".
     */
    public Optional<Route> resolve(String catalogModelId) {
        for (Entry e : entries) {
            if (!catalogModelId.startsWith(e.prefix()) || catalogModelId.length() == e.prefix().length()) {
                continue;
            }
            String upstreamId = catalogModelId.substring(e.prefix().length());
            try {
                if (e.provider().models().contains(upstreamId)) {
                    return Optional.of(new Route(e.provider(), upstreamId));
                }
            } catch (BasaltException unreachable) {
                if (!e.prefix().isEmpty()) {
                    return Optional.of(new Route(e.provider(), upstreamId));
                }
            }
        }
        return Optional.empty();
    }

    @Override
    public void close() {
        entries.forEach(e -> e.provider().close());
    }
}
