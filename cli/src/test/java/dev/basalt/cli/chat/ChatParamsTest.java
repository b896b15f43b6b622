package dev.basalt.cli.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class ChatParamsTest {
    @Test
    void assignmentsSetTheirParameterAndOnlyTheSetOnesAreSent() {
        ChatParams params = ChatParams.DEFAULTS.with("temperature=0.2  top_p=0.9").with("max_tokens=200 seed=-1");
        assertThat(params).isEqualTo(new ChatParams(0.2, 0.9, 200, -1L));
        ObjectNode request = JsonNodeFactory.instance.objectNode();
        ChatParams.DEFAULTS.with("seed=5").putInto(request);
        assertThat(request.toString()).isEqualTo("{\"seed\":5}");
        params.putInto(request);
        assertThat(request.toString()).isEqualTo("{\"seed\":-1,\"temperature\":0.2,\"top_p\":0.9,\"max_tokens\":200}");
        assertThat(ChatParams.DEFAULTS.with("TEMPERATURE=2 top_p=1 max_tokens=1").temperature()).isEqualTo(2.0);
    }

    @Test
    void badAssignmentsNameTheProblemAndChangeNothing() {
        ChatParams params = ChatParams.DEFAULTS.with("seed=3");
        assertThatThrownBy(() -> params.with("temperature=0.5 top_p=0")).hasMessage("top_p must be above 0 and at most 1, got 0");
        assertThat(params).isEqualTo(ChatParams.DEFAULTS.with("seed=3"));
        assertThatThrownBy(() -> params.with("temperature=2.5")).hasMessage("temperature must be between 0 and 2, got 2.5");
        assertThatThrownBy(() -> params.with("temperature=NaN")).hasMessageContaining("temperature must be between");
        assertThatThrownBy(() -> params.with("max_tokens=0")).hasMessage("max_tokens must be a whole number of at least 1, got 0");
        assertThatThrownBy(() -> params.with("max_tokens=1.5")).hasMessage("max_tokens must be a whole number, got '1.5'");
        assertThatThrownBy(() -> params.with("top_k=5")).hasMessageStartingWith("unknown parameter 'top_k'");
        assertThatThrownBy(() -> params.with("=5")).hasMessage("expected name=value, got '=5'");
        assertThatThrownBy(() -> params.with("seed=")).hasMessage("expected name=value, got 'seed='");
    }
}
