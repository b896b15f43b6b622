package dev.basalt.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Progress of a long CLI job on stderr: on a terminal a bar redrawn in place (at most ten times a second),
 * otherwise (a log, a pipe, CI) a plain line every few seconds. Shows done/total, percent, speed and ETA; the
 * speed counts only this run's work, so a resumed download does not look faster than it is.
 */
final class ProgressBar {
    /** What is counted. */
    enum Unit {
        BYTES, ITEMS
    }

    private static final long REDRAW_NANOS = Duration.ofMillis(100).toNanos();
    private static final int BAR_WIDTH = 24;
    /** Below this much elapsed time a speed would be noise. */
    private static final long MIN_RATE_NANOS = Duration.ofMillis(500).toNanos();

    private final PrintWriter err;
    private final String label;
    private final Unit unit;
    private final boolean terminal;
    private final LongSupplier clock;
    private final long intervalNanos;
    private long startNanos;
    private long startDone;
    private long lastPrinted;
    private long done;
    private long total = -1;
    private boolean started;
    private int drawnWidth;

    /**
     * @param terminal     redraw a bar in place; otherwise print a line every {@code lineInterval}
     * @param clock        nanosecond time source ({@code System::nanoTime}; tests pass their own)
     */
    ProgressBar(PrintWriter err, String label, Unit unit, boolean terminal, LongSupplier clock, Duration lineInterval) {
        this.err = err;
        this.label = label;
        this.unit = unit;
        this.terminal = terminal;
        this.clock = clock;
        this.intervalNanos = terminal ? REDRAW_NANOS : lineInterval.toNanos();
    }

    /** A bar on stderr when the process's console is a terminal, otherwise a line every 5 seconds. */
    static ProgressBar forStderr(PrintWriter err, String label, Unit unit) {
        java.io.Console console = System.console();
        return new ProgressBar(err, label, unit, console != null && console.isTerminal(), System::nanoTime, Duration.ofSeconds(5));
    }

    /** @param total the amount when complete, or a negative number when it is not known */
    void update(long done, long total) {
        long now = clock.getAsLong();
        this.done = done;
        this.total = total;
        if (!started) {
            started = true;
            startNanos = now;
            startDone = done;
            lastPrinted = now;
            if (terminal) {
                draw(now);
            }
            return;
        }
        if (now - lastPrinted >= intervalNanos) {
            lastPrinted = now;
            draw(now);
        }
    }

    /** Shows the final state on its own line, then {@code message} (null for none). */
    void finish(String message) {
        long now = clock.getAsLong();
        String text = line(label, done, total, rate(now), unit, terminal ? BAR_WIDTH : 0);
        err.println(terminal ? "\r" + pad(text) : text);
        if (message != null) {
            err.println(message);
        }
        err.flush();
    }

    private void draw(long now) {
        String text = line(label, done, total, rate(now), unit, terminal ? BAR_WIDTH : 0);
        if (terminal) {
            err.print("\r" + pad(text));
        } else {
            err.println(text);
        }
        err.flush();
    }

    /** Pads with spaces over what the previous, longer, redraw left on the line. */
    private String pad(String text) {
        String padded = text.length() < drawnWidth ? text + " ".repeat(drawnWidth - text.length()) : text;
        drawnWidth = text.length();
        return padded;
    }

    /** Work per second in this run, or NaN while too little time has passed to tell. */
    private double rate(long now) {
        long elapsed = now - startNanos;
        return elapsed < MIN_RATE_NANOS ? Double.NaN : (done - startDone) * 1e9 / elapsed;
    }

    /**
     * One progress line: {@code label  45% [##########------------] 12.3 MiB / 27.3 MiB  1.2 MiB/s  ETA 0:12}.
     *
     * @param rate     per second, NaN when unknown
     * @param barWidth characters of the bar; 0 for none
     */
    static String line(String label, long done, long total, double rate, Unit unit, int barWidth) {
        StringBuilder s = new StringBuilder(label).append(' ');
        boolean known = total >= 0;
        double fraction = !known ? 0 : total == 0 ? 1 : Math.min(1, (double) done / total);
        if (known) {
            s.append(String.format(Locale.ROOT, "%3d%%", (int) Math.floor(fraction * 100))).append(' ');
        }
        if (barWidth > 0 && known) {
            int filled = (int) Math.floor(fraction * barWidth);
            s.append('[').append("#".repeat(filled)).append("-".repeat(barWidth - filled)).append("] ");
        }
        s.append(amount(done, unit));
        if (known) {
            s.append(" / ").append(amount(total, unit));
        }
        if (!Double.isNaN(rate)) {
            s.append("  ").append(amount(Math.round(rate), unit)).append("/s");
            if (known && done < total && rate > 0) {
                s.append("  ETA ").append(clockTime((long) Math.ceil((total - done) / rate)));
            }
        }
        return s.toString();
    }

    /** {@code 512 B}, {@code 1.5 KiB}, {@code 12.3 MiB}, {@code 1.25 GiB} for bytes; the plain number for items. */
    static String amount(long n, Unit unit) {
        if (unit == Unit.ITEMS) {
            return Long.toString(n);
        }
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int i = -1;
        while (v >= 1024 && i < units.length - 1) {
            v /= 1024;
            i++;
        }
        return String.format(Locale.ROOT, v >= 100 ? "%.0f %s" : v >= 10 ? "%.1f %s" : "%.2f %s", v, units[i]);
    }

    /** {@code 0:07}, {@code 12:34}, {@code 1:02:03}. */
    static String clockTime(long seconds) {
        long h = seconds / 3600;
        long m = seconds / 60 % 60;
        long s = seconds % 60;
        return h > 0 ? String.format(Locale.ROOT, "%d:%02d:%02d", h, m, s) : String.format(Locale.ROOT, "%d:%02d", m, s);
    }
}
