package dev.basalt.platform.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The named {@code providers.<name>.<key>} section: file, environment, flags, defaults, errors and redaction. */
class ProviderConfigTest {
    @TempDir
    Path dir;

    private Path yaml(String text) throws IOException {
        return Files.writeString(dir.resolve("basalt.yaml"), text);
    }

    private static final String TWO_PROVIDERS = """
            providers:
              vllm: {kind: openai, url: "http://10.0.0.5:8000/v1", apiKey: sk-secret, modelPrefix: "vllm.", timeout: 60s, maxConcurrency: 4}
              aws:
                kind: bedrock
                url: https://bedrock-runtime.us-east-1.amazonaws.com
                region: us-east-1
                accessKeyId: AKIDEXAMPLE
                secretAccessKey: wJalrXUtnFEMI
                modelPrefix: "aws."
            """;

    @Test
    void providersComeFromTheFileWithDefaultsForOptionalKeys() throws IOException {
        BasaltConfig config = ConfigLoader.load(yaml(TWO_PROVIDERS), Map.of(), Map.of());
        assertThat(config.providers()).containsOnlyKeys("vllm", "aws");
        ProviderConfig vllm = config.providers().get("vllm");
        assertThat(vllm.kind()).isEqualTo("openai");
        assertThat(vllm.url()).isEqualTo(URI.create("http://10.0.0.5:8000/v1"));
        assertThat(vllm.apiKey()).isEqualTo("sk-secret");
        assertThat(vllm.modelPrefix()).isEqualTo("vllm.");
        assertThat(vllm.timeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(vllm.maxConcurrency()).isEqualTo(4);
        assertThat(vllm.maxRetries()).isEqualTo(2); // default
        assertThat(vllm.readTimeout()).isEqualTo(Duration.ofMinutes(1)); // default
        ProviderConfig aws = config.providers().get("aws");
        assertThat(aws.kind()).isEqualTo("bedrock");
        assertThat(aws.secretAccessKey()).isEqualTo("wJalrXUtnFEMI");
        assertThat(BasaltConfig.defaults().providers()).isEmpty();
    }

    @Test
    void environmentAndFlagsOverrideAndAddProviders() throws IOException {
        Map<String, String> env = Map.of(
                "BASALT_PROVIDERS_VLLM_MODEL_PREFIX", "gpu.",
                "BASALT_PROVIDERS_VLLM_READ_TIMEOUT", "5s",
                "BASALT_PROVIDERS_LOCAL_LLAMA_KIND", "openai",
                "BASALT_PROVIDERS_LOCAL_LLAMA_URL", "http://127.0.0.1:8081/v1");
        BasaltConfig config = ConfigLoader.load(yaml(TWO_PROVIDERS), env, Map.of("providers.vllm.maxRetries", "0"));
        ProviderConfig vllm = config.providers().get("vllm");
        assertThat(vllm.modelPrefix()).isEqualTo("gpu.");
        assertThat(vllm.readTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(vllm.timeout()).isEqualTo(Duration.ofSeconds(60)); // from the file: READ_TIMEOUT is not TIMEOUT
        assertThat(vllm.maxRetries()).isZero();
        assertThat(config.providers().get("local_llama").url()).isEqualTo(URI.create("http://127.0.0.1:8081/v1"));
    }

    @Test
    void errorsNameTheKeyAndWhereItCameFrom() throws IOException {
        assertThatThrownBy(() -> ConfigLoader.load(yaml("providers:\n  vllm: {kind: openai, url: \"http://h/v1\", tmeout: 5s}\n"),
                Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown configuration key 'providers.vllm.tmeout'")
                .hasMessageContaining("providers.<name>.{kind, url, apiKey");
        assertThatThrownBy(() -> ConfigLoader.load(yaml("providers:\n  vllm: {kind: openai}\n"), Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("missing configuration key 'providers.vllm.url': every entry of 'providers' needs kind, url");
        assertThatThrownBy(() -> ConfigLoader.load(yaml("providers:\n  vllm: {kind: ollama, url: \"http://h/v1\"}\n"),
                Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("invalid configuration value for 'providers.vllm.kind' (from " + dir.resolve("basalt.yaml"))
                .hasMessageContaining("must be openai or bedrock, got ollama");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), Map.of("providers.aws.kind", "bedrock",
                "providers.aws.url", "https://bedrock-runtime.us-east-1.amazonaws.com")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'providers.aws.accessKeyId'").hasMessageContaining("needs an access key id");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("BASALT_PROVIDERS_VLLM_MAX_CONCURRENCY", "many",
                "BASALT_PROVIDERS_VLLM_KIND", "openai", "BASALT_PROVIDERS_VLLM_URL", "http://h/v1"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("invalid configuration value for 'providers.vllm.maxConcurrency' "
                        + "(from environment variable BASALT_PROVIDERS_VLLM_MAX_CONCURRENCY): 'many' is not an integer");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("BASALT_PROVIDERS_VLLM_COLOUR", "red"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown configuration environment variable BASALT_PROVIDERS_VLLM_COLOUR")
                .hasMessageContaining("BASALT_PROVIDERS_<NAME>_<KEY>");
        assertThatThrownBy(() -> ConfigLoader.load(yaml("providers:\n  My-Vllm: {kind: openai, url: \"http://h/v1\"}\n"),
                Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("invalid name 'My-Vllm'");
    }

    @Test
    void printedConfigurationRedactsSecrets() throws IOException {
        String printed = ConfigLoader.toYaml(ConfigLoader.load(yaml(TWO_PROVIDERS), Map.of(), Map.of()));
        assertThat(printed).doesNotContain("sk-secret").doesNotContain("wJalrXUtnFEMI")
                .contains("apiKey: <redacted>").contains("secretAccessKey: <redacted>")
                .contains("accessKeyId: AKIDEXAMPLE").contains("modelPrefix: vllm.");
        // What is printed (secrets aside) loads back to the same providers.
        Path reloaded = yaml(printed.replace("<redacted>", "x"));
        assertThat(ConfigLoader.load(reloaded, Map.of(), Map.of()).providers().get("vllm").timeout())
                .isEqualTo(Duration.ofMinutes(1));
    }
}
