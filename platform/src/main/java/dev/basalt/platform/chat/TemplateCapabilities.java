package dev.basalt.platform.chat;

/**
 * What a chat template can express, found by rendering probe conversations through it (the approach of llama.cpp's
 * minja): a feature is supported when its probe text appears in the output. Reading the source for "tools" would
 * be fooled by templates that mention tools only to reject them.
 *
 * @param systemRole  a system message is rendered (Mistral v0.1 and Gemma, for example, reject or drop it)
 * @param tools       tool definitions passed as {@code tools} appear in the prompt
 * @param toolCalls   an assistant message's {@code tool_calls} appear in the prompt
 * @param toolResults a {@code role: tool} message appears in the prompt
 */
public record TemplateCapabilities(boolean systemRole, boolean tools, boolean toolCalls, boolean toolResults) {
}
