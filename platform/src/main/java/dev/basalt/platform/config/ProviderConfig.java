package dev.basalt.platform.config;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One remote model provider ({@code providers.<name>.<key>} in {@code basalt.yaml}, or
 * {@code BASALT_PROVIDERS_<NAME>_<KEY>}). {@code kind} and {@code url} are required, and for a Bedrock provider the
 * access key pair; every other key has a default ({@link #DEFAULTS}).
 *
 * @param kind             {@code openai} (an OpenAI-compatible server) or {@code bedrock} (a Bedrock runtime endpoint)
 * @param url              for {@code openai} the API base including {@code /v1}; for {@code bedrock} the runtime
 *                         endpoint (the control-plane endpoint for the model list is derived from it)
 * @param apiKey           bearer key sent to an OpenAI-compatible server; empty for none
 * @param region           the AWS region requests are signed for (bedrock)
 * @param modelPrefix      prepended to the upstream's model ids to form catalog ids
 * @param connectTimeout   how long a connection may take to open
 * @param readTimeout      how long the upstream may stay silent: before the response starts and between chunks
 * @param timeout          the longest one request may take in all
 * @param maxRetries       retries of a failure that happened before anything was generated and is safe to repeat
 * @param retryBackoff     the wait before the first retry; it doubles for each further one
 * @param maxConcurrency   requests in flight at once; more are throttled
 * @param failureThreshold consecutive upstream failures that open the circuit breaker
 * @param coolDown         how long an open breaker fails requests fast before one trial request
 * @param modelsRefresh    how long a fetched model list is used before it is fetched again
 */
public record ProviderConfig(String kind, URI url, @Secret String apiKey, String region, String accessKeyId,
                             @Secret String secretAccessKey, String modelPrefix, Duration connectTimeout,
                             Duration readTimeout, Duration timeout, int maxRetries, Duration retryBackoff,
                             int maxConcurrency, int failureThreshold, Duration coolDown, Duration modelsRefresh) {
    public static final String OPENAI = "openai";
    public static final String BEDROCK = "bedrock";

    /** Values of the optional keys, as a user would write them. */
    public static final Map<String, String> DEFAULTS = defaults();

    public ProviderConfig {
        if (!OPENAI.equals(kind) && !BEDROCK.equals(kind)) {
            throw new IllegalArgumentException("kind: must be openai or bedrock, got " + kind);
        }
        if (url == null || !("http".equals(url.getScheme()) || "https".equals(url.getScheme())) || url.getHost() == null) {
            throw new IllegalArgumentException("url: must be an http:// or https:// URL with a host, got " + url);
        }
        if (BEDROCK.equals(kind) && accessKeyId.isBlank()) {
            throw new IllegalArgumentException("accessKeyId: a bedrock provider needs an access key id");
        }
        if (BEDROCK.equals(kind) && secretAccessKey.isBlank()) {
            throw new IllegalArgumentException("secretAccessKey: a bedrock provider needs a secret access key");
        }
        positive("connectTimeout", connectTimeout);
        positive("readTimeout", readTimeout);
        positive("timeout", timeout);
        positive("coolDown", coolDown);
        if (maxRetries < 0) {
            throw new IllegalArgumentException("maxRetries: must not be negative, got " + maxRetries);
        }
        if (retryBackoff.isNegative()) {
            throw new IllegalArgumentException("retryBackoff: must not be negative, got " + Durations.format(retryBackoff));
        }
        if (maxConcurrency < 1) {
            throw new IllegalArgumentException("maxConcurrency: must be at least 1, got " + maxConcurrency);
        }
        if (failureThreshold < 1) {
            throw new IllegalArgumentException("failureThreshold: must be at least 1, got " + failureThreshold);
        }
        if (modelsRefresh.isNegative()) {
            throw new IllegalArgumentException("modelsRefresh: must not be negative, got " + Durations.format(modelsRefresh));
        }
    }

    private static void positive(String key, Duration value) {
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(key + ": must be positive, got " + Durations.format(value));
        }
    }

    private static Map<String, String> defaults() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("apiKey", "");
        d.put("region", "us-east-1");
        d.put("accessKeyId", "");
        d.put("secretAccessKey", "");
        d.put("modelPrefix", "");
        d.put("connectTimeout", "10s");
        d.put("readTimeout", "1m");
        d.put("timeout", "10m");
        d.put("maxRetries", "2");
        d.put("retryBackoff", "200ms");
        d.put("maxConcurrency", "16");
        d.put("failureThreshold", "5");
        d.put("coolDown", "30s");
        d.put("modelsRefresh", "5m");
        return Map.copyOf(d);
    }
}
