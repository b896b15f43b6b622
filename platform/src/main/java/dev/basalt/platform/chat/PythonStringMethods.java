package dev.basalt.platform.chat;

import java.beans.FeatureDescriptor;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import jinjava.javax.el.ELContext;
import jinjava.javax.el.ELResolver;

/**
 * Gives strings (and dicts) the Python methods chat templates call, with Python's semantics. Jinjava otherwise
 * resolves {@code s.split(',')} to Java's regex split and has no {@code startswith}; placed first in the resolver
 * chain, this resolver answers for the names below and leaves every other call to Jinjava's own resolvers.
 */
final class PythonStringMethods extends ELResolver {

    /** Marks a method name this resolver does not implement, so Jinjava's resolvers get to try it. */
    private static final Object NOT_HANDLED = new Object();

    @Override
    public Object invoke(ELContext context, Object base, Object method, Class<?>[] paramTypes, Object[] params) {
        if (!(method instanceof String name)) {
            return null;
        }
        Object[] args = params == null ? new Object[0] : params;
        Object result;
        if (base instanceof String s) {
            result = stringMethod(s, name, args);
        } else if (base instanceof Map<?, ?> map && name.equals("get") && args.length == 2) {
            result = map.containsKey(args[0]) ? map.get(args[0]) : args[1];
        } else {
            return null;
        }
        if (result == NOT_HANDLED) {
            return null;
        }
        context.setPropertyResolved(true);
        return result;
    }

    private static Object stringMethod(String s, String name, Object[] args) {
        return switch (name) {
            case "strip" -> lstrip(rstrip(s, chars(args)), chars(args));
            case "lstrip" -> lstrip(s, chars(args));
            case "rstrip" -> rstrip(s, chars(args));
            case "startswith" -> matchesAny(args, s::startsWith);
            case "endswith" -> matchesAny(args, s::endsWith);
            case "split" -> split(s, args);
            case "upper" -> s.toUpperCase(Locale.ROOT);
            case "lower" -> s.toLowerCase(Locale.ROOT);
            case "title" -> title(s);
            case "capitalize" -> s.isEmpty() ? s
                    : s.substring(0, 1).toUpperCase(Locale.ROOT) + s.substring(1).toLowerCase(Locale.ROOT);
            case "replace" -> replace(s, args);
            case "join" -> join(s, args);
            case "find" -> args.length == 1 ? s.indexOf(str(args[0])) : NOT_HANDLED;
            default -> NOT_HANDLED;
        };
    }

    /** The characters to strip, or null for Python's default of whitespace. */
    private static String chars(Object[] args) {
        return args.length == 0 || args[0] == null ? null : str(args[0]);
    }

    private static boolean strippable(char c, String chars) {
        return chars == null ? Character.isWhitespace(c) || Character.isSpaceChar(c) : chars.indexOf(c) >= 0;
    }

    static String lstrip(String s, String chars) {
        int start = 0;
        while (start < s.length() && strippable(s.charAt(start), chars)) {
            start++;
        }
        return s.substring(start);
    }

    static String rstrip(String s, String chars) {
        int end = s.length();
        while (end > 0 && strippable(s.charAt(end - 1), chars)) {
            end--;
        }
        return s.substring(0, end);
    }

    /** Python accepts a single prefix or a tuple (here: a list) of them. */
    private static boolean matchesAny(Object[] args, java.util.function.Predicate<String> test) {
        if (args.length != 1) {
            throw new IllegalArgumentException("startswith/endswith take one argument");
        }
        if (args[0] instanceof List<?> options) {
            return options.stream().anyMatch(o -> test.test(str(o)));
        }
        return test.test(str(args[0]));
    }

    /** Python's str.split: no separator splits on runs of whitespace and drops empty parts. */
    static List<String> split(String s, Object[] args) {
        String sep = args.length == 0 || args[0] == null ? null : str(args[0]);
        int maxSplit = args.length > 1 && args[1] instanceof Number n ? n.intValue() : -1;
        List<String> parts = new ArrayList<>();
        if (sep == null) {
            int i = 0;
            while (true) {
                while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                    i++;
                }
                if (i >= s.length()) {
                    return parts;
                }
                if (maxSplit >= 0 && parts.size() == maxSplit) {
                    parts.add(rstrip(s.substring(i), null));
                    return parts;
                }
                int end = i;
                while (end < s.length() && !Character.isWhitespace(s.charAt(end))) {
                    end++;
                }
                parts.add(s.substring(i, end));
                i = end;
            }
        }
        if (sep.isEmpty()) {
            throw new IllegalArgumentException("empty separator");
        }
        int from = 0;
        int at;
        while ((maxSplit < 0 || parts.size() < maxSplit) && (at = s.indexOf(sep, from)) >= 0) {
            parts.add(s.substring(from, at));
            from = at + sep.length();
        }
        parts.add(s.substring(from));
        return parts;
    }

    /** Python's str.title: a letter after a non-letter is upper-cased, every other letter lower-cased. */
    static String title(String s) {
        StringBuilder out = new StringBuilder(s.length());
        boolean previousIsLetter = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            out.append(previousIsLetter ? Character.toLowerCase(c) : Character.toTitleCase(c));
            previousIsLetter = Character.isLetter(c);
        }
        return out.toString();
    }

    private static String replace(String s, Object[] args) {
        if (args.length < 2) {
            throw new IllegalArgumentException("replace takes two or three arguments");
        }
        String old = str(args[0]);
        String replacement = str(args[1]);
        int count = args.length > 2 && args[2] instanceof Number n ? n.intValue() : -1;
        if (count < 0) {
            return s.replace(old, replacement);
        }
        StringBuilder out = new StringBuilder();
        int from = 0;
        int at;
        for (int done = 0; done < count && (at = s.indexOf(old, from)) >= 0; done++) {
            out.append(s, from, at).append(replacement);
            from = at + old.length();
        }
        return out.append(s.substring(from)).toString();
    }

    private static String join(String separator, Object[] args) {
        if (args.length != 1 || !(args[0] instanceof Iterable<?> items)) {
            throw new IllegalArgumentException("join takes one list");
        }
        StringBuilder out = new StringBuilder();
        boolean first = true;
        for (Object item : items) {
            if (!first) {
                out.append(separator);
            }
            first = false;
            out.append(str(item));
        }
        return out.toString();
    }

    private static String str(Object o) {
        return o == null ? "None" : o.toString();
    }

    @Override
    public Object getValue(ELContext context, Object base, Object property) {
        return null;
    }

    @Override
    public Class<?> getType(ELContext context, Object base, Object property) {
        return null;
    }

    @Override
    public void setValue(ELContext context, Object base, Object property, Object value) {
    }

    @Override
    public boolean isReadOnly(ELContext context, Object base, Object property) {
        return true;
    }

    @Override
    public Iterator<FeatureDescriptor> getFeatureDescriptors(ELContext context, Object base) {
        return null;
    }

    @Override
    public Class<?> getCommonPropertyType(ELContext context, Object base) {
        return null;
    }
}
