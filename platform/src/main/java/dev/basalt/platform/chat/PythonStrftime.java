package dev.basalt.platform.chat;

import java.time.ZonedDateTime;
import java.time.format.TextStyle;
import java.util.Locale;

/**
 * Python's {@code datetime.strftime} for the directives chat templates use ({@code strftime_now("%d %b %Y")} in
 * Llama 3.2/3.3), in the C locale. glibc's "-" flag ({@code %-d}) drops zero padding. Unknown directives are
 * copied as they are, which is what glibc does.
 */
final class PythonStrftime {

    private PythonStrftime() {
    }

    static String format(ZonedDateTime time, String pattern) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c != '%' || i + 1 >= pattern.length()) {
                out.append(c);
                continue;
            }
            boolean unpadded = pattern.charAt(i + 1) == '-' && i + 2 < pattern.length();
            int directiveAt = unpadded ? i + 2 : i + 1;
            String value = directive(time, pattern.charAt(directiveAt), unpadded);
            if (value == null) {
                out.append(pattern, i, directiveAt + 1);
            } else {
                out.append(value);
            }
            i = directiveAt;
        }
        return out.toString();
    }

    private static String directive(ZonedDateTime t, char d, boolean unpadded) {
        return switch (d) {
            case 'a' -> t.getDayOfWeek().getDisplayName(TextStyle.SHORT, Locale.ENGLISH);
            case 'A' -> t.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.ENGLISH);
            case 'b' -> t.getMonth().getDisplayName(TextStyle.SHORT, Locale.ENGLISH);
            case 'B' -> t.getMonth().getDisplayName(TextStyle.FULL, Locale.ENGLISH);
            case 'd' -> number(t.getDayOfMonth(), 2, unpadded);
            case 'm' -> number(t.getMonthValue(), 2, unpadded);
            case 'y' -> number(t.getYear() % 100, 2, unpadded);
            case 'Y' -> Integer.toString(t.getYear());
            case 'H' -> number(t.getHour(), 2, unpadded);
            case 'I' -> number(t.getHour() % 12 == 0 ? 12 : t.getHour() % 12, 2, unpadded);
            case 'M' -> number(t.getMinute(), 2, unpadded);
            case 'S' -> number(t.getSecond(), 2, unpadded);
            case 'j' -> number(t.getDayOfYear(), 3, unpadded);
            case 'p' -> t.getHour() < 12 ? "AM" : "PM";
            case '%' -> "%";
            default -> null;
        };
    }

    private static String number(int value, int width, boolean unpadded) {
        String digits = Integer.toString(value);
        return unpadded ? digits : "0".repeat(Math.max(0, width - digits.length())) + digits;
    }
}
