package dev.basalt.cli.chat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;

/**
 * The sampling parameters {@code /params} sets, each unset until given (the server's default then applies).
 *
 * @param temperature 0 to 2
 * @param topP        above 0, at most 1
 * @param maxTokens   at least 1
 * @param seed        any integer
 */
public record ChatParams(Double temperature, Double topP, Integer maxTokens, Long seed) {
    public static final ChatParams DEFAULTS = new ChatParams(null, null, null, null);
    private static final String KNOWN = "temperature, top_p, max_tokens, seed";

    /**
     * These parameters with {@code assignments} ({@code name=value} separated by spaces) applied; all of them or, on
     * the first bad one, none.
     *
     * @throws IllegalArgumentException naming the bad assignment
     */
    public ChatParams with(String assignments) {
        ChatParams out = this;
        for (String assignment : assignments.strip().split("\\s+")) {
            if (assignment.isEmpty()) {
                continue;
            }
            int eq = assignment.indexOf('=');
            if (eq <= 0 || eq == assignment.length() - 1) {
                throw new IllegalArgumentException("expected name=value, got '" + assignment + "'");
            }
            String name = assignment.substring(0, eq).toLowerCase(Locale.ROOT);
            String value = assignment.substring(eq + 1);
            out = switch (name) {
                case "temperature" -> new ChatParams(number(name, value, 0, 2, true), out.topP, out.maxTokens, out.seed);
                case "top_p" -> new ChatParams(out.temperature, number(name, value, 0, 1, false), out.maxTokens, out.seed);
                case "max_tokens" -> new ChatParams(out.temperature, out.topP, positive(name, value), out.seed);
                case "seed" -> new ChatParams(out.temperature, out.topP, out.maxTokens, integer(name, value));
                default -> throw new IllegalArgumentException("unknown parameter '" + name + "'; known: " + KNOWN);
            };
        }
        return out;
    }

    /** Puts the parameters that are set into a chat completions request. */
    public void putInto(ObjectNode request) {
        if (temperature != null) {
            request.put("temperature", temperature);
        }
        if (topP != null) {
            request.put("top_p", topP);
        }
        if (maxTokens != null) {
            request.put("max_tokens", maxTokens);
        }
        if (seed != null) {
            request.put("seed", seed);
        }
    }

    @Override
    public String toString() {
        return "temperature=" + show(temperature) + " top_p=" + show(topP) + " max_tokens=" + show(maxTokens)
                + " seed=" + show(seed);
    }

    private static String show(Object value) {
        return value == null ? "(server default)" : value.toString();
    }

    private static double number(String name, String value, double min, double max, boolean minIncluded) {
        double v;
        try {
            v = Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a number, got '" + value + "'");
        }
        if (!(minIncluded ? v >= min : v > min) || !(v <= max)) {
            throw new IllegalArgumentException(name + " must be " + (minIncluded ? "between " + fmt(min) + " and "
                    : "above " + fmt(min) + " and at most ") + fmt(max) + ", got " + value);
        }
        return v;
    }

    private static int positive(String name, String value) {
        long v = integer(name, value);
        if (v < 1 || v > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(name + " must be a whole number of at least 1, got " + value);
        }
        return (int) v;
    }

    private static long integer(String name, String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, got '" + value + "'");
        }
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
