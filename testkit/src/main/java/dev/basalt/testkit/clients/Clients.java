package dev.basalt.testkit.clients;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import dev.basalt.testkit.server.TestServer;
import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.regions.Region;

/**
 * Real, unmodified clients pointed at a test server by endpoint override, exactly as a user would
 * configure them. Retries are off so that a test sees the server's first answer.
 */
public final class Clients {
    private Clients() {}

    /**
     * Configures any AWS SDK v2 client builder (e.g. {@code BedrockRuntimeClient.builder()}) for the
     * server: endpoint override, a region, the server's root access key, no retries.
     */
    public static <B extends AwsClientBuilder<B, C>, C> C aws(B builder, TestServer server) {
        return aws(builder, server.uri(), server.accessKeyId(), server.secretAccessKey());
    }

    /** As {@link #aws(AwsClientBuilder, TestServer)} for a Basalt started some other way (benchmarks). */
    public static <B extends AwsClientBuilder<B, C>, C> C aws(B builder, URI endpoint, String accessKeyId,
                                                             String secretAccessKey) {
        return builder.endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(accessKeyId, secretAccessKey)))
                .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build();
    }

    /** The official openai-java client with the server's API key and base URL {@code /v1}, no retries. */
    public static OpenAIClient openAi(TestServer server) {
        return OpenAIOkHttpClient.builder()
                .baseUrl(server.uri() + "/v1")
                .apiKey(server.apiKey())
                .maxRetries(0)
                .build();
    }
}
