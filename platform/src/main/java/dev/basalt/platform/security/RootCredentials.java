package dev.basalt.platform.security;

/**
 * The root identity's secrets: an AWS-style access key pair (SigV4) and a bearer API key (OpenAI clients,
 * Bedrock API keys). {@link #toString()} never shows a secret.
 */
public record RootCredentials(String accessKeyId, String secretAccessKey, String apiKey) {
    static final String REDACTED = "****";

    @Override
    public String toString() {
        return "RootCredentials[accessKeyId=" + accessKeyId + ", secretAccessKey=" + REDACTED + ", apiKey=" + REDACTED + "]";
    }
}
