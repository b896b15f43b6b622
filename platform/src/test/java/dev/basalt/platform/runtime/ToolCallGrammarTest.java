package dev.basalt.platform.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.basalt.platform.chat.ToolDefinition;
import dev.basalt.platform.errors.ValidationException;
import java.util.List;
import org.junit.jupiter.api.Test;

class ToolCallGrammarTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static ToolDefinition tool(String name, String schema) throws Exception {
        JsonNode node = JSON.readTree(schema);
        return ToolDefinition.of(name, "", node);
    }

    @Test
    void boundsThatDecodingCannotEnforceAreDroppedButPropertiesNamedLikeThemStay() throws Exception {
        var t = tool("t", """
                {"type": "object", "properties": {"format": {"type": "string", "pattern": "^a"},
                 "n": {"type": "integer", "minimum": 1}, "v": {"oneOf": [{"type": "string"}, {"type": "null"}]}},
                 "required": ["format"]}""");
        assertThat(ToolCallGrammar.forChoice(List.of(t), ToolChoice.ANY)).isNotNull();
    }

    @Test
    void structuralKeywordsWeCannotDecodeAreAValidationError() throws Exception {
        var t = tool("t", "{\"type\": \"object\", \"properties\": {\"a\": {\"$ref\": \"#/$defs/x\"}}}");
        assertThatThrownBy(() -> ToolCallGrammar.forChoice(List.of(t), new ToolChoice.Named("t")))
                .isInstanceOf(ValidationException.class).hasMessageContaining("$ref");
    }

    @Test
    void theChosenToolIsReadFromTheChoosingOutput() throws Exception {
        var tools = List.of(tool("a", "{}"), tool("b_2", "{}"));
        assertThat(ToolCallGrammar.choosingTool(tools)).isNotNull();
        assertThat(ToolCallGrammar.chosenTool("{\"name\": \"b_2\"}", tools)).isEqualTo("b_2");
        assertThat(ToolCallGrammar.chosenTool("{\"name\": \"b", tools)).isEqualTo("a");
        assertThat(ToolCallGrammar.chosenTool("{\"name\": \"zzz\"}", tools)).isEqualTo("a");
    }
}
