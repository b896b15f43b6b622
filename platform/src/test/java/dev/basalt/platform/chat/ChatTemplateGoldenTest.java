package dev.basalt.platform.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Real models' chat templates rendered through {@link ChatTemplate} must equal, character for character, what Python
 * Jinja2 renders under transformers' settings. The expected files were produced by
 * src/test/resources/chat-templates/generate_expected.py with jinja2 3.1.6; its conversations are the ones below.
 */
class ChatTemplateGoldenTest {

    /** 2024-09-03 12:00 UTC, the time generate_expected.py gives strftime_now. */
    static final Clock FIXED = Clock.fixed(Instant.parse("2024-09-03T12:00:00Z"), ZoneOffset.UTC);

    static final List<ChatMessage> CHAT = List.of(
            ChatMessage.system("You are a helpful assistant."),
            ChatMessage.user("Hello!"),
            ChatMessage.assistant("Hi! How can I help you today?"),
            ChatMessage.user("What is the capital of France?"));

    static final ToolDefinition WEATHER = new ToolDefinition("get_weather", "Get the current weather in a city",
            ordered("type", "object",
                    "properties", ordered(
                            "city", ordered("type", "string", "description", "City name"),
                            "unit", ordered("type", "string", "enum", List.of("celsius", "fahrenheit"))),
                    "required", List.of("city")));

    static final List<ChatMessage> TOOL_CHAT = List.of(
            ChatMessage.system("You are a helpful assistant."),
            ChatMessage.user("What is the weather in Paris?"),
            ChatMessage.assistant("", List.of(
                    new ToolCall("call12345", "get_weather", "{\"city\": \"Paris\", \"unit\": \"celsius\"}"))),
            ChatMessage.toolResult("call12345", "get_weather", "{\"temperature\": 22, \"sky\": \"sunny\"}"));

    static final List<ChatMessage> THINKING_CHAT = List.of(
            ChatMessage.user("What is 2+2?"),
            ChatMessage.assistant("<think>\nAdding two and two.\n</think>\n\nIt is 4."),
            ChatMessage.user("And 3+3?"));

    static final Map<String, SpecialTokens> TOKENS = Map.of(
            "llama-3.1-8b-instruct", new SpecialTokens("<|begin_of_text|>", "<|eot_id|>"),
            "llama-3.2-1b-instruct", new SpecialTokens("<|begin_of_text|>", "<|eot_id|>"),
            "qwen2.5-instruct", new SpecialTokens("", "<|im_end|>"),
            "qwen3-0.6b", new SpecialTokens("", "<|im_end|>"),
            "smollm2-instruct", new SpecialTokens("<|im_start|>", "<|im_end|>"),
            "mistral-7b-instruct-v0.3", new SpecialTokens("<s>", "</s>"),
            "tinyllama-1.1b-chat-v1.0", new SpecialTokens("<s>", "</s>"),
            "llama-2-7b-chat", new SpecialTokens("<s>", "</s>"),
            "jinja-features", new SpecialTokens("<s>", "</s>"),
            "chatml-fallback", SpecialTokens.NONE);

    static Stream<Arguments> cases() {
        Stream<Arguments> chats = TOKENS.keySet().stream().sorted().map(t -> Arguments.of(t, "chat", CHAT, List.of(), Map.of()));
        Stream<Arguments> tools = Stream.of("llama-3.1-8b-instruct", "llama-3.2-1b-instruct", "qwen2.5-instruct",
                "qwen3-0.6b", "mistral-7b-instruct-v0.3").map(t -> Arguments.of(t, "tools", TOOL_CHAT, List.of(WEATHER), Map.of()));
        Stream<Arguments> thinking = Stream.of(
                Arguments.of("qwen3-0.6b", "thinking", THINKING_CHAT, List.of(), Map.of()),
                Arguments.of("qwen3-0.6b", "no-thinking", THINKING_CHAT, List.of(), Map.of("enable_thinking", false)),
                Arguments.of("qwen3-0.6b", "thinking-last-turn", concat(THINKING_CHAT,
                        ChatMessage.assistant("<think>\nThree and three.\n</think>\n\nIt is 6.")), List.of(), Map.of()),
                Arguments.of("smollm2-instruct", "no-system", CHAT.subList(1, CHAT.size()), List.of(), Map.of()));
        // Templates without tool support: PromptAdapter rewrites the conversation (see generate_expected.py).
        Stream<Arguments> adapted = Stream.of("llama-2-7b-chat", "chatml-fallback")
                .map(t -> Arguments.of(t, "adapted-tools", TOOL_CHAT, List.of(WEATHER), Map.of()));
        return Stream.of(chats, tools, thinking, adapted).flatMap(s -> s);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void rendersExactlyAsJinja2(String template, String conversation, List<ChatMessage> messages,
                                List<ToolDefinition> tools, Map<String, Object> extra) throws IOException {
        ChatTemplate chatTemplate = ChatTemplate.compile(resource(template + ".jinja"), TOKENS.get(template),
                TemplateLimits.DEFAULT, FIXED);

        String prompt = chatTemplate.render(messages, tools, true, extra);

        assertThat(prompt).isEqualTo(resource("expected/" + template + "--" + conversation + ".txt"));
    }

    static String resource(String name) throws IOException {
        try (InputStream in = ChatTemplateGoldenTest.class.getResourceAsStream("/chat-templates/" + name)) {
            assertThat(in).as("test resource chat-templates/%s", name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static List<ChatMessage> concat(List<ChatMessage> messages, ChatMessage last) {
        return Stream.concat(messages.stream(), Stream.of(last)).toList();
    }

    /** A map that keeps the order its keys are given in, as JSON schemas arrive. */
    static Map<String, Object> ordered(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }
}
