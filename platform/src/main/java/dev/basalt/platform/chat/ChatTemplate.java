package dev.basalt.platform.chat;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A model's chat template ({@code tokenizer.chat_template} in GGUF, {@code chat_template} in Hugging Face's
 * tokenizer_config.json): turns a conversation into the exact prompt text the model was trained on, rendering the
 * Jinja2 source as transformers' {@code apply_chat_template} does.
 *
 * <p>Features the template cannot express (tools, tool calls, tool results, a system message) are adapted first,
 * as {@link PromptAdapter} describes; {@link #capabilities()} says which. Instances are immutable and thread-safe.
 */
public final class ChatTemplate {

    /**
     * Used when a model has no template. ChatML, because llama.cpp falls back to it too (so Basalt and llama.cpp
     * build the same prompt for the same file, which the benchmarks compare), because most small instruction-tuned
     * models were trained on it, and because its explicit turn delimiters cannot be confused with message text, as
     * "User:" in a plain transcript can. Tool calls and results reach it through {@link PromptAdapter}.
     */
    public static final String CHATML = """
            {%- for message in messages %}
                {{- '<|im_start|>' + message.role + '\\n' + message.content + '<|im_end|>\\n' }}
            {%- endfor %}
            {%- if add_generation_prompt %}
                {{- '<|im_start|>assistant\\n' }}
            {%- endif %}
            """;

    private final String source;
    private final SpecialTokens specialTokens;
    private final SandboxedJinja jinja;
    private final TemplateCapabilities capabilities;

    private ChatTemplate(String source, SpecialTokens specialTokens, TemplateLimits limits, Clock clock) {
        this.source = Objects.requireNonNull(source, "source");
        this.specialTokens = Objects.requireNonNull(specialTokens, "specialTokens");
        this.jinja = new SandboxedJinja(source, Objects.requireNonNull(limits, "limits"),
                Objects.requireNonNull(clock, "clock"));
        checkRenders();
        this.capabilities = CapabilityProbe.probe(this::renderUnadapted);
    }

    /**
     * Renders one user message, so a template that is not valid Jinja, or fails or runs away on the simplest
     * conversation, is refused when the model is loaded rather than on every request. A template may still reject
     * this conversation (some demand a system message).
     */
    private void checkRenders() {
        try {
            renderUnadapted(List.of(ChatMessage.user("Hello")), List.of());
        } catch (ChatTemplateException e) {
            if (e.kind() != ChatTemplateException.Kind.REJECTED) {
                throw e.kind() == ChatTemplateException.Kind.INVALID_TEMPLATE
                        ? new ChatTemplateException(e.kind(), e.getMessage().replace("the chat template failed",
                                "the chat template is not valid"))
                        : e;
            }
        }
    }

    /**
     * Compiles a template with default limits and the system clock.
     *
     * @throws ChatTemplateException INVALID_TEMPLATE when the source is not valid Jinja or fails on a one-message
     *                               conversation; LIMIT_EXCEEDED when that conversation runs past the limits
     */
    public static ChatTemplate compile(String source, SpecialTokens specialTokens) {
        return compile(source, specialTokens, TemplateLimits.DEFAULT, Clock.systemUTC());
    }

    /** As {@link #compile(String, SpecialTokens)}; {@code clock} is what {@code strftime_now} reads. */
    public static ChatTemplate compile(String source, SpecialTokens specialTokens, TemplateLimits limits, Clock clock) {
        if (source == null || source.isBlank()) {
            throw new IllegalArgumentException("a chat template source is empty; use ChatTemplate.forModel for "
                    + "models that may have none");
        }
        return new ChatTemplate(source, specialTokens, limits, clock);
    }

    /** The model's template, or the {@link #CHATML} fallback when it has none (null or blank). */
    public static ChatTemplate forModel(String sourceOrNull, SpecialTokens specialTokens) {
        return compile(sourceOrNull == null || sourceOrNull.isBlank() ? CHATML : sourceOrNull, specialTokens);
    }

    public String source() {
        return source;
    }

    public TemplateCapabilities capabilities() {
        return capabilities;
    }

    /**
     * Renders a conversation.
     *
     * @param tools               tool definitions offered to the model (empty for none)
     * @param addGenerationPrompt end with the header that starts the assistant's reply
     * @throws ChatTemplateException when the template rejects the conversation or exceeds its limits
     */
    public String render(List<ChatMessage> messages, List<ToolDefinition> tools, boolean addGenerationPrompt) {
        return render(messages, tools, addGenerationPrompt, Map.of());
    }

    /**
     * As {@link #render(List, List, boolean)}, with extra template variables such as Qwen3's
     * {@code enable_thinking}. They cannot replace the standard variables.
     */
    public String render(List<ChatMessage> messages, List<ToolDefinition> tools, boolean addGenerationPrompt,
                         Map<String, Object> extraVariables) {
        Objects.requireNonNull(messages, "messages");
        Objects.requireNonNull(tools, "tools");
        Objects.requireNonNull(extraVariables, "extraVariables");
        if (messages.isEmpty()) {
            throw new IllegalArgumentException("a conversation needs at least one message");
        }
        PromptAdapter.Adapted adapted = PromptAdapter.adapt(messages, tools, capabilities);
        return renderRaw(adapted.messages(), adapted.tools(), addGenerationPrompt, extraVariables);
    }

    private String renderUnadapted(List<ChatMessage> messages, List<ToolDefinition> tools) {
        return renderRaw(messages, tools, true, Map.of());
    }

    private String renderRaw(List<ChatMessage> messages, List<ToolDefinition> tools, boolean addGenerationPrompt,
                             Map<String, Object> extraVariables) {
        Map<String, Object> variables = new HashMap<>(extraVariables);
        List<Object> messageValues = new ArrayList<>(messages.size());
        messages.forEach(m -> messageValues.add(TemplateValues.message(m)));
        variables.put("messages", messageValues);
        // transformers passes tools=None when there are none; templates test "tools is not none" or "if tools".
        variables.put("tools", tools.isEmpty() ? null : tools.stream().<Object>map(TemplateValues::tool).toList());
        variables.put("add_generation_prompt", addGenerationPrompt);
        variables.put("bos_token", specialTokens.bos());
        variables.put("eos_token", specialTokens.eos());
        // Templates test "strftime_now is defined" before calling it; Jinjava's functions are not variables.
        variables.put("strftime_now", "<function strftime_now>");
        variables.put("raise_exception", "<function raise_exception>");
        return jinja.render(variables);
    }
}
