package dev.basalt.platform.chat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Rewrites a conversation into one a template can express, for the features its {@link TemplateCapabilities} lack.
 * Templates that support a feature get the conversation unchanged, so their output stays exactly what transformers
 * produces. The rewrites are the usual ones (llama.cpp's minja polyfills do the same):
 * <ul>
 *   <li>tools the template cannot show are described in the system prompt as JSON, with an instruction to answer
 *       a call as {"name": ..., "arguments": ...};</li>
 *   <li>assistant tool calls the template drops become that same JSON in the assistant's text, one call a line;</li>
 *   <li>tool results the template cannot show become a user message {"tool_response": {...}}, consecutive
 *       results merged into one message so user/assistant turns still alternate;</li>
 *   <li>a system message the template rejects is put in front of the first user message.</li>
 * </ul>
 */
final class PromptAdapter {

    static final String TOOLS_INSTRUCTION = "You can call the following tools. To call a tool, reply with a JSON "
            + "object {\"name\": <tool name>, \"arguments\": <arguments object>} and nothing else, one object per "
            + "line for several calls.\n\nTools:";

    private PromptAdapter() {
    }

    record Adapted(List<ChatMessage> messages, List<ToolDefinition> tools) {
    }

    static Adapted adapt(List<ChatMessage> messages, List<ToolDefinition> tools, TemplateCapabilities can) {
        List<ChatMessage> out = new ArrayList<>(messages);
        List<ToolDefinition> passedTools = tools;
        if (!tools.isEmpty() && !can.tools()) {
            out = withSystemText(out, describeTools(tools));
            passedTools = List.of();
        }
        if (!can.toolCalls()) {
            out = out.stream().map(PromptAdapter::callsAsText).toList();
        }
        if (!can.toolResults()) {
            out = resultsAsUserMessages(out);
        }
        if (!can.systemRole()) {
            out = systemIntoFirstUser(out);
        }
        return new Adapted(out, passedTools);
    }

    private static String describeTools(List<ToolDefinition> tools) {
        StringBuilder text = new StringBuilder(TOOLS_INSTRUCTION);
        for (ToolDefinition tool : tools) {
            Map<String, Object> shown = new LinkedHashMap<>();
            shown.put("name", tool.name());
            shown.put("description", tool.description());
            shown.put("parameters", tool.parameters());
            text.append('\n').append(PythonJson.dumps(shown, null));
        }
        return text.toString();
    }

    /** Appends to the leading system message, or adds one. */
    private static List<ChatMessage> withSystemText(List<ChatMessage> messages, String text) {
        List<ChatMessage> out = new ArrayList<>(messages);
        if (!out.isEmpty() && out.getFirst().role() == ChatRole.SYSTEM) {
            out.set(0, out.getFirst().withText(out.getFirst().text() + "\n\n" + text));
        } else {
            out.addFirst(ChatMessage.system(text));
        }
        return out;
    }

    private static ChatMessage callsAsText(ChatMessage message) {
        if (message.toolCalls().isEmpty()) {
            return message;
        }
        StringBuilder text = new StringBuilder(message.text());
        for (ToolCall call : message.toolCalls()) {
            Map<String, Object> shown = new LinkedHashMap<>();
            shown.put("name", call.name());
            shown.put("arguments", TemplateValues.arguments(call.argumentsJson()));
            if (!text.isEmpty()) {
                text.append('\n');
            }
            text.append(PythonJson.dumps(shown, null));
        }
        return ChatMessage.assistant(text.toString());
    }

    private static List<ChatMessage> resultsAsUserMessages(List<ChatMessage> messages) {
        List<ChatMessage> out = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            ChatMessage message = messages.get(i);
            if (message.role() != ChatRole.TOOL) {
                out.add(message);
                continue;
            }
            Map<String, Object> response = new LinkedHashMap<>();
            response.put("tool_call_id", message.toolCallId());
            if (message.name() != null) {
                response.put("name", message.name());
            }
            response.put("content", message.text());
            String text = PythonJson.dumps(Map.of("tool_response", response), null);
            if (i > 0 && messages.get(i - 1).role() == ChatRole.TOOL) {
                out.set(out.size() - 1, ChatMessage.user(out.getLast().text() + "\n" + text));
            } else {
                out.add(ChatMessage.user(text));
            }
        }
        return out;
    }

    private static List<ChatMessage> systemIntoFirstUser(List<ChatMessage> messages) {
        if (messages.isEmpty() || messages.getFirst().role() != ChatRole.SYSTEM) {
            return messages;
        }
        List<ChatMessage> out = new ArrayList<>(messages.subList(1, messages.size()));
        String system = messages.getFirst().text();
        if (!out.isEmpty() && out.getFirst().role() == ChatRole.USER) {
            out.set(0, out.getFirst().withText(system + "\n\n" + out.getFirst().text()));
        } else {
            out.addFirst(ChatMessage.user(system));
        }
        return out;
    }
}
