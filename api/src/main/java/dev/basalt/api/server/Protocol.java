package dev.basalt.api.server;

import dev.basalt.api.bedrock.BedrockErrors;
import dev.basalt.api.openai.OpenAiErrors;

/** The wire protocol a request speaks, decided by its path: {@code /v1/...} is OpenAI, the rest is Bedrock. */
public enum Protocol {
    BEDROCK(new BedrockErrors()),
    OPENAI(new OpenAiErrors());

    private final ProtocolErrors errors;

    Protocol(ProtocolErrors errors) {
        this.errors = errors;
    }

    public ProtocolErrors errors() {
        return errors;
    }

    public static Protocol of(String path) {
        return path.equals("/v1") || path.startsWith("/v1/") ? OPENAI : BEDROCK;
    }
}
