package dev.basalt.api.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.basalt.api.auth.RootAuthenticator;
import dev.basalt.platform.config.DataSize;
import dev.basalt.platform.config.ServerConfig;
import dev.basalt.platform.errors.AccessDeniedException;
import dev.basalt.platform.errors.BasaltException;
import dev.basalt.platform.errors.ConflictException;
import dev.basalt.platform.errors.DependencyFailedException;
import dev.basalt.platform.errors.ModelNotReadyException;
import dev.basalt.platform.errors.NotFoundException;
import dev.basalt.platform.errors.OperationTimeoutException;
import dev.basalt.platform.errors.ServiceUnavailableException;
import dev.basalt.platform.errors.ThrottledException;
import dev.basalt.platform.errors.ValidationException;
import dev.basalt.platform.security.RootCredentials;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The server's shared behaviour, through test routes mounted the way capability routes are: JSON body
 * errors, the body limit, every platform error in both protocols' shapes, unexpected failures, drain.
 */
class ServerBehaviourIT {
    private static final Map<String, Supplier<BasaltException>> ERRORS = Map.of(
            "validation", () -> new ValidationException("bad field"),
            "notfound", () -> new NotFoundException("no such model"),
            "conflict", () -> new ConflictException("name taken"),
            "denied", () -> new AccessDeniedException("not allowed"),
            "throttled", () -> new ThrottledException("slow down", Duration.ofSeconds(7)),
            "dependency", () -> new DependencyFailedException("upstream failed"),
            "unavailable", () -> new ServiceUnavailableException("try later"),
            "notready", () -> new ModelNotReadyException("loading"),
            "timeout", () -> new OperationTimeoutException("too slow"));

    private static final RootCredentials CREDENTIALS = new RootCredentials("AKIDTEST", "secret", "bsk-test");
    private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final CountDownLatch slowStarted = new CountDownLatch(1);
    private static BasaltServer server;
    private static URI base;

    record Echo(String text, int n) {}

    private static final ApiRoutes testRoutes = routes -> {
        routes.post("/test/json", ctx -> ctx.json(JsonBody.read(ctx, Echo.class)));
        routes.get("/test/slow", ctx -> {
            slowStarted.countDown();
            Thread.sleep(1500);
            ctx.result("finished");
        });
        routes.get("/test/throw/{kind}", ctx -> {
            throw ERRORS.get(ctx.pathParam("kind")).get();
        });
        routes.get("/v1/test/throw/{kind}", ctx -> {
            throw ERRORS.get(ctx.pathParam("kind")).get();
        });
        routes.get("/test/bug", ctx -> {
            throw new IllegalStateException("secret internals at /srv/basalt");
        });
    };

    @BeforeAll
    static void start() {
        server = startServer();
        base = server.uri("127.0.0.1");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static BasaltServer startServer() {
        ServerConfig config = new ServerConfig("127.0.0.1", 0, DataSize.parse("4KiB"), Duration.ofSeconds(10));
        return BasaltServer.start(config, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), () -> true,
                new RootAuthenticator(CREDENTIALS, Clock.systemUTC()), List.of(testRoutes));
    }

    /** Sends with the root API key; the authentication itself is tested in {@code AuthenticationIT}. */
    private static HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(authenticated(request).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest.Builder authenticated(HttpRequest.Builder request) {
        return request.header("Authorization", "Bearer " + CREDENTIALS.apiKey());
    }

    private HttpRequest.Builder post(String path, String body) {
        return HttpRequest.newBuilder(base.resolve(path)).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }

    private static JsonNode json(HttpResponse<String> response) throws IOException {
        return JsonBody.MAPPER.readTree(response.body());
    }

    @Test
    void wellFormedJsonIsRead() throws Exception {
        HttpResponse<String> r = send(post("/test/json", "{\"text\":\"hi\",\"n\":3}"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(json(r).get("text").asText()).isEqualTo("hi");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"text\": |Malformed JSON in request body at line 1",
            "[1, 2|Malformed JSON",
            "{\"text\":\"a\",\"text\":\"b\"}|Duplicate field",
            "{\"text\":\"a\",\"extra\":1}|extraneous key [extra] is not permitted",
            "{\"n\":\"many\"}|Malformed JSON",
    })
    void badJsonIsA400ValidationException(String body, String message) throws Exception {
        HttpResponse<String> r = send(post("/test/json", body));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.headers().firstValue("x-amzn-ErrorType")).hasValue("ValidationException");
        assertThat(r.headers().firstValue("x-amzn-RequestId")).isPresent();
        assertThat(json(r).get("message").asText()).contains(message);
    }

    @Test
    void emptyBodyIsA400() throws Exception {
        HttpResponse<String> r = send(post("/test/json", ""));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json(r).get("message").asText()).contains("empty");
    }

