package dev.basalt.platform.chat;

import java.util.List;
import java.util.function.BooleanSupplier;

/** Finds a template's {@link TemplateCapabilities} by rendering small conversations with recognisable text. */
final class CapabilityProbe {

    private static final String SYSTEM_TEXT = "basalt-probe-system";
    private static final String TOOL_NAME = "basalt_probe_tool";
    private static final String CALL_NAME = "basalt_probe_call";
    private static final String RESULT_TEXT = "basalt-probe-result";
    /** Nine alphanumerics: Mistral's templates reject any other tool call id. */
    private static final String CALL_ID = "call00001";

    private CapabilityProbe() {
    }

    /** Renders through the template without adaptation. */
    interface Renderer {
        String render(List<ChatMessage> messages, List<ToolDefinition> tools);
    }

    static TemplateCapabilities probe(Renderer renderer) {
        ChatMessage question = ChatMessage.user("What is the answer?");
        boolean system = contains(() -> renderer.render(
                List.of(ChatMessage.system(SYSTEM_TEXT), question), List.of()).contains(SYSTEM_TEXT));
        List<ToolDefinition> probeTools = List.of(new ToolDefinition(TOOL_NAME, "Probe tool.", null));
        boolean tools = contains(() -> renderer.render(List.of(question), probeTools).contains(TOOL_NAME));
        ChatMessage call = ChatMessage.assistant("", List.of(new ToolCall(CALL_ID, CALL_NAME, "{\"x\": 1}")));
        List<ToolDefinition> callTools = tools ? probeTools : List.of();
        boolean toolCalls = contains(() -> renderer.render(
                List.of(question, call, ChatMessage.assistant("Done.")), callTools).contains(CALL_NAME));
        boolean toolResults = contains(() -> renderer.render(
                List.of(question, call, ChatMessage.toolResult(CALL_ID, CALL_NAME, RESULT_TEXT)), callTools)
                .contains(RESULT_TEXT));
        return new TemplateCapabilities(system, tools, toolCalls, toolResults);
    }

    /** A probe the template refuses or fails on means the feature is unsupported; running out of limits does not. */
    private static boolean contains(BooleanSupplier probe) {
        try {
            return probe.getAsBoolean();
        } catch (ChatTemplateException e) {
            if (e.kind() == ChatTemplateException.Kind.LIMIT_EXCEEDED) {
                throw e;
            }
            return false;
        }
    }
}
