package dev.basalt.platform.providers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.basalt.platform.config.ConfigException;
import dev.basalt.platform.config.ProviderConfig;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Catalog ids ({@code prefix + upstream id}) to providers. */
class ProvidersTest {
    @Test
    void catalogIdsMapToTheProviderAndItsUpstreamId() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        try (FakeUpstream upstream = new FakeUpstream(exchange -> FakeUpstream.send(exchange, 500, "{}"))) {
            Map<String, ProviderConfig> configs = new LinkedHashMap<>();
            configs.put("a", upstream.config(Map.of("modelPrefix", "a.")));
            configs.put("ab", upstream.config(Map.of("modelPrefix", "a.b.")));
            configs.put("down", FakeUpstream.config(URI.create("http://127.0.0.1:" + closedPort + "/v1"),
                    Map.of("modelPrefix", "down.", "maxRetries", "0")));
            try (Providers providers = Providers.fromConfig(configs, Clock.systemUTC())) {
                assertThat(providers.models().keySet()).containsExactlyInAnyOrder("a.b.m1", "a.b.m2", "a.m1", "a.m2");

                Providers.Route route = providers.resolve("a.b.m2").orElseThrow();
                assertThat(route.provider().name()).isEqualTo("ab");
                assertThat(route.upstreamModelId()).isEqualTo("m2");
                assertThat(providers.resolve("a.m1").orElseThrow().provider().name()).isEqualTo("a");
                assertThat(providers.resolve("a.m3")).isEmpty();
                assertThat(providers.resolve("basalt.tiny")).isEmpty();
                // An unreachable provider still gets its ids, so the caller sees why it cannot be served.
                assertThat(providers.resolve("down.m1").orElseThrow().provider().name()).isEqualTo("down");
            }
        }
    }

    @Test
    void twoProvidersWithOnePrefixAreRejected() throws Exception {
        try (FakeUpstream upstream = new FakeUpstream(exchange -> FakeUpstream.send(exchange, 500, "{}"))) {
            Map<String, ProviderConfig> configs = new LinkedHashMap<>();
            configs.put("one", upstream.config(Map.of("modelPrefix", "x.")));
            configs.put("two", upstream.config(Map.of("modelPrefix", "x.")));
            assertThatThrownBy(() -> Providers.fromConfig(configs, Clock.systemUTC()))
                    .isInstanceOf(ConfigException.class).hasMessageContaining("one and two have the same modelPrefix 'x.'");
        }
    }
}