    @Test
    void oversizeBodiesAreRefusedWith413DeclaredOrChunked() throws Exception {
        String big = "{\"text\":\"" + "x".repeat(8192) + "\"}";
        HttpResponse<String> declared = send(post("/test/json", big));
        assertThat(declared.statusCode()).isEqualTo(413);
        assertThat(declared.headers().firstValue("x-amzn-ErrorType")).hasValue("ValidationException");
        assertThat(json(declared).get("message").asText()).contains("4096 bytes");

        // No Content-Length: the limit applies while the body is read.
        HttpResponse<String> r = send(HttpRequest.newBuilder(base.resolve("/test/json"))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big.getBytes()))));
        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(json(r).get("message").asText()).contains("4096 bytes");
    }

    @ParameterizedTest
    @CsvSource({
            "validation, 400, ValidationException, invalid_request_error, 400",
            "notfound, 404, ResourceNotFoundException, invalid_request_error, 404",
            "conflict, 409, ConflictException, invalid_request_error, 409",
            "denied, 403, AccessDeniedException, permission_error, 403",
            "throttled, 429, ThrottlingException, requests, 429",
            "dependency, 424, DependencyFailedException, api_error, 502",
            "unavailable, 503, ServiceUnavailableException, api_error, 503",
            "notready, 429, ModelNotReadyException, api_error, 503",
            "timeout, 408, ModelTimeoutException, timeout_error, 408",
    })
    void everyPlatformErrorHasItsShapeInBothProtocols(String kind, int bedrockStatus, String bedrockType,
                                                       String openAiType, int openAiStatus) throws Exception {
        HttpResponse<String> bedrock = send(HttpRequest.newBuilder(base.resolve("/test/throw/" + kind)));
        assertThat(bedrock.statusCode()).isEqualTo(bedrockStatus);
        assertThat(bedrock.headers().firstValue("x-amzn-ErrorType")).hasValue(bedrockType);
        assertThat(json(bedrock).get("message").asText()).isEqualTo(ERRORS.get(kind).get().getMessage());

        HttpResponse<String> openAi = send(HttpRequest.newBuilder(base.resolve("/v1/test/throw/" + kind)));
        assertThat(openAi.statusCode()).isEqualTo(openAiStatus);
        JsonNode error = json(openAi).get("error");
        assertThat(error.get("type").asText()).isEqualTo(openAiType);
        assertThat(error.get("message").asText()).isEqualTo(ERRORS.get(kind).get().getMessage());
        assertThat(error.has("param")).isTrue();
        assertThat(error.has("code")).isTrue();
        if (kind.equals("throttled")) {
            assertThat(bedrock.headers().firstValue("Retry-After")).hasValue("7");
            assertThat(openAi.headers().firstValue("Retry-After")).hasValue("7");
        }
    }

    @Test
    void requestsWithoutCredentialsAreRefusedInEachProtocolsShapeButProbesAreOpen() throws Exception {
        HttpResponse<String> bedrock = http.send(HttpRequest.newBuilder(base.resolve("/test/throw/notfound")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(bedrock.statusCode()).isEqualTo(403);
        assertThat(bedrock.headers().firstValue("x-amzn-ErrorType")).hasValue("MissingAuthenticationTokenException");
        assertThat(json(bedrock).get("message").asText()).isEqualTo("Missing Authentication Token");

        HttpResponse<String> openAi = http.send(HttpRequest.newBuilder(base.resolve("/v1/test/throw/notfound"))
                .header("Authorization", "Bearer bsk-wrong").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(openAi.statusCode()).isEqualTo(401);
        assertThat(json(openAi).get("error").get("code").asText()).isEqualTo("invalid_api_key");
        assertThat(openAi.body()).doesNotContain("bsk-wrong");

        for (String probe : List.of("/health", "/ready", "/metrics")) {
            assertThat(http.send(HttpRequest.newBuilder(base.resolve(probe)).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).as(probe).isEqualTo(200);
        }
    }

    @Test
    void anUnexpectedFailureIsA500WithoutInternals() throws Exception {
        HttpResponse<String> r = send(HttpRequest.newBuilder(base.resolve("/test/bug")));
        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(r.headers().firstValue("x-amzn-ErrorType")).hasValue("InternalServerException");
        assertThat(r.body()).doesNotContain("secret internals").doesNotContain("IllegalStateException")
                .doesNotContain("at dev.basalt");
        assertThat(json(r).get("message").asText()).contains("request id");
    }

    @Test
    void wrongMethodOnAKnownPathIsAnUnknownOperation() throws Exception {
        HttpResponse<String> r = send(HttpRequest.newBuilder(base.resolve("/test/json")));
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.headers().firstValue("x-amzn-ErrorType")).hasValue("UnknownOperationException");
    }

    @Test
    void shutdownLetsInFlightRequestsFinishAndRefusesNewConnections() throws Exception {
        BasaltServer draining = startServer();
        URI uri = draining.uri("127.0.0.1");
        CompletableFuture<HttpResponse<String>> inFlight = http.sendAsync(
                authenticated(HttpRequest.newBuilder(uri.resolve("/test/slow"))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(slowStarted.await(10, TimeUnit.SECONDS)).isTrue();

        long started = System.nanoTime();
        draining.close(); // blocks while draining
        long tookMs = (System.nanoTime() - started) / 1_000_000;

        HttpResponse<String> finished = inFlight.get(10, TimeUnit.SECONDS);
        assertThat(finished.statusCode()).isEqualTo(200);
        assertThat(finished.body()).isEqualTo("finished");
        assertThat(tookMs).as("close waited for the in-flight request").isGreaterThan(500);
        HttpClient fresh = HttpClient.newHttpClient();
        assertThatThrownBy(() -> fresh.send(HttpRequest.newBuilder(uri.resolve("/health")).build(),
                HttpResponse.BodyHandlers.ofString())).isInstanceOf(ConnectException.class);
    }
}
