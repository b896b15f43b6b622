package dev.basalt.api.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.type;

import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.UnauthorizedException;
import dev.basalt.testkit.clients.Clients;
import dev.basalt.testkit.server.BasaltServerTest;
import dev.basalt.testkit.server.TestServer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import java.util.function.Consumer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClient;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClientBuilder;
import software.amazon.awssdk.services.bedrockruntime.auth.scheme.BedrockRuntimeAuthSchemeProvider;
import software.amazon.awssdk.services.bedrockruntime.model.BedrockRuntimeException;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamResponseHandler;

/**
 * The unmodified AWS SDK and openai-java against a whole Basalt: the right keys reach the route layer (a model that
 * is not served answers ResourceNotFoundException), wrong ones get AWS's 403s.
 */
@BasaltServerTest
class AuthenticationIT {
    private static final String ARN_MODEL = "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-v2:1";

    /** The Authorization headers the client actually sent, to prove which scheme it used. */
    private final List<String> sentAuthorization = new ArrayList<>();

    private BedrockRuntimeClientBuilder runtime(TestServer server) {
        return BedrockRuntimeClient.builder()
                .endpointOverride(server.uri())
                .region(Region.EU_CENTRAL_1)
                .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry())
                        .addExecutionInterceptor(new ExecutionInterceptor() {
                            @Override
                            public void beforeTransmission(Context.BeforeTransmission context,
                                                           ExecutionAttributes attributes) {
                                sentAuthorization.add(context.httpRequest().firstMatchingHeader("Authorization")
                                        .orElse(""));
                            }
                        }));
    }

    private BedrockRuntimeClient sigV4(TestServer server, String accessKeyId, String secret) {
        return runtime(server).credentialsProvider(StaticCredentialsProvider.create(
                AwsBasicCredentials.create(accessKeyId, secret))).build();
    }

    /** What the SDK does with AWS_BEARER_TOKEN_BEDROCK: a token provider and the bearer scheme preferred. */
    private BedrockRuntimeClient bearer(TestServer server, String apiKey) {
        return runtime(server).tokenProvider(() -> () -> apiKey)
                .authSchemeProvider(BedrockRuntimeAuthSchemeProvider.defaultProvider(List.of("httpBearerAuth")))
                .build();
    }

    private static void converse(BedrockRuntimeClient client, String modelId,
                                 Consumer<BedrockRuntimeException> expectation) {
        try (client) {
            assertThatThrownBy(() -> client.converse(r -> r.modelId(modelId)
                    .messages(m -> m.role("user").content(c -> c.text("hi")))))
                    .asInstanceOf(type(BedrockRuntimeException.class))
                    .satisfies(expectation);
        }
    }

    private static Consumer<BedrockRuntimeException> error(int status, String type, String message) {
        return e -> {
            assertThat(e.statusCode()).isEqualTo(status);
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo(type);
            assertThat(e.awsErrorDetails().errorMessage()).contains(message);
            assertThat(e.requestId()).hasSize(36);
        };
    }

    @Test
    void sigV4WithTheRootKeysReachesTheRoutes(TestServer server) {
        for (String model : List.of("basalt.none", ARN_MODEL, "name with spaces é")) {
            converse(sigV4(server, server.accessKeyId(), server.secretAccessKey()), model,
                    error(404, "ResourceNotFoundException", "The model " + model + " does not exist."));
        }
        assertThat(sentAuthorization).allMatch(h -> h.startsWith("AWS4-HMAC-SHA256 Credential=" + server.accessKeyId()
                + "/") && h.contains("/eu-central-1/bedrock/aws4_request"));
    }

    @Test
    void sigV4WithAWrongSecretOrAnUnknownKeyIsRefused(TestServer server) {
        converse(sigV4(server, server.accessKeyId(), server.secretAccessKey() + "x"), "basalt.none",
                error(403, "InvalidSignatureException", "The request signature we calculated does not match"));
        converse(sigV4(server, "AKIDUNKNOWN", server.secretAccessKey()), ARN_MODEL,
                error(403, "UnrecognizedClientException", "The security token included in the request is invalid."));
    }

    @Test
    void bedrockApiKeysAsBearerTokens(TestServer server) {
        converse(bearer(server, server.apiKey()), ARN_MODEL,
                error(404, "ResourceNotFoundException", "The model " + ARN_MODEL + " does not exist."));
        converse(bearer(server, server.apiKey() + "x"), "basalt.none",
                error(403, "UnrecognizedClientException", "The security token included in the request is invalid."));
        assertThat(sentAuthorization).containsExactly("Bearer " + server.apiKey(), "Bearer " + server.apiKey() + "x");
    }

    /** The async client (HTTP/2) signs differently from the sync one; a bearer key works for streams too. */
    @Test
    void theAsyncClientsStreamsAuthenticateWithSigV4AndBearerKeys(TestServer server) {
        var sigV4 = BedrockRuntimeAsyncClient.builder().endpointOverride(server.uri()).region(Region.EU_CENTRAL_1)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(server.accessKeyId(), server.secretAccessKey())))
                .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()));
        var bearer = BedrockRuntimeAsyncClient.builder().endpointOverride(server.uri()).region(Region.EU_CENTRAL_1)
                .tokenProvider(() -> () -> server.apiKey())
                .authSchemeProvider(BedrockRuntimeAuthSchemeProvider.defaultProvider(List.of("httpBearerAuth")))
                .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()));
        for (var builder : List.of(sigV4, bearer)) {
            try (BedrockRuntimeAsyncClient client = builder.build()) {
                assertThatThrownBy(() -> client.converseStream(r -> r.modelId("basalt.none")
                                .messages(m -> m.role("user").content(c -> c.text("hi"))),
                        ConverseStreamResponseHandler.builder().subscriber(e -> { }).build()).join())
                        .cause().isInstanceOfSatisfying(BedrockRuntimeException.class,
                                error(404, "ResourceNotFoundException", "The model basalt.none does not exist."));
            }
        }
    }

    @Test
    void openAiClientsWithTheApiKeyReachTheRoutesAndWithAWrongKeyGetA401(TestServer server) {
        assertThat(Clients.openAi(server).models().list().data()).isEmpty();
        var openAi = OpenAIOkHttpClient.builder().baseUrl(server.uri() + "/v1").apiKey("bsk-wrong").maxRetries(0).build();
        assertThatThrownBy(() -> openAi.models().list())
                .isInstanceOf(UnauthorizedException.class)
                .hasMessageContaining("Incorrect API key provided.");
    }
}
