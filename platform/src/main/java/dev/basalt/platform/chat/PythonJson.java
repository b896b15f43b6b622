package dev.basalt.platform.chat;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Collection;
import java.util.Iterator;
import java.util.Map;

/**
 * Serialises template values exactly as Python's {@code json.dumps(x, ensure_ascii=False, indent=indent)} does,
 * which is what Hugging Face's {@code tojson} filter calls. Models were trained on that spelling (", " and ": "
 * separators, Python's float repr, insertion-ordered keys), so a compact Jackson rendering would change the prompt.
 */
final class PythonJson {

    private PythonJson() {
    }

    /** {@code json.dumps(value, ensure_ascii=False, indent=indent)}; {@code indent} null means one line. */
    static String dumps(Object value, Integer indent) {
        StringBuilder out = new StringBuilder();
        write(out, value, indent, 0);
        return out.toString();
    }

    private static void write(StringBuilder out, Object value, Integer indent, int depth) {
        switch (value) {
            case null -> out.append("null");
            case CharSequence s -> quote(out, s.toString());
            case Boolean b -> out.append(b ? "true" : "false");
            case Double d -> out.append(floatRepr(d));
            case Float f -> out.append(floatRepr(f.doubleValue()));
            case BigDecimal d -> out.append(floatRepr(d.doubleValue()));
            case Number n -> out.append(n instanceof BigInteger big ? big.toString() : Long.toString(n.longValue()));
            case Map<?, ?> map -> writeMap(out, map, indent, depth);
            case Collection<?> list -> writeList(out, list.iterator(), list.isEmpty(), indent, depth);
            case Object[] array -> writeList(out, java.util.Arrays.asList(array).iterator(), array.length == 0, indent, depth);
            default -> quote(out, value.toString());
        }
    }

    private static void writeMap(StringBuilder out, Map<?, ?> map, Integer indent, int depth) {
        if (map.isEmpty()) {
            out.append("{}");
            return;
        }
        out.append('{');
        boolean first = true;
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            separator(out, first, indent, depth + 1);
            first = false;
            quote(out, String.valueOf(entry.getKey()));
            out.append(": ");
            write(out, entry.getValue(), indent, depth + 1);
        }
        newline(out, indent, depth);
        out.append('}');
    }

    private static void writeList(StringBuilder out, Iterator<?> items, boolean empty, Integer indent, int depth) {
        if (empty) {
            out.append("[]");
            return;
        }
        out.append('[');
        boolean first = true;
        while (items.hasNext()) {
            separator(out, first, indent, depth + 1);
            first = false;
            write(out, items.next(), indent, depth + 1);
        }
        newline(out, indent, depth);
        out.append(']');
    }

    /** Python uses ", " between items on one line, but "," before the newline when indenting. */
    private static void separator(StringBuilder out, boolean first, Integer indent, int depth) {
        if (!first) {
            out.append(indent == null ? ", " : ",");
        }
        newline(out, indent, depth);
    }

    private static void newline(StringBuilder out, Integer indent, int depth) {
        if (indent != null) {
            out.append('\n').append(" ".repeat(indent * depth));
        }
    }

    /** ensure_ascii=False: only quote, backslash and control characters are escaped. */
    private static void quote(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /**
     * The fewest significant digits that read back as {@code d}, rounding the exact binary value (so the closest
     * such decimal). Java's Double.toString is not enough: it keeps two digits where one suffices (4.9E-324).
     */
    private static BigDecimal shortestRoundTrip(double d) {
        BigDecimal exact = new BigDecimal(d);
        for (int digits = 1; digits < 17; digits++) {
            BigDecimal candidate = exact.round(new MathContext(digits, RoundingMode.HALF_EVEN));
            if (candidate.doubleValue() == d) {
                return candidate.stripTrailingZeros();
            }
        }
        return exact.round(new MathContext(17, RoundingMode.HALF_EVEN)).stripTrailingZeros();
    }

    /**
     * Python's {@code repr(float)}: the shortest digits that round-trip, but positional notation for
     * exponents from -4 to 15 and "1e-05" style otherwise; json spells non-finite values NaN and Infinity.
     */
    static String floatRepr(double d) {
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "Infinity" : "-Infinity";
        }
        if (d == 0) {
            return (1 / d < 0) ? "-0.0" : "0.0";
        }
        BigDecimal shortest = shortestRoundTrip(d);
        int exponent = shortest.precision() - shortest.scale() - 1;
        if (exponent >= -4 && exponent < 16) {
            String plain = shortest.toPlainString();
            return plain.contains(".") ? plain : plain + ".0";
        }
        String digits = shortest.unscaledValue().abs().toString();
        String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        String sign = d < 0 ? "-" : "";
        String exp = String.format("%s%02d", exponent < 0 ? "-" : "+", Math.abs(exponent));
        return sign + mantissa + "e" + exp;
    }
}
