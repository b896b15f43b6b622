package dev.basalt.api.providers;

import dev.basalt.platform.config.ConfigLoader;
import dev.basalt.platform.config.ProviderConfig;
import dev.basalt.testkit.server.TestServer;
import java.util.LinkedHashMap;
import java.util.Map;

/** Provider configurations pointing at a Basalt test server, built through the configuration loader as a user's would be. */
final class UpstreamConfigs {
    private UpstreamConfigs() {}

    /** Basalt's OpenAI API ({@code /v1}) with its API key. */
    static ProviderConfig openAi(TestServer upstream, Map<String, String> settings) {
        Map<String, String> keys = new LinkedHashMap<>();
        keys.put("kind", "openai");
        keys.put("url", upstream.uri() + "/v1");
        keys.put("apiKey", upstream.apiKey());
        keys.putAll(settings);
        return load(keys);
    }

    /** Basalt's Bedrock API with its root access key pair (SigV4). */
    static ProviderConfig bedrock(TestServer upstream, Map<String, String> settings) {
        Map<String, String> keys = new LinkedHashMap<>();
        keys.put("kind", "bedrock");
        keys.put("url", upstream.uri().toString());
        keys.put("region", "us-east-1");
        keys.put("accessKeyId", upstream.accessKeyId());
        keys.put("secretAccessKey", upstream.secretAccessKey());
        keys.putAll(settings);
        return load(keys);
    }

    private static ProviderConfig load(Map<String, String> keys) {
        Map<String, String> overrides = new LinkedHashMap<>();
        keys.forEach((key, value) -> overrides.put("providers.upstream." + key, value));
        return ConfigLoader.load(null, Map.of(), overrides).providers().get("upstream");
    }
}
