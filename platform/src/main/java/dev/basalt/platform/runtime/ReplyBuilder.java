package dev.basalt.platform.runtime;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Keeps the reply's content blocks while they are generated: one block is open at a time, text deltas go to a text
 * block (opened on demand), tool calls get their own block. Every change is also sent as a {@link ConverseStream}
 * event, so the streamed events and the final blocks always agree.
 */
final class ReplyBuilder {
    private static final String ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Consumer<ConverseStream.Event> events;
    private final List<ReplyBlock> blocks = new ArrayList<>();
    private StringBuilder openText;
    private ReplyBlock.ToolUse openToolUse;
    private StringBuilder openToolInput;

    ReplyBuilder(Consumer<ConverseStream.Event> events) {
        this.events = events;
    }

    void text(String text) {
        if (text.isEmpty()) {
            return;
        }
        if (openText == null) {
            stop();
            openText = new StringBuilder();
        }
        openText.append(text);
        events.accept(new ConverseStream.TextDelta(text));
    }

    /** Closes the open block and opens a tool call; returns its id ({@code tooluse_} and 22 random characters). */
    void startToolUse(String name) {
        stop();
        StringBuilder id = new StringBuilder("tooluse_");
        for (int i = 0; i < 22; i++) {
            id.append(ID_ALPHABET.charAt(RANDOM.nextInt(ID_ALPHABET.length())));
        }
        openToolUse = new ReplyBlock.ToolUse(id.toString(), name, "");
        openToolInput = new StringBuilder();
        events.accept(new ConverseStream.ToolUseStart(openToolUse.toolUseId(), name));
    }

    void toolInput(String json) {
        if (!json.isEmpty()) {
            openToolInput.append(json);
            events.accept(new ConverseStream.ToolInputDelta(json));
        }
    }

    /**
     * Closes the open block. A tool call whose input is not complete JSON (the generation was cut off) is kept as
     * text: a caller cannot run it, and Converse's toolUse.input must be a JSON document.
     */
    void stop() {
        if (openText != null) {
            blocks.add(new ReplyBlock.Text(openText.toString()));
            openText = null;
            events.accept(new ConverseStream.BlockStop());
        } else if (openToolUse != null) {
            String input = openToolInput.toString().strip();
            blocks.add(ToolCallParser.isJsonObject(input)
                    ? new ReplyBlock.ToolUse(openToolUse.toolUseId(), openToolUse.name(), input)
                    : new ReplyBlock.Text(input));
            openToolUse = null;
            events.accept(new ConverseStream.BlockStop());
        }
    }

    /** Closes the open block; a reply with no blocks at all gets one empty text block, as Bedrock answers. */
    List<ReplyBlock> finish() {
        stop();
        if (blocks.isEmpty()) {
            blocks.add(new ReplyBlock.Text(""));
            events.accept(new ConverseStream.BlockStop());
        }
        return blocks;
    }
}
