package dev.basalt.platform.catalog;

import dev.basalt.engine.LanguageModel;
import dev.basalt.platform.chat.ChatTemplate;
import java.nio.file.Path;

/**
 * A loaded model under its Bedrock-style id, with the chat template that turns conversations into prompts. Only
 * reachable through a {@link ModelLease}, which keeps it loaded while it is used.
 */
public record RegisteredModel(String id, Path file, LanguageModel model, ChatTemplate chatTemplate) {}
