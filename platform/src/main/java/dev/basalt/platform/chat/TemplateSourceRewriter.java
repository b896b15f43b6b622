package dev.basalt.platform.chat;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Makes a Jinja2 source render under Jinjava as it does under Jinja2. First the whitespace rules transformers sets
 * are applied to the text ({@link #applyWhitespaceRules}); then the few Python Jinja expressions that Jinjava
 * parses differently or not at all are rewritten into equivalents, inside {@code {{ }}} and {@code {% %}} only and
 * never inside string literals:
 * <ul>
 *   <li>extended slicing with a step ({@code messages[::-1]}, Qwen3 walks messages backwards) becomes a call of
 *       the {@code __pyslice} filter on the same operand;</li>
 *   <li>{@code not x is defined} becomes {@code x is not defined}: Jinja2 binds {@code is} tighter than
 *       {@code not}, Jinjava does the opposite (Llama 3.1 would otherwise drop its tools);</li>
 *   <li>keyword arguments are parenthesised ({@code namespace(i=messages|length - 1)}), because Jinjava binds
 *       the filter and the subtraction to the name=value pair instead of to the value.</li>
 * </ul>
 * Not bridged (no real template we know uses them): slices of literals ({@code 'abc'[::-1]}), "}}" inside an
 * expression ({@code {{ {'a': {}} }}} needs a space), indexing a string by position.
 */
final class TemplateSourceRewriter {

    /** An operand (name, attribute and index chain without nested brackets) followed by a slice with two colons. */
    private static final Pattern STEP_SLICE = Pattern.compile(
            "([A-Za-z_][A-Za-z0-9_]*(?:\\.[A-Za-z_][A-Za-z0-9_]*|\\[[^\\[\\]:]*\\])*)"
                    + "\\[\\s*([^\\[\\]:]*?)\\s*:\\s*([^\\[\\]:]*?)\\s*:\\s*([^\\[\\]:]*?)\\s*\\]");

    /** {@code not <operand> is [not] <test>}. */
    private static final Pattern NOT_IS = Pattern.compile(
            "\\bnot\\s+([A-Za-z_][A-Za-z0-9_]*(?:\\.[A-Za-z_][A-Za-z0-9_]*|\\[[^\\[\\]]*\\])*)\\s+is\\s+(not\\s+)?");

    static final String SLICE_FILTER = "__pyslice";

    private TemplateSourceRewriter() {
    }

    static String rewrite(String source) {
        return rewriteTags(applyWhitespaceRules(source));
    }

    /**
     * Jinja2 as transformers configures it: the newline after a block or comment tag is dropped (trim_blocks),
     * spaces and tabs from the start of a line up to a block or comment tag are dropped (lstrip_blocks; "{%+"
     * keeps them, "+%}" keeps the newline), and one newline at the very end of the source is dropped
     * (keep_trailing_newline=False). Whitespace control with "-" is left to Jinjava, which handles it like Jinja2.
     */
    static String applyWhitespaceRules(String source) {
        String s = source.endsWith("\r\n") ? source.substring(0, source.length() - 2)
                : source.endsWith("\n") || source.endsWith("\r") ? source.substring(0, source.length() - 1) : source;
        StringBuilder out = new StringBuilder(s.length());
        int i = 0;
        while (i < s.length()) {
            int open = nextOpen(s, i);
            if (open < 0) {
                out.append(s, i, s.length());
                break;
            }
            boolean block = s.startsWith("{%", open) || s.startsWith("{#", open);
            int textEnd = open;
            if (block && !s.startsWith("+", open + 2)) {
                int lineStart = open;
                while (lineStart > i && (s.charAt(lineStart - 1) == ' ' || s.charAt(lineStart - 1) == '\t')) {
                    lineStart--;
                }
                boolean atLineStart = lineStart == 0 || s.charAt(lineStart - 1) == '\n' || s.charAt(lineStart - 1) == '\r';
                if (atLineStart && lineStart >= i) {
                    textEnd = lineStart;
                }
            }
            out.append(s, i, textEnd);
            String closer = s.startsWith("{{", open) ? "}}" : s.startsWith("{%", open) ? "%}" : "#}";
            int close = closer.equals("#}") ? s.indexOf("#}", open + 2) : findCloser(s, open + 2, closer);
            if (close < 0) {
                out.append(s, open, s.length()); // unterminated: Jinjava reports the syntax error
                break;
            }
            int end = close + 2;
            out.append(s, open, end);
            if (block && s.charAt(close - 1) != '+') {
                if (s.startsWith("\r\n", end)) {
                    end += 2;
                } else if (end < s.length() && (s.charAt(end) == '\n' || s.charAt(end) == '\r')) {
                    end++;
                }
            }
            i = end;
        }
        return out.toString();
    }

    private static final String[] OPENERS = {"{{", "{%", "{#"};

    /** The next tag or comment opening at or after {@code from}, or -1. */
    private static int nextOpen(String s, int from) {
        int first = -1;
        for (String opener : OPENERS) {
            int at = s.indexOf(opener, from);
            if (at >= 0 && (first < 0 || at < first)) {
                first = at;
            }
        }
        return first;
    }

    /** Rewrites the code inside every expression and statement tag; text and comments are copied. */
    private static String rewriteTags(String source) {
        StringBuilder out = new StringBuilder(source.length());
        int i = 0;
        while (i < source.length()) {
            int open = nextOpen(source, i);
            if (open < 0) {
                out.append(source, i, source.length());
                break;
            }
            if (source.startsWith("{#", open)) {
                int end = source.indexOf("#}", open + 2);
                int next = end < 0 ? source.length() : end + 2;
                out.append(source, i, next);
                i = next;
                continue;
            }
            String closer = source.startsWith("{{", open) ? "}}" : "%}";
            int close = findCloser(source, open + 2, closer);
            if (close < 0) {
                out.append(source, i, source.length()); // unterminated: Jinjava reports the syntax error
                break;
            }
            out.append(source, i, open + 2);
            out.append(parenthesizeKeywordArguments(rewriteExpression(source.substring(open + 2, close))));
            i = close;
        }
        return out.toString();
    }

    /** Finds the closing delimiter, skipping quoted strings (which may contain "}}"). */
    private static int findCloser(String s, int from, String closer) {
        char quote = 0;
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quote != 0) {
                if (c == '\\') {
                    i++;
                } else if (c == quote) {
                    quote = 0;
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (s.startsWith(closer, i)) {
                return i;
            }
        }
        return -1;
    }

    /** Applies the slice and not/is rewrites to the code of one tag; string literals are never matched. */
    private static String rewriteExpression(String code) {
        String sliced = replace(code, STEP_SLICE, group -> "(" + group.apply(1) + "|" + SLICE_FILTER + "("
                + orNone(group.apply(2)) + ", " + orNone(group.apply(3)) + ", " + orNone(group.apply(4)) + "))");
        return replace(sliced, NOT_IS, group -> group.apply(1) + (group.apply(2) == null ? " is not " : " is "));
    }

    /**
     * Replaces every match of {@code pattern} in the code, matching against a copy whose string literals are
     * blanked out (so text inside quotes never matches) while the replacement reads the original text.
     */
    private static String replace(String code, Pattern pattern, Function<IntFunction<String>, String> replacement) {
        Matcher m = pattern.matcher(maskStrings(code));
        StringBuilder out = new StringBuilder();
        int last = 0;
        while (m.find()) {
            out.append(code, last, m.start());
            out.append(replacement.apply(g -> m.start(g) < 0 ? null : code.substring(m.start(g), m.end(g))));
            last = m.end();
        }
        return out.append(code.substring(last)).toString();
    }

    /** The code with every character inside a string literal replaced by '_' (the quotes stay). */
    private static String maskStrings(String code) {
        StringBuilder out = new StringBuilder(code);
        char quote = 0;
        for (int i = 0; i < code.length(); i++) {
            char c = code.charAt(i);
            if (quote == 0) {
                if (c == '\'' || c == '"') {
                    quote = c;
                }
            } else if (c == quote) {
                quote = 0;
            } else {
                out.setCharAt(i, '_');
                if (c == '\\' && i + 1 < code.length()) {
                    out.setCharAt(++i, '_');
                }
            }
        }
        return out.toString();
    }

    /**
     * Wraps the value of every {@code name=value} argument in parentheses. The value ends at the next comma or
     * closing bracket of the same nesting depth; string literals are skipped.
     */
    static String parenthesizeKeywordArguments(String code) {
        TreeMap<Integer, String> inserts = new TreeMap<>();
        Deque<Character> brackets = new ArrayDeque<>();
        Deque<Integer> openValueDepths = new ArrayDeque<>();
        char quote = 0;
        for (int i = 0; i < code.length(); i++) {
            char c = code.charAt(i);
            if (quote != 0) {
                if (c == '\\') {
                    i++;
                } else if (c == quote) {
                    quote = 0;
                }
                continue;
            }
            switch (c) {
                case '\'', '"' -> quote = c;
                case '(', '[', '{' -> brackets.push(c);
                case ')', ']', '}', ',' -> {
                    if (!openValueDepths.isEmpty() && openValueDepths.peek() == brackets.size()) {
                        inserts.merge(i, ")", String::concat);
                        openValueDepths.pop();
                    }
                    if (c != ',' && !brackets.isEmpty()) {
                        brackets.pop();
                    }
                }
                case '=' -> {
                    boolean comparison = (i + 1 < code.length() && code.charAt(i + 1) == '=')
                            || (i > 0 && "=!<>".indexOf(code.charAt(i - 1)) >= 0);
                    if (!comparison && !brackets.isEmpty() && brackets.peek() == '(' && isKeyword(code, i)) {
                        inserts.merge(i + 1, "(", String::concat);
                        openValueDepths.push(brackets.size());
                    }
                }
                default -> {
                }
            }
        }
        StringBuilder out = new StringBuilder(code);
        inserts.descendingMap().forEach(out::insert);
        return out.toString();
    }

    /** True when the '=' at {@code at} follows an identifier that follows '(' or ','. */
    private static boolean isKeyword(String code, int at) {
        int i = at - 1;
        while (i >= 0 && Character.isWhitespace(code.charAt(i))) {
            i--;
        }
        int end = i;
        while (i >= 0 && (Character.isLetterOrDigit(code.charAt(i)) || code.charAt(i) == '_')) {
            i--;
        }
        if (i == end) {
            return false;
        }
        while (i >= 0 && Character.isWhitespace(code.charAt(i))) {
            i--;
        }
        return i >= 0 && (code.charAt(i) == '(' || code.charAt(i) == ',');
    }

    private static String orNone(String part) {
        return part.isBlank() ? "none" : part;
    }
}
