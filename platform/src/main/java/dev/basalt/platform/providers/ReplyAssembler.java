package dev.basalt.platform.providers;

import dev.basalt.engine.scheduler.StopReason;
import dev.basalt.platform.errors.BasaltException;
import dev.basalt.platform.runtime.ConverseResult;
import dev.basalt.platform.runtime.ConverseStream;
import dev.basalt.platform.runtime.ReplyBlock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Turns an upstream's streamed pieces (text, tool-call starts and argument pieces, usage) into the
 * {@link ConverseStream} events a local model produces: blocks opened by their first piece and closed by
 * {@link ConverseStream.BlockStop} when the next block starts or the reply ends, then one {@link ConverseStream.Finished}
 * with the whole reply, or one {@link ConverseStream.Failed}. After the end, further pieces are ignored (an upstream
 * that fails while the caller is already gone must not add a second ending).
 */
final class ReplyAssembler {
    private final Consumer<ConverseStream.Event> sink;
    private final long start = System.nanoTime();
    private final List<ReplyBlock> blocks = new ArrayList<>();
    private final StringBuilder text = new StringBuilder();
    private String toolId;
    private String toolName;
    private final StringBuilder toolInput = new StringBuilder();
    private boolean ended;

    ReplyAssembler(Consumer<ConverseStream.Event> sink) {
        this.sink = sink;
    }

    synchronized void text(String delta) {
        if (ended || delta == null || delta.isEmpty()) {
            return;
        }
        if (toolId != null) {
            closeBlock();
        }
        text.append(delta);
        sink.accept(new ConverseStream.TextDelta(delta));
    }

    synchronized void toolStart(String id, String name) {
        if (ended) {
            return;
        }
        closeBlock();
        toolId = id;
        toolName = name;
        sink.accept(new ConverseStream.ToolUseStart(id, name));
    }

    /** A piece of the open tool call's arguments; ignored when no call is open. */
    synchronized void toolInput(String json) {
        if (ended || toolId == null || json == null || json.isEmpty()) {
            return;
        }
        toolInput.append(json);
        sink.accept(new ConverseStream.ToolInputDelta(json));
    }

    /** True once the reply has finished or failed. */
    synchronized boolean ended() {
        return ended;
    }

    synchronized void finish(StopReason stopReason, int inputTokens, int cachedInputTokens, int outputTokens) {
        if (ended) {
            return;
        }
        closeBlock();
        ended = true;
        long millis = (System.nanoTime() - start) / 1_000_000;
        sink.accept(new ConverseStream.Finished(new ConverseResult(blocks, stopReason, inputTokens, cachedInputTokens,
                outputTokens, millis)));
    }

    synchronized void fail(BasaltException error) {
        if (ended) {
            return;
        }
        ended = true;
        sink.accept(new ConverseStream.Failed(error));
    }

    private void closeBlock() {
        if (toolId != null) {
            // A call cut off mid-arguments still closes; the caller sees the stop reason (max tokens).
            blocks.add(new ReplyBlock.ToolUse(toolId, toolName, toolInput.isEmpty() ? "{}" : toolInput.toString()));
            toolId = null;
            toolInput.setLength(0);
            sink.accept(new ConverseStream.BlockStop());
        } else if (!text.isEmpty()) {
            blocks.add(new ReplyBlock.Text(text.toString()));
            text.setLength(0);
            sink.accept(new ConverseStream.BlockStop());
        }
    }
}
