package dev.basalt.platform.providers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.basalt.engine.sampling.SamplingParams;
import dev.basalt.platform.chat.ChatMessage;
import dev.basalt.platform.config.ConfigLoader;
import dev.basalt.platform.config.ProviderConfig;
import dev.basalt.platform.errors.DependencyFailedException;
import dev.basalt.platform.errors.ServiceUnavailableException;
import dev.basalt.platform.errors.ValidationException;
import dev.basalt.platform.runtime.ConverseRequest;
import dev.basalt.platform.runtime.ResponseFormat;
import dev.basalt.platform.runtime.ToolChoice;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The Bedrock provider's failure handling against a fake endpoint; the happy path runs against Basalt in the api ITs. */
class BedrockProviderTest {
    private static final ConverseRequest HELLO = new ConverseRequest(List.of(ChatMessage.user("Hello")),
            SamplingParams.builder().temperature(0).maxTokens(20).build());

    private static ProviderConfig config(URI url) {
        Map<String, String> overrides = new LinkedHashMap<>();
        overrides.put("providers.aws.connectTimeout", "2s");
        overrides.put("providers.aws.kind", "bedrock");
        overrides.put("providers.aws.url", url.toString());
        overrides.put("providers.aws.accessKeyId", "AKIDEXAMPLE");
        overrides.put("providers.aws.secretAccessKey", "secret");
        overrides.put("providers.aws.retryBackoff", "10ms");
        return ConfigLoader.load(null, Map.of(), overrides).providers().get("aws");
    }

    /** An endpoint answering every request with {@code status} and a Bedrock error body, counting requests. */
    private static HttpServer endpoint(int status, String errorType, String message, AtomicInteger requests)
            throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            byte[] body = ("{\"message\":\"" + message + "\"}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.getResponseHeaders().set("x-amzn-ErrorType", errorType);
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        return server;
    }

    private static URI url(HttpServer server) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    @Test
    void serviceUnavailableIsRetriedThenSurfacedWithTheEndpointsMessage() throws Exception {
        AtomicInteger requests = new AtomicInteger();
        HttpServer server = endpoint(503, "ServiceUnavailableException", "try later", requests);
        try (BedrockProvider provider = new BedrockProvider("aws", config(url(server)), Clock.systemUTC())) {
            assertThatThrownBy(() -> provider.converse("m1", HELLO))
                    .isInstanceOf(ServiceUnavailableException.class).hasMessageContaining("try later");
            assertThat(requests.get()).isEqualTo(3);
        } finally {
            server.stop(0);
        }
    }

    @Test
    void validationErrorsKeepTheEndpointsMessageAndAreNotRetried() throws Exception {
        AtomicInteger requests = new AtomicInteger();
        HttpServer server = endpoint(400, "ValidationException", "maxTokens is too large", requests);
        try (BedrockProvider provider = new BedrockProvider("aws", config(url(server)), Clock.systemUTC())) {
            assertThatThrownBy(() -> provider.converse("m1", HELLO))
                    .isInstanceOf(ValidationException.class).hasMessage("maxTokens is too large");
            assertThat(requests.get()).isEqualTo(1);
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aClosedPortFailsAsDependencyFailed() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        try (BedrockProvider provider = new BedrockProvider("aws", config(URI.create("http://127.0.0.1:" + port)),
                Clock.systemUTC())) {
            assertThatThrownBy(() -> provider.converse("m1", HELLO))
                    .isInstanceOf(DependencyFailedException.class).hasMessageContaining("cannot be reached");
            assertThatThrownBy(provider::models).isInstanceOf(DependencyFailedException.class);
        }
    }

    @Test
    void aResponseFormatIsRefusedRatherThanIgnored() {
        ConverseRequest json = new ConverseRequest(HELLO.messages(), HELLO.sampling(), List.of(), ToolChoice.AUTO,
                new ResponseFormat.JsonObject());
        try (BedrockProvider provider = new BedrockProvider("aws", config(URI.create("http://127.0.0.1:9")),
                Clock.systemUTC())) {
            assertThatThrownBy(() -> provider.converse("m1", json)).isInstanceOf(ValidationException.class)
                    .hasMessageContaining("response format");
        }
    }

    @Test
    void theModelListComesFromTheControlPlaneEndpointOfAnAwsRegion() {
        assertThat(BedrockProvider.controlEndpoint(URI.create("https://bedrock-runtime.eu-west-1.amazonaws.com")))
                .isEqualTo(URI.create("https://bedrock.eu-west-1.amazonaws.com"));
        assertThat(BedrockProvider.controlEndpoint(URI.create("http://10.0.0.7:8080")))
                .isEqualTo(URI.create("http://10.0.0.7:8080"));
    }
}
