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

class ConfigLoaderTest {
    @TempDir
    Path dir;

    private Path yaml(String text) throws IOException {
        return Files.writeString(dir.resolve("basalt.yaml"), text);
    }

    @Test
    void defaultsApplyWithoutFileEnvOrFlags() {
        BasaltConfig config = ConfigLoader.load(dir.resolve("missing.yaml"), Map.of(), Map.of());
        assertThat(config).isEqualTo(BasaltConfig.defaults());
        assertThat(config.server().host()).isEqualTo("127.0.0.1");
        assertThat(config.server().port()).isEqualTo(8080);
    }

    @Test
    void fileOverridesDefaultsEnvOverridesFileFlagsOverrideEnv() throws IOException {
        Path file = yaml("""
                server:
                  port: 9001
                  host: 0.0.0.0
                  drainTimeout: 5s
                  maxRequestBody: 4MiB
                """);
        BasaltConfig fromFile = ConfigLoader.load(file, Map.of(), Map.of());
        assertThat(fromFile.server()).isEqualTo(new ServerConfig("0.0.0.0", 9001, DataSize.parse("4MiB"), Duration.ofSeconds(5)));

        Map<String, String> env = Map.of("BASALT_SERVER_PORT", "9002", "BASALT_SERVER_DRAIN_TIMEOUT", "1m",
                "PATH", "/usr/bin", "BASALT_API_KEY", "not-a-config-key");
        BasaltConfig fromEnv = ConfigLoader.load(file, env, Map.of());
        assertThat(fromEnv.server().port()).isEqualTo(9002);
        assertThat(fromEnv.server().drainTimeout()).isEqualTo(Duration.ofMinutes(1));
        assertThat(fromEnv.server().host()).isEqualTo("0.0.0.0"); // file value kept where env is silent

        BasaltConfig fromFlags = ConfigLoader.load(file, env, Map.of("server.port", "9003"));
        assertThat(fromFlags.server().port()).isEqualTo(9003);
        assertThat(fromFlags.server().drainTimeout()).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void unknownKeyInFileIsRejectedNamingKeyAndFile() throws IOException {
        Path file = yaml("server:\n  prot: 9000\n");
        assertThatThrownBy(() -> ConfigLoader.load(file, Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'server.prot'")
                .hasMessageContaining(file.toString())
                .hasMessageContaining("server.port");
    }

    @Test
    void unknownTopLevelSectionIsRejected() throws IOException {
        Path file = yaml("servr:\n  port: 9000\n");
        assertThatThrownBy(() -> ConfigLoader.load(file, Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'servr.port'");
    }

    @Test
    void unknownBasaltEnvironmentVariableIsRejected() {
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("BASALT_SERVER_PROT", "1"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("BASALT_SERVER_PROT")
                .hasMessageContaining("BASALT_SERVER_PORT");
    }

    @Test
    void invalidValuesNameTheKeyAndTheSource() throws IOException {
        assertThatThrownBy(() -> ConfigLoader.load(yaml("server:\n  port: eighty\n"), Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'server.port'").hasMessageContaining("basalt.yaml")
                .hasMessageContaining("'eighty' is not an integer");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("BASALT_SERVER_PORT", "70000"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'server.port'").hasMessageContaining("BASALT_SERVER_PORT")
                .hasMessageContaining("between 0 and 65535");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), Map.of("server.drainTimeout", "30")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'server.drainTimeout'").hasMessageContaining("command line")
                .hasMessageContaining("needs a unit");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), Map.of("server.maxRequestBody", "12 parsecs")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'server.maxRequestBody'");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), Map.of("server.maxRequestBody", "10")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("at least 1KiB");
    }

    @Test
    void malformedOrMisshapenFilesAreRejected() throws IOException {
        assertThatThrownBy(() -> ConfigLoader.load(yaml("server: [unclosed\n"), Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("cannot parse");
        assertThatThrownBy(() -> ConfigLoader.load(yaml("- a\n- b\n"), Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("must hold a mapping");
        assertThatThrownBy(() -> ConfigLoader.load(yaml("server:\n  port:\n"), Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'server.port'").hasMessageContaining("no value");
        assertThatThrownBy(() -> ConfigLoader.load(yaml("server:\n  host: [a, b]\n"), Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("must not be a list");
        assertThat(ConfigLoader.load(yaml(""), Map.of(), Map.of())).isEqualTo(BasaltConfig.defaults());
    }

    @Test
    void unknownFlagKeyIsRejected() {
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), Map.of("server.nope", "1")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'server.nope'");
    }

    @Test
    void printedYamlLoadsBackToTheSameConfig() throws IOException {
        BasaltConfig config = ConfigLoader.load(null, Map.of(),
                Map.of("server.port", "1234", "server.drainTimeout", "1500ms", "server.maxRequestBody", "3MB"));
        String printed = ConfigLoader.toYaml(config);
        assertThat(printed).contains("port: 1234").contains("drainTimeout: 1500ms");
        assertThat(ConfigLoader.load(yaml(printed), Map.of(), Map.of())).isEqualTo(config);
    }

    @Test
    void hubUrlComesFromFileEnvironmentOrFlagAndMustBeHttp() throws IOException {
        assertThat(BasaltConfig.defaults().hub().url()).isEqualTo(URI.create("https://huggingface.co"));
        Path file = yaml("hub:\n  url: https://mirror.example/hf\n");
        assertThat(ConfigLoader.load(file, Map.of(), Map.of()).hub().url()).isEqualTo(URI.create("https://mirror.example/hf"));
        assertThat(ConfigLoader.load(file, Map.of("BASALT_HUB_URL", "http://127.0.0.1:9"), Map.of()).hub().url())
                .isEqualTo(URI.create("http://127.0.0.1:9"));
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), Map.of("hub.url", "ftp://mirror.example")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("invalid configuration value for 'hub.url' (from command line): must be an http:// or https:// URL with a host, got ftp://mirror.example");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("BASALT_HUB_URL", "http://bad host"), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'hub.url' (from environment variable BASALT_HUB_URL)")
                .hasMessageContaining("is not a URL");
    }

    @Test
    void theS3StoreIsConfiguredByFileOrEnvironmentAndItsSecretIsRedacted() throws IOException {
        assertThat(BasaltConfig.defaults().storage().s3().configured()).isFalse();
        Path file = yaml("storage:\n  s3:\n    endpoint: http://127.0.0.1:9000\n    accessKeyId: AKID\n"
                + "    secretAccessKey: s3cr3t\n    pathStyle: false\n");
        S3StoreConfig s3 = ConfigLoader.load(file, Map.of("BASALT_STORAGE_S3_REGION", "eu-west-1"), Map.of()).storage().s3();
        assertThat(s3).isEqualTo(new S3StoreConfig(URI.create("http://127.0.0.1:9000"), "eu-west-1", "AKID", "s3cr3t", false));
        assertThat(s3.configured()).isTrue();
        BasaltConfig config = ConfigLoader.load(file, Map.of(), Map.of());
        String printed = ConfigLoader.toYaml(config);
        assertThat(printed).contains("accessKeyId: AKID").contains("secretAccessKey: <redacted>").doesNotContain("s3cr3t");
        assertThat(ConfigLoader.load(yaml(ConfigLoader.toYaml(BasaltConfig.defaults())), Map.of(), Map.of()))
                .isEqualTo(BasaltConfig.defaults());

        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), Map.of("storage.s3.endpoint", "s3.example.com")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'storage.s3.endpoint' (from command line): must be empty or an http:// or https:// URL");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("BASALT_STORAGE_S3_ACCESS_KEY_ID", "AKID"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'storage.s3.accessKeyId'").hasMessageContaining("or neither");
    }

    @Test
    void environmentNamesFollowTheKeys() {
        assertThat(ConfigSchema.envName("server.maxRequestBody")).isEqualTo("BASALT_SERVER_MAX_REQUEST_BODY");
        assertThat(ConfigSchema.envName("server.port")).isEqualTo("BASALT_SERVER_PORT");
    }

    @Test
    void sizesAndDurationsParse() {
        assertThat(DataSize.parse("512").bytes()).isEqualTo(512);
        assertThat(DataSize.parse("64KiB").bytes()).isEqualTo(65_536);
        assertThat(DataSize.parse("10MB").bytes()).isEqualTo(10_000_000);
        assertThat(DataSize.parse("1gib").bytes()).isEqualTo(1L << 30);
        assertThat(DataSize.parse("3MB").toString()).isEqualTo("3000000B");
        assertThat(DataSize.parse("32MiB").toString()).isEqualTo("32MiB");
        assertThatThrownBy(() -> DataSize.parse("99999999999TiB")).hasMessageContaining("too large");
        assertThat(Durations.parse("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(Durations.parse("2h")).isEqualTo(Duration.ofHours(2));
        assertThat(Durations.parse("PT45S")).isEqualTo(Duration.ofSeconds(45));
        assertThat(Durations.format(Duration.ofMinutes(5))).isEqualTo("5m");
        assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThatThrownBy(() -> Durations.parse("soon")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void dataDirectoryPrecedenceIsFlagThenEnvThenHome() {
        assertThat(DataDirectory.resolve(Path.of("/srv/b"), Map.of("BASALT_DATA", "/env"))).isEqualTo(Path.of("/srv/b"));
        assertThat(DataDirectory.resolve(null, Map.of("BASALT_DATA", "/env"))).isEqualTo(Path.of("/env"));
        assertThat(DataDirectory.resolve(null, Map.of())).isEqualTo(Path.of(System.getProperty("user.home"), ".basalt"));
    }
}
