package dev.basalt.platform.config;

import java.util.Map;

/**
 * The effective configuration of one Basalt process: defaults, then {@code DIR/basalt.yaml}, then
 * {@code BASALT_*} environment variables, then command-line flags (see {@link ConfigLoader}). Each section
 * is a record; a record component is a key ({@code server.port} ↔ {@code BASALT_SERVER_PORT}). {@code providers}
 * holds named records ({@code providers.vllm.url} ↔ {@code BASALT_PROVIDERS_VLLM_URL}).
 */
public record BasaltConfig(ServerConfig server, InferenceConfig inference, HubConfig hub, ModelsConfig models,
                           StorageConfig storage, Map<String, ProviderConfig> providers) {
    public BasaltConfig {
        providers = Map.copyOf(providers);
    }

    public static BasaltConfig defaults() {
        return new BasaltConfig(ServerConfig.defaults(), InferenceConfig.defaults(), HubConfig.defaults(),
                ModelsConfig.defaults(), StorageConfig.defaults(), Map.of());
    }
}
