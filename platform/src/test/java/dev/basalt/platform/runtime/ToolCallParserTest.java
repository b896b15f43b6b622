package dev.basalt.platform.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.platform.runtime.ToolCallParser.Call;
import dev.basalt.platform.runtime.ToolCallParser.Text;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ToolCallParserTest {
    private static final Set<String> TOOLS = Set.of("get_weather", "search");

    @Test
    void hermesCallsWithTextAround() {
        assertThat(ToolCallParser.parse("Let me check.\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": "
                + "{\"city\": \"Paris\"}}\n</tool_call>\n<tool_call>{\"name\":\"search\",\"arguments\":{}}</tool_call>",
                TOOLS)).containsExactly(new Text("Let me check."), new Call("get_weather", "{\"city\":\"Paris\"}"),
                new Call("search", "{}"));
    }

    @Test
    void mistralArraysAndLlamaParameters() {
        assertThat(ToolCallParser.parse("[TOOL_CALLS] [{\"name\": \"search\", \"arguments\": {\"q\": \"x\"}}, "
                + "{\"name\": \"get_weather\", \"arguments\": \"{\\\"city\\\": \\\"Oslo\\\"}\"}]", TOOLS))
                .containsExactly(new Call("search", "{\"q\":\"x\"}"), new Call("get_weather", "{\"city\":\"Oslo\"}"));
        assertThat(ToolCallParser.parse("<|python_tag|>{\"name\": \"search\", \"parameters\": {\"q\": 1}}", TOOLS))
                .containsExactly(new Call("search", "{\"q\":1}"));
    }

    @Test
    void bareJsonLinesAreCalls() {
        assertThat(ToolCallParser.parse("{\"name\": \"search\", \"arguments\": {\"q\": \"a\"}}\n"
                + "{\"name\": \"search\", \"arguments\": {\"q\": \"b\"}}", TOOLS))
                .containsExactly(new Call("search", "{\"q\":\"a\"}"), new Call("search", "{\"q\":\"b\"}"));
    }

    @Test
    void unknownToolsBrokenJsonAndNonObjectArgumentsStayText() {
        assertThat(ToolCallParser.parse("{\"name\": \"delete_all\", \"arguments\": {}}", TOOLS))
                .containsExactly(new Text("{\"name\": \"delete_all\", \"arguments\": {}}"));
        assertThat(ToolCallParser.parse("<tool_call>{\"name\": \"search\", \"arguments\": {\"q\"", TOOLS))
                .containsExactly(new Text("{\"name\": \"search\", \"arguments\": {\"q\""));
        assertThat(ToolCallParser.parse("{\"name\": \"search\", \"arguments\": [1]}", TOOLS))
                .noneMatch(Call.class::isInstance);
        assertThat(ToolCallParser.parse("The set {1, 2} is small.", TOOLS))
                .containsExactly(new Text("The set {1, 2} is small."));
    }

    @Test
    void markerHelpers() {
        assertThat(ToolCallParser.firstMarker("abc <tool_call> [TOOL_CALLS]")).isEqualTo(4);
        assertThat(ToolCallParser.firstMarker("plain")).isEqualTo(-1);
        assertThat(ToolCallParser.markerPrefixLength("text <tool_")).isEqualTo(6);
        assertThat(ToolCallParser.markerPrefixLength("text [TOOL")).isEqualTo(5);
        assertThat(ToolCallParser.markerPrefixLength("text")).isZero();
        assertThat(ToolCallParser.isJsonObject("{\"a\": 1} ")).isTrue();
        assertThat(ToolCallParser.isJsonObject("{\"a\": ")).isFalse();
        assertThat(ToolCallParser.isJsonObject("[1]")).isFalse();
        assertThat(ToolCallParser.isJsonObject("{} {}")).isFalse();
    }
}
