package dev.basalt.platform.runtime;

import dev.basalt.engine.scheduler.StopReason;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the generated text, delta by delta, into reply blocks (through a {@link ReplyBuilder}, which also streams
 * them). Which reader runs depends on the request: plain text without tools, a forced call when the tool choice
 * requires one, and the model's own tool-call formats otherwise.
 */
sealed interface ReplyReader {
    void accept(String text);

    /** The blocks of the whole reply, once the engine has stopped for {@code reason}. */
    List<ReplyBlock> finish(StopReason reason);

    static ReplyReader forRequest(ConverseRequest request, ReplyBuilder out) {
        if (request.tools().isEmpty()) {
            return new PlainText(out);
        }
        if (request.toolChoice() instanceof ToolChoice.Auto) {
            return new NativeToolCalls(out, request.tools().stream().map(t -> t.name())
                    .collect(java.util.stream.Collectors.toUnmodifiableSet()));
        }
        return new ForcedToolCall(out);
    }

    /** No tools: everything is one text block. */
    record PlainText(ReplyBuilder out) implements ReplyReader {
        @Override
        public void accept(String text) {
            out.text(text);
        }

        @Override
        public List<ReplyBlock> finish(StopReason reason) {
            return out.finish();
        }
    }

    /**
     * A call forced by constrained decoding ({@link ToolCallGrammar}): the output is
     * {@code {"name": ..., "arguments": {...}}} with the properties in that order. The tool block opens as soon as
     * the name is complete and the arguments stream as input deltas; trailing closing braces and whitespace are held
     * back, because the last brace closes the wrapper, not the arguments.
     */
    final class ForcedToolCall implements ReplyReader {
        private static final Pattern HEAD =
                Pattern.compile("\\s*\\{\\s*\"name\"\\s*:\\s*\"([A-Za-z0-9_-]+)\"\\s*,\\s*\"arguments\"\\s*:");
        private final ReplyBuilder out;
        private final StringBuilder generated = new StringBuilder();
        private boolean started;
        private int sent;

        ForcedToolCall(ReplyBuilder out) {
            this.out = out;
        }

        @Override
        public void accept(String text) {
            generated.append(text);
            if (!started) {
                Matcher head = HEAD.matcher(generated);
                if (!head.lookingAt()) {
                    return;
                }
                out.startToolUse(head.group(1));
                started = true;
                sent = head.end();
            }
            int safe = generated.length();
            while (safe > sent && isClosingOrSpace(generated.charAt(safe - 1))) {
                safe--;
            }
            out.toolInput(generated.substring(sent, safe));
            sent = Math.max(sent, safe);
        }

        @Override
        public List<ReplyBlock> finish(StopReason reason) {
            if (!started) {
                out.text(generated.toString());
            } else {
                String tail = generated.substring(sent);
                int wrapperEnd = tail.lastIndexOf('}');
                // Only a complete output ends with the wrapper's brace; a cut-off one keeps all it has.
                out.toolInput(reason == StopReason.END_OF_GENERATION && wrapperEnd >= 0 ? tail.substring(0, wrapperEnd) : tail);
            }
            return out.finish();
        }

        private static boolean isClosingOrSpace(char c) {
            return c == '}' || Character.isWhitespace(c);
        }
    }

    /**
     * Tool choice auto: text streams through until the model starts a call in a format {@link ToolCallParser} knows
     * (a marker such as {@code <tool_call>}, or a reply that opens with a JSON object); from there the output is
     * captured and parsed at the end. Text that might be the start of a marker is held back until it is decided.
     */
    final class NativeToolCalls implements ReplyReader {
        private final ReplyBuilder out;
        private final Set<String> toolNames;
        private final StringBuilder pending = new StringBuilder();
        private StringBuilder captured;
        private boolean sentText;

        NativeToolCalls(ReplyBuilder out, Set<String> toolNames) {
            this.out = out;
            this.toolNames = toolNames;
        }

        @Override
        public void accept(String text) {
            if (captured != null) {
                captured.append(text);
                return;
            }
            pending.append(text);
            if (!sentText) {
                String lead = pending.toString().stripLeading();
                if (lead.isEmpty()) {
                    return;
                }
                if (lead.startsWith("{") || lead.startsWith("[{")) {
                    capture(0);
                    return;
                }
            }
            int marker = ToolCallParser.firstMarker(pending);
            if (marker >= 0) {
                capture(marker);
                return;
            }
            int safe = pending.length() - ToolCallParser.markerPrefixLength(pending);
            if (safe > 0) {
                out.text(pending.substring(0, safe));
                pending.delete(0, safe);
                sentText = true;
            }
        }

        private void capture(int from) {
            out.text(pending.substring(0, from));
            captured = new StringBuilder(pending.substring(from));
            pending.setLength(0);
        }

        @Override
        public List<ReplyBlock> finish(StopReason reason) {
            if (captured == null) {
                out.text(pending.toString());
                return out.finish();
            }
            List<ToolCallParser.Segment> segments = ToolCallParser.parse(captured.toString(), toolNames);
            if (segments.stream().noneMatch(ToolCallParser.Call.class::isInstance)) {
                out.text(captured.toString());
                return out.finish();
            }
            for (ToolCallParser.Segment segment : segments) {
                switch (segment) {
                    case ToolCallParser.Text(String text) -> out.text(text);
                    case ToolCallParser.Call(String name, String argumentsJson) -> {
                        out.startToolUse(name);
                        out.toolInput(argumentsJson);
                    }
                }
            }
            return out.finish();
        }
    }
}
