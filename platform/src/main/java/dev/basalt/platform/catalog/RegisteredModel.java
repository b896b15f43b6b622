package dev.basalt.platform.catalog;

import dev.basalt.engine.LanguageModel;
import dev.basalt.platform.chat.ChatTemplate;
import java.nio.file.Path;

/** A loaded model under its Bedrock-style id, with the chat template that turns conversations into prompts. */
public record RegisteredModel(String id, Path file, LanguageModel model, ChatTemplate chatTemplate) {
    /** The provider shown in the catalog: the part of the id before the first dot ({@code basalt.tiny} → basalt). */
    public String providerName() {
        int dot = id.indexOf('.');
        return dot > 0 ? id.substring(0, dot) : "basalt";
    }

    public String arn(String region) {
        return "arn:aws:bedrock:" + region + "::foundation-model/" + id;
    }
}
