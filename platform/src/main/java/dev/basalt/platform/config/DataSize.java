package dev.basalt.platform.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A size in bytes, written in configuration as {@code 512}, {@code 64KiB}, {@code 32MiB}, {@code 10MB}, {@code 1GiB}. */
public record DataSize(long bytes) {
    private static final Pattern FORMAT = Pattern.compile("(\\d+)\\s*([KMGT]i?B|B)?", Pattern.CASE_INSENSITIVE);
    private static final String[] BINARY_UNITS = {"B", "KiB", "MiB", "GiB", "TiB"};

    public DataSize {
        if (bytes < 0) {
            throw new IllegalArgumentException("size must not be negative");
        }
    }

    /** Parses a size; decimal units (KB = 1000) and binary units (KiB = 1024) are both accepted. */
    public static DataSize parse(String text) {
        Matcher m = FORMAT.matcher(text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a size (examples: 512, 64KiB, 32MiB, 10MB)");
        }
        String unit = m.group(2) == null ? "B" : m.group(2).toUpperCase(Locale.ROOT);
        long base = unit.contains("I") ? 1024 : 1000;
        int power = "BKMGT".indexOf(unit.charAt(0));
        try {
            long value = Long.parseLong(m.group(1));
            for (int i = 0; i < power; i++) {
                value = Math.multiplyExact(value, base);
            }
            return new DataSize(value);
        } catch (ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is too large");
        }
    }

    /** The exact value in the largest binary unit that divides it, so that {@code parse(toString())} round-trips. */
    @Override
    public String toString() {
        long value = bytes;
        int unit = 0;
        while (value != 0 && value % 1024 == 0 && unit < BINARY_UNITS.length - 1) {
            value /= 1024;
            unit++;
        }
        return value + BINARY_UNITS[unit];
    }
}
