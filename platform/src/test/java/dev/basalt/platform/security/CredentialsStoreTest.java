package dev.basalt.platform.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CredentialsStoreTest {
    @TempDir
    Path dir;

    @Test
    void firstStartGeneratesStrongCredentialsIntoAnOwnerOnlyFile() throws IOException {
        CredentialsStore.Loaded loaded = CredentialsStore.loadOrCreate(dir, Map.of());
        assertThat(loaded.source()).isEqualTo(CredentialsStore.Source.GENERATED);
        Path file = dir.resolve("credentials");
        assertThat(loaded.file()).isEqualTo(file);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");

        RootCredentials c = loaded.credentials();
        assertThat(c.accessKeyId()).startsWith("BSLT").hasSize(20);
        assertThat(c.secretAccessKey()).hasSize(40); // 30 random bytes
        assertThat(c.apiKey()).startsWith("bsk-").hasSizeGreaterThan(40); // 32 random bytes
        assertThat(Files.readString(file)).contains("[default]")
                .contains("aws_access_key_id = " + c.accessKeyId())
                .contains("aws_secret_access_key = " + c.secretAccessKey());
        assertThat(c.toString()).doesNotContain(c.secretAccessKey()).doesNotContain(c.apiKey());
    }

    @Test
    void credentialsAreStableAcrossRestarts() {
        RootCredentials first = CredentialsStore.loadOrCreate(dir, Map.of()).credentials();
        CredentialsStore.Loaded second = CredentialsStore.loadOrCreate(dir, Map.of());
        assertThat(second.credentials()).isEqualTo(first);
        assertThat(second.source()).isEqualTo(CredentialsStore.Source.FILE);
        assertThat(CredentialsStore.loadOrCreate(dir.resolve("other"), Map.of()).credentials()).isNotEqualTo(first);
    }

    @Test
    void environmentPresetsTheRootIdentityWithoutWritingSecrets() throws IOException {
        Map<String, String> env = Map.of("BASALT_ACCESS_KEY_ID", "AKIDEXAMPLE",
                "BASALT_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "BASALT_API_KEY", "bsk-preset");
        CredentialsStore.Loaded loaded = CredentialsStore.loadOrCreate(dir, env);
        assertThat(loaded.source()).isEqualTo(CredentialsStore.Source.ENVIRONMENT);
        assertThat(loaded.credentials()).isEqualTo(
                new RootCredentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "bsk-preset"));
        assertThat(dir.resolve("credentials")).doesNotExist();
    }

    @Test
    void environmentKeyPairWithGeneratedApiKey() {
        Map<String, String> env = Map.of("BASALT_ACCESS_KEY_ID", "AKID", "BASALT_SECRET_ACCESS_KEY", "secret");
        RootCredentials c = CredentialsStore.loadOrCreate(dir, env).credentials();
        assertThat(c.accessKeyId()).isEqualTo("AKID");
        assertThat(c.apiKey()).startsWith("bsk-");
        assertThat(CredentialsStore.loadOrCreate(dir, env).credentials().apiKey()).isEqualTo(c.apiKey());
    }

    @Test
    void halfAKeyPairIsRejected() {
        assertThatThrownBy(() -> CredentialsStore.loadOrCreate(dir, Map.of("BASALT_ACCESS_KEY_ID", "AKID")))
                .hasMessageContaining("BASALT_SECRET_ACCESS_KEY");
    }

    @Test
    void clientsReadTheApiKeyFromTheEnvironmentOrTheFileAndNeverCreateOne() {
        assertThat(CredentialsStore.apiKey(dir, Map.of())).isEmpty();
        assertThat(dir.resolve("credentials")).doesNotExist();
        String stored = CredentialsStore.loadOrCreate(dir, Map.of()).credentials().apiKey();
        assertThat(CredentialsStore.apiKey(dir, Map.of())).hasValue(stored);
        assertThat(CredentialsStore.apiKey(dir, Map.of("BASALT_API_KEY", "bsk-env"))).hasValue("bsk-env");
    }

    @Test
    void describeNeverGeneratesNorShowsSecrets() {
        assertThat(CredentialsStore.describe(dir, Map.of())).contains("generated on first start");
        assertThat(dir.resolve("credentials")).doesNotExist();
        RootCredentials c = CredentialsStore.loadOrCreate(dir, Map.of()).credentials();
        assertThat(CredentialsStore.describe(dir, Map.of())).contains(c.accessKeyId())
                .doesNotContain(c.secretAccessKey()).doesNotContain(c.apiKey());
    }
}
