package dev.basalt.platform.runtime;

import dev.basalt.engine.scheduler.StopReason;
import java.util.List;

/**
 * The assistant's reply in blocks, why it ended, and what it cost in tokens and time.
 *
 * @param cachedInputTokens of the input tokens, those whose keys and values came from the prefix cache
 */
public record ConverseResult(List<ReplyBlock> content, StopReason stopReason, int inputTokens, int cachedInputTokens,
                             int outputTokens, long latencyMillis) {
    public ConverseResult {
        content = List.copyOf(content);
    }

    /** The text blocks joined. */
    public String text() {
        StringBuilder text = new StringBuilder();
        for (ReplyBlock block : content) {
            if (block instanceof ReplyBlock.Text(String t)) {
                text.append(t);
            }
        }
        return text.toString();
    }

    /** True when the reply calls at least one tool (Bedrock's stop reason {@code tool_use}). */
    public boolean callsTools() {
        return content.stream().anyMatch(ReplyBlock.ToolUse.class::isInstance);
    }
}
