package dev.basalt.platform.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.engine.sampling.SamplingParams;
import dev.basalt.engine.scheduler.StopReason;
import dev.basalt.platform.chat.ChatMessage;
import dev.basalt.platform.chat.ToolDefinition;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The readers see the generated text in pieces of any size (tokens); the blocks they produce must not depend on
 * where the pieces were cut. Each case is read whole (the reference) and in random pieces, and the streamed events
 * must add up to the final blocks.
 */
class ReplyReaderTest {
    private static final List<ToolDefinition> TOOLS = List.of(
            ToolDefinition.of("get_weather", "", null), ToolDefinition.of("search", "", null));

    private record Read(List<ReplyBlock> blocks, List<ConverseStream.Event> events) {}

    private static Read read(ConverseRequest request, List<String> pieces, StopReason reason) {
        List<ConverseStream.Event> events = new ArrayList<>();
        ReplyReader reader = ReplyReader.forRequest(request, new ReplyBuilder(events::add));
        pieces.forEach(reader::accept);
        return new Read(reader.finish(reason), events);
    }

    private static List<String> randomPieces(String text, Random random) {
        List<String> pieces = new ArrayList<>();
        for (int i = 0; i < text.length(); ) {
            int n = Math.min(text.length() - i, random.nextInt(5));
            pieces.add(text.substring(i, i + n));
            i += n;
        }
        return pieces;
    }

    /** The blocks that the events describe, rebuilt the way a streaming client does. */
    private static List<ReplyBlock> replay(List<ConverseStream.Event> events) {
        List<ReplyBlock> blocks = new ArrayList<>();
        StringBuilder open = new StringBuilder();
        ConverseStream.ToolUseStart tool = null;
        for (ConverseStream.Event event : events) {
            switch (event) {
                case ConverseStream.TextDelta(String text) -> open.append(text);
                case ConverseStream.ToolUseStart start -> tool = start;
                case ConverseStream.ToolInputDelta(String json) -> open.append(json);
                case ConverseStream.BlockStop() -> {
                    blocks.add(tool == null ? new ReplyBlock.Text(open.toString())
                            : new ReplyBlock.ToolUse(tool.toolUseId(), tool.name(), open.toString().strip()));
                    open.setLength(0);
                    tool = null;
                }
                default -> throw new AssertionError(event);
            }
        }
        return blocks;
    }

    private static void checkChunkingDoesNotMatter(ConverseRequest request, String output, StopReason reason,
                                                   List<ReplyBlock> expected) {
        checkChunkingDoesNotMatter(request, output, reason, expected, expected);
    }

    /** As above, where the streamed events legitimately show something else than the final blocks. */
    private static void checkChunkingDoesNotMatter(ConverseRequest request, String output, StopReason reason,
                                                   List<ReplyBlock> expected, List<ReplyBlock> streamed) {
        Random random = new Random(output.hashCode());
        for (int trial = 0; trial < 200; trial++) {
            List<String> pieces = trial == 0 ? List.of(output) : randomPieces(output, random);
            Read read = read(request, pieces, reason);
            assertThat(withoutIds(read.blocks())).as("pieces %s", pieces).isEqualTo(expected);
            assertThat(withoutIds(replay(read.events()))).as("events of %s", pieces).isEqualTo(streamed);
            assertThat(read.events()).noneMatch(e -> e instanceof ConverseStream.TextDelta(String t) && t.isEmpty())
                    .noneMatch(e -> e instanceof ConverseStream.ToolInputDelta(String j) && j.isEmpty());
        }
    }

    private static List<ReplyBlock> withoutIds(List<ReplyBlock> blocks) {
        return blocks.stream().map(b -> b instanceof ReplyBlock.ToolUse(String id, String name, String input)
                ? new ReplyBlock.ToolUse("id", name, input) : b).toList();
    }

    private static ConverseRequest request(ToolChoice choice) {
        return new ConverseRequest(List.of(ChatMessage.user("hi")), SamplingParams.defaults(), TOOLS, choice);
    }

    @Test
    void withoutToolsEverythingIsOneTextBlock() {
        var plain = new ConverseRequest(List.of(ChatMessage.user("hi")), SamplingParams.defaults());
        checkChunkingDoesNotMatter(plain, "Hello <tool_call> {\"name\": \"search\"}", StopReason.END_OF_GENERATION,
                List.of(new ReplyBlock.Text("Hello <tool_call> {\"name\": \"search\"}")));
        assertThat(read(plain, List.of(), StopReason.END_OF_GENERATION).blocks()).containsExactly(new ReplyBlock.Text(""));
    }

    @Test
    void forcedCallsStreamTheirArgumentsWithoutTheWrapper() {
        String args = "{\"city\": \"Paris }\", \"days\": {\"n\": 3}  }";
        checkChunkingDoesNotMatter(request(ToolChoice.ANY), " {\"name\": \"get_weather\", \"arguments\": " + args + " }",
                StopReason.END_OF_GENERATION, List.of(new ReplyBlock.ToolUse("id", "get_weather", args)));
    }

    /** The stream has already shown a tool call; the final reply cannot hold unparseable input, so it is text. */
    @Test
    void aForcedCallCutOffByMaxTokensIsText() {
        checkChunkingDoesNotMatter(request(new ToolChoice.Named("search")),
                "{\"name\": \"search\", \"arguments\": {\"q\": \"unfinish", StopReason.MAX_TOKENS,
                List.of(new ReplyBlock.Text("{\"q\": \"unfinish")),
                List.of(new ReplyBlock.ToolUse("id", "search", "{\"q\": \"unfinish")));
    }

    @Test
    void autoModeFindsNativeCallsAfterText() {
        checkChunkingDoesNotMatter(request(ToolChoice.AUTO),
                "I will look.<tool_call>{\"name\": \"search\", \"arguments\": {\"q\": \"x\"}}</tool_call>",
                StopReason.END_OF_GENERATION, List.of(new ReplyBlock.Text("I will look."),
                        new ReplyBlock.ToolUse("id", "search", "{\"q\":\"x\"}")));
        checkChunkingDoesNotMatter(request(ToolChoice.AUTO),
                "  {\"name\": \"get_weather\", \"parameters\": {}}", StopReason.END_OF_GENERATION,
                List.of(new ReplyBlock.ToolUse("id", "get_weather", "{}")));
    }

    @Test
    void autoModeTextThatOnlyLooksLikeACallStaysText() {
        checkChunkingDoesNotMatter(request(ToolChoice.AUTO), "Use <tool_ca and {braces} freely.",
                StopReason.END_OF_GENERATION, List.of(new ReplyBlock.Text("Use <tool_ca and {braces} freely.")));
        checkChunkingDoesNotMatter(request(ToolChoice.AUTO), "{\"not\": \"a call\"}", StopReason.END_OF_GENERATION,
                List.of(new ReplyBlock.Text("{\"not\": \"a call\"}")));
    }
}
