package dev.basalt.platform.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.basalt.platform.errors.ValidationException;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ChatTemplateTest {

    private static ChatTemplate real(String name) throws IOException {
        return ChatTemplate.compile(ChatTemplateGoldenTest.resource(name + ".jinja"),
                ChatTemplateGoldenTest.TOKENS.get(name), TemplateLimits.DEFAULT, ChatTemplateGoldenTest.FIXED);
    }

    private static ChatTemplate inline(String source) {
        return ChatTemplate.compile(source, SpecialTokens.NONE);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "llama-3.1-8b-instruct,    true,  true,  true,  true",
            "llama-3.2-1b-instruct,    true,  true,  true,  true",
            "qwen2.5-instruct,         true,  true,  true,  true",
            "qwen3-0.6b,               true,  true,  true,  true",
            "mistral-7b-instruct-v0.3, true,  true,  true,  true",
            "smollm2-instruct,         true,  false, false, true",
            "tinyllama-1.1b-chat-v1.0, true,  false, false, false",
            "llama-2-7b-chat,          true,  false, false, false",
            "chatml-fallback,          true,  false, false, true"})
    void detectsWhatEachRealTemplateCanExpress(String name, boolean system, boolean tools, boolean toolCalls,
                                               boolean toolResults) throws IOException {
        assertThat(real(name).capabilities()).isEqualTo(new TemplateCapabilities(system, tools, toolCalls, toolResults));
    }

    /**
     * Renders share a parsed template and reuse pooled Jinjava contexts: many threads rendering different
     * conversations at once must get exactly what rendering them one by one gives, and a failing render must leave
     * nothing behind for the next one.
     */
    @Test
    void concurrentRendersOfOneTemplateAreIndependent() throws Exception {
        ChatTemplate template = ChatTemplate.compile("{% for m in messages %}{% set who = m.role %}<{{ who }}>"
                + "{{ m.content }}{% if m.content == 'boom' %}{{ raise_exception('boom!') }}{% endif %}{% endfor %}",
                new SpecialTokens("<s>", "</s>"));
        List<List<ChatMessage>> conversations = new java.util.ArrayList<>();
        for (int i = 0; i < 200; i++) {
            conversations.add(List.of(ChatMessage.system("s" + i), ChatMessage.user(i % 10 == 0 ? "boom" : "u" + i)));
        }
        List<String> sequential = conversations.stream().map(c -> renderOrError(template, c)).toList();
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(8)) {
            var futures = conversations.stream().map(c -> pool.submit(() -> renderOrError(template, c))).toList();
            for (int i = 0; i < futures.size(); i++) {
                assertThat(futures.get(i).get()).isEqualTo(sequential.get(i));
            }
        }
        assertThat(sequential.get(1)).isEqualTo("<system>s1<user>u1");
        assertThat(sequential.get(0)).startsWith("error: ").contains("boom!");
    }

    private static String renderOrError(ChatTemplate template, List<ChatMessage> conversation) {
        try {
            return template.render(conversation, List.of(), false);
        } catch (ValidationException e) {
            return "error: " + e.getMessage();
        }
    }

    @Test
    void aTemplateThatRejectsSystemMessagesGetsThemInTheFirstUserTurn() {
        ChatTemplate noSystem = inline("""
                {%- for m in messages %}
                    {%- if m.role == 'system' %}{{ raise_exception('System role not supported') }}{% endif %}
                    {{- '[' + m.role + '] ' + m.content + '\\n' }}
                {%- endfor %}""");

        assertThat(noSystem.capabilities().systemRole()).isFalse();
        assertThat(noSystem.render(ChatTemplateGoldenTest.CHAT, List.of(), true)).isEqualTo("""
                [user] You are a helpful assistant.

                Hello!
                [assistant] Hi! How can I help you today?
                [user] What is the capital of France?
                """);
    }

    @Test
    void consecutiveToolResultsBecomeOneUserMessageWhenTheTemplateHasNoToolRole() throws IOException {
        List<ChatMessage> twoResults = List.of(
                ChatMessage.user("Weather in Paris and Rome?"),
                ChatMessage.assistant("", List.of(new ToolCall("a", "get_weather", "{\"city\": \"Paris\"}"),
                        new ToolCall("b", "get_weather", "{\"city\": \"Rome\"}"))),
                ChatMessage.toolResult("a", null, "22"),
                ChatMessage.toolResult("b", null, "25"));

        String prompt = real("tinyllama-1.1b-chat-v1.0").render(twoResults, List.of(), true);

        assertThat(prompt).isEqualTo("""
                <|user|>
                Weather in Paris and Rome?</s>
                <|assistant|>
                {"name": "get_weather", "arguments": {"city": "Paris"}}
                {"name": "get_weather", "arguments": {"city": "Rome"}}</s>
                <|user|>
                {"tool_response": {"tool_call_id": "a", "content": "22"}}
                {"tool_response": {"tool_call_id": "b", "content": "25"}}</s>
                <|assistant|>
                """);
    }

    @Test
    void modelsWithoutATemplateUseTheDocumentedChatMlFallback() throws IOException {
        assertThat(ChatTemplate.CHATML).isEqualTo(ChatTemplateGoldenTest.resource("chatml-fallback.jinja"));
        assertThat(ChatTemplate.forModel(null, SpecialTokens.NONE).source()).isEqualTo(ChatTemplate.CHATML);
        assertThat(ChatTemplate.forModel("  ", SpecialTokens.NONE).render(List.of(ChatMessage.user("Hi")), List.of(), true))
                .isEqualTo("<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n");
    }

    @Test
    void raiseExceptionRejectsTheConversationWithTheTemplatesMessage() throws IOException {
        List<ChatMessage> twoUserTurns = List.of(ChatMessage.user("a"), ChatMessage.user("b"));

        assertThatThrownBy(() -> real("llama-2-7b-chat").render(twoUserTurns, List.of(), true))
                .isInstanceOf(ChatTemplateException.class)
                .isInstanceOf(ValidationException.class)
                .hasMessage("Conversation roles must alternate user/assistant/user/assistant/...")
                .extracting(e -> ((ChatTemplateException) e).kind()).isEqualTo(ChatTemplateException.Kind.REJECTED);

        List<ChatMessage> badCallId = List.of(ChatMessage.user("q"),
                ChatMessage.assistant("", List.of(new ToolCall("x", "f", "{}"))));
        assertThatThrownBy(() -> real("mistral-7b-instruct-v0.3").render(badCallId, List.of(), true))
                .isInstanceOf(ChatTemplateException.class)
                .hasMessage("Tool call IDs should be alphanumeric strings with length 9!");
    }

    @Test
    void syntaxErrorsAreReportedWhenTheTemplateIsCompiled() {
        assertThatThrownBy(() -> inline("{% for m in messages %}{{ m.content }}"))
                .isInstanceOf(ChatTemplateException.class)
                .hasMessageContaining("the chat template is not valid")
                .hasMessageContaining("endfor")
                .extracting(e -> ((ChatTemplateException) e).kind())
                .isEqualTo(ChatTemplateException.Kind.INVALID_TEMPLATE);
        assertThatThrownBy(() -> inline("{% if %}x{% endif %}"))
                .isInstanceOf(ChatTemplateException.class).hasMessageContaining("not valid");
    }

    @Test
    void expressionErrorsFailTheRenderWithTheirLine() {
        ChatTemplate template = inline("line one\n{% if messages|length > 1 %}{{ messages[1].content.nope() }}{% endif %}");

        assertThatThrownBy(() -> template.render(List.of(ChatMessage.user("x"), ChatMessage.assistant("y")), List.of(), false))
                .isInstanceOf(ChatTemplateException.class)
                .hasMessageContaining("the chat template failed")
                .hasMessageContaining("nope")
                .hasMessageContaining("line 2");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{% include 'META-INF/MANIFEST.MF' %}",
            "{% import 'x.jinja' as x %}",
            "{% from 'x' import y %}",
            "{% extends '/etc/passwd' %}"})
    void templatesCannotLoadOtherTemplatesFilesOrClasspathResources(String source) {
        assertThatThrownBy(() -> inline(source))
                .isInstanceOf(ChatTemplateException.class)
                .extracting(e -> ((ChatTemplateException) e).kind())
                .isEqualTo(ChatTemplateException.Kind.INVALID_TEMPLATE);
    }

    @Test
    void endlessLoopsStopAtTheNodeBudgetQuickly() {
        String nested = "{% for a in range(10000) %}{% for b in range(10000) %}{% for c in range(10000) %}"
                + "{{ c }}{% endfor %}{% endfor %}{% endfor %}";
        TemplateLimits limits = new TemplateLimits(100_000_000, 1_000_000, Duration.ofSeconds(30), 10_000, 20);

        ChatTemplateException e = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> org.junit.jupiter.api.Assertions
                .assertThrows(ChatTemplateException.class, () -> ChatTemplate.compile(nested, SpecialTokens.NONE, limits,
                        ChatTemplateGoldenTest.FIXED)));
        assertThat(e.kind()).isEqualTo(ChatTemplateException.Kind.LIMIT_EXCEEDED);
        assertThat(e).hasMessageContaining("1000000 nodes");
    }

    @Test
    void slowTemplatesStopAtTheTimeLimit() {
        String emptyInnerLoops = "{% for a in range(10000) %}{% for b in range(10000) %}{% for c in range(10000) %}"
                + "{% endfor %}{% endfor %}{% endfor %}";
        TemplateLimits limits = new TemplateLimits(1_000_000, Long.MAX_VALUE, Duration.ofMillis(300), 10_000, 20);

        ChatTemplateException e = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> org.junit.jupiter.api.Assertions
                .assertThrows(ChatTemplateException.class, () -> ChatTemplate.compile(emptyInnerLoops, SpecialTokens.NONE,
                        limits, ChatTemplateGoldenTest.FIXED)));
        assertThat(e.kind()).isEqualTo(ChatTemplateException.Kind.LIMIT_EXCEEDED);
        assertThat(e).hasMessageContaining("time limit");
    }

    @Test
    void hugeOutputStopsAtTheOutputLimit() {
        ChatTemplate template = inline("{% for a in range(10000) %}{{ messages[0].content }}{% endfor %}");
        String tenKilobytes = "x".repeat(10_000);

        assertThatThrownBy(() -> template.render(List.of(ChatMessage.user(tenKilobytes)), List.of(), false))
                .isInstanceOf(ChatTemplateException.class)
                .hasMessageContaining("longer than 4000000 characters")
                .extracting(e -> ((ChatTemplateException) e).kind())
                .isEqualTo(ChatTemplateException.Kind.LIMIT_EXCEEDED);
    }

    @Test
    void unboundedRecursionIsStopped() {
        assertThatThrownBy(() -> inline("{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}"))
                .isInstanceOf(ChatTemplateException.class)
                .hasMessageContaining("recurse deeper than 20");
    }

    @Test
    void oneTemplateRendersConcurrentRequestsIndependently() throws Exception {
        ChatTemplate template = real("qwen3-0.6b");
        String expectedChat = ChatTemplateGoldenTest.resource("expected/qwen3-0.6b--chat.txt");
        String expectedTools = ChatTemplateGoldenTest.resource("expected/qwen3-0.6b--tools.txt");

        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(8)) {
            List<java.util.concurrent.Future<Boolean>> results = new java.util.ArrayList<>();
            for (int i = 0; i < 200; i++) {
                boolean tools = i % 2 == 0;
                results.add(pool.submit(() -> tools
                        ? template.render(ChatTemplateGoldenTest.TOOL_CHAT, List.of(ChatTemplateGoldenTest.WEATHER), true)
                                .equals(expectedTools)
                        : template.render(ChatTemplateGoldenTest.CHAT, List.of(), true).equals(expectedChat)));
            }
            for (var result : results) {
                assertThat(result.get()).isTrue();
            }
        }
    }

    @Test
    void extraVariablesReachTheTemplate() {
        ChatTemplate template = inline("{{ 'think' if enable_thinking else 'fast' }}");

        assertThat(template.render(List.of(ChatMessage.user("x")), List.of(), true, Map.of("enable_thinking", true)))
                .isEqualTo("think");
    }

    @Test
    void badInputIsRejectedWithClearMessages() {
        ChatTemplate template = inline("{{ messages|length }}");

        assertThatThrownBy(() -> template.render(List.of(), List.of(), true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one message");
        assertThatThrownBy(() -> ChatMessage.toolResult(" ", "f", "r"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("id of the tool call");
        assertThatThrownBy(() -> new ChatMessage(ChatRole.USER, List.of(), List.of(new ToolCall("i", "f", "{}")), null, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("only assistant messages");
        assertThatThrownBy(() -> new ToolCall("i", " ", "{}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("function name");
        assertThatThrownBy(() -> ChatTemplate.compile("", SpecialTokens.NONE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
        assertThatThrownBy(() -> ToolDefinition.of("f", "d", new com.fasterxml.jackson.databind.ObjectMapper()
                .getNodeFactory().textNode("not a schema")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("JSON object");
    }

    @Test
    void toolArgumentsThatAreNotAJsonObjectReachTheTemplateAsText() {
        ChatTemplate template = inline("{% for m in messages %}{% for c in m.tool_calls %}{{ c.function.name }}:"
                + "{{ c.function.arguments is string }}{{ c.function.arguments|tojson }} {% endfor %}{% endfor %}");

        String rendered = template.render(List.of(ChatMessage.assistant("",
                List.of(new ToolCall("1", "f", "not json"), new ToolCall("2", "g", "{\"a\": [1, 2]}")))), List.of(), false);

        assertThat(rendered).isEqualTo("f:true\"not json\" g:false{\"a\": [1, 2]} ");
    }
}
