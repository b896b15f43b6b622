package dev.basalt.platform.runtime;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Finds tool calls in what a model wrote, in the formats open models use:
 * <ul>
 *   <li>Hermes / Qwen: {@code <tool_call>{"name": ..., "arguments": {...}}</tool_call>}, text around them allowed;</li>
 *   <li>Mistral: {@code [TOOL_CALLS] [{"name": ..., "arguments": {...}}, ...]};</li>
 *   <li>Llama 3.x: {@code <|python_tag|>} optionally, then {@code {"name": ..., "parameters": {...}}};</li>
 *   <li>bare JSON objects, one per line (the format the prompt adapter asks of templates without tool support).</li>
 * </ul>
 * Only objects naming one of the request's tools, with an object of arguments ({@code arguments} or
 * {@code parameters}; a JSON string holding an object is accepted too), count as calls; anything else stays text.
 */
final class ToolCallParser {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> OPEN_MARKERS = List.of("<tool_call>", "[TOOL_CALLS]", "<|python_tag|>");
    private static final String CLOSE_MARKER = "</tool_call>";

    sealed interface Segment {}

    record Text(String text) implements Segment {}

    record Call(String name, String argumentsJson) implements Segment {}

    private ToolCallParser() {}

    /** Where the first call marker starts in {@code text}, or -1. */
    static int firstMarker(CharSequence text) {
        String s = text.toString();
        int first = -1;
        for (String marker : OPEN_MARKERS) {
            int at = s.indexOf(marker);
            if (at >= 0 && (first < 0 || at < first)) {
                first = at;
            }
        }
        return first;
    }

    /** The length of the longest end of {@code text} that could be the beginning of a marker. */
    static int markerPrefixLength(CharSequence text) {
        int longest = 0;
        for (String marker : OPEN_MARKERS) {
            for (int n = Math.min(marker.length() - 1, text.length()); n > longest; n--) {
                if (marker.startsWith(text.subSequence(text.length() - n, text.length()).toString())) {
                    longest = n;
                    break;
                }
            }
        }
        return longest;
    }

    /** The text split into text and calls, in order; whitespace between calls is dropped. */
    static List<Segment> parse(String text, Set<String> toolNames) {
        List<Segment> segments = new ArrayList<>();
        StringBuilder plain = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            String marker = markerAt(text, i);
            if (marker != null) {
                i += marker.length();
                continue;
            }
            char c = text.charAt(i);
            if (c == '{' || c == '[') {
                Parsed parsed = readJson(text, i);
                List<Call> calls = parsed == null ? List.of() : calls(parsed.value(), toolNames);
                if (!calls.isEmpty()) {
                    addText(segments, plain);
                    segments.addAll(calls);
                    i = parsed.end();
                    continue;
                }
            }
            plain.append(c);
            i++;
        }
        addText(segments, plain);
        return segments;
    }

    /** True when {@code json} is exactly one JSON object. */
    static boolean isJsonObject(String json) {
        Parsed parsed = readJson(json, 0);
        return parsed != null && parsed.value().isObject() && json.substring(parsed.end()).isBlank();
    }

    private static String markerAt(String text, int i) {
        for (String marker : OPEN_MARKERS) {
            if (text.startsWith(marker, i)) {
                return marker;
            }
        }
        return text.startsWith(CLOSE_MARKER, i) ? CLOSE_MARKER : null;
    }

    private static void addText(List<Segment> segments, StringBuilder plain) {
        String text = plain.toString();
        boolean betweenCalls = segments.isEmpty() ? false : segments.getLast() instanceof Call;
        if (!text.isBlank()) {
            segments.add(new Text(betweenCalls ? text.strip() : text.stripTrailing()));
        }
        plain.setLength(0);
    }

    private record Parsed(JsonNode value, int end) {}

    /** One JSON value starting at {@code from}, and where it ends; null when there is none. */
    private static Parsed readJson(String text, int from) {
        try (JsonParser parser = JSON.createParser(text.substring(from))) {
            JsonNode value = JSON.readTree(parser);
            if (value == null) {
                return null;
            }
            return new Parsed(value, from + (int) parser.currentLocation().getCharOffset());
        } catch (IOException e) {
            return null;
        }
    }

    private static List<Call> calls(JsonNode value, Set<String> toolNames) {
        List<Call> calls = new ArrayList<>();
        for (JsonNode node : value.isArray() ? value : List.of(value)) {
            Call call = call(node, toolNames);
            if (call == null) {
                return List.of();
            }
            calls.add(call);
        }
        return calls;
    }

    private static Call call(JsonNode node, Set<String> toolNames) {
        if (!node.isObject() || !node.path("name").isTextual() || !toolNames.contains(node.get("name").asText())) {
            return null;
        }
        JsonNode arguments = node.has("arguments") ? node.get("arguments") : node.get("parameters");
        if (arguments == null) {
            arguments = JSON.createObjectNode();
        }
        if (arguments.isTextual()) {
            try {
                arguments = JSON.readTree(arguments.asText());
            } catch (JsonProcessingException e) {
                return null;
            }
        }
        return arguments.isObject() ? new Call(node.get("name").asText(), arguments.toString()) : null;
    }
}
