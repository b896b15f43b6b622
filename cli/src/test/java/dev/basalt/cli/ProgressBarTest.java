package dev.basalt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ProgressBarTest {
    private static final long SECOND = 1_000_000_000L;

    private final StringWriter text = new StringWriter();
    private long now = 42 * SECOND;

    private ProgressBar bar(boolean terminal) {
        return new ProgressBar(new PrintWriter(text), "model.gguf", ProgressBar.Unit.BYTES, terminal, () -> now, Duration.ofSeconds(5));
    }

    @Test
    void amountsAndTimesRead() {
        assertThat(ProgressBar.amount(0, ProgressBar.Unit.BYTES)).isEqualTo("0 B");
        assertThat(ProgressBar.amount(1023, ProgressBar.Unit.BYTES)).isEqualTo("1023 B");
        assertThat(ProgressBar.amount(1536, ProgressBar.Unit.BYTES)).isEqualTo("1.50 KiB");
        assertThat(ProgressBar.amount(12_900_000, ProgressBar.Unit.BYTES)).isEqualTo("12.3 MiB");
        assertThat(ProgressBar.amount(5L << 30, ProgressBar.Unit.BYTES)).isEqualTo("5.00 GiB");
        assertThat(ProgressBar.amount(300L << 40, ProgressBar.Unit.BYTES)).isEqualTo("300 TiB");
        assertThat(ProgressBar.amount(1234, ProgressBar.Unit.ITEMS)).isEqualTo("1234");
        assertThat(ProgressBar.clockTime(7)).isEqualTo("0:07");
        assertThat(ProgressBar.clockTime(754)).isEqualTo("12:34");
        assertThat(ProgressBar.clockTime(3723)).isEqualTo("1:02:03");
    }

    @Test
    void lineShowsPercentBarAmountsSpeedAndEta() {
        assertThat(ProgressBar.line("f", 45L << 20, 100L << 20, 5 << 20, ProgressBar.Unit.BYTES, 10))
                .isEqualTo("f  45% [####------] 45.0 MiB / 100 MiB  5.00 MiB/s  ETA 0:11");
        assertThat(ProgressBar.line("f", 45L << 20, 100L << 20, Double.NaN, ProgressBar.Unit.BYTES, 0))
                .isEqualTo("f  45% 45.0 MiB / 100 MiB");
        assertThat(ProgressBar.line("f", 100, 100, 50, ProgressBar.Unit.ITEMS, 4))
                .isEqualTo("f 100% [####] 100 / 100  50/s");
        assertThat(ProgressBar.line("f", 0, 0, Double.NaN, ProgressBar.Unit.ITEMS, 4)).isEqualTo("f 100% [####] 0 / 0");
        assertThat(ProgressBar.line("f", 7, -1, 2, ProgressBar.Unit.ITEMS, 4)).isEqualTo("f 7  2/s");
    }

    @Test
    void plainOutputIsALineEveryIntervalAndSpeedIgnoresResumedWork() {
        ProgressBar bar = bar(false);
        bar.update(1000L << 20, 2000L << 20); // resumed: the first 1000 MiB were there before
        now += 2 * SECOND;
        bar.update(1010L << 20, 2000L << 20);
        assertThat(text.toString()).isEmpty();
        now += 3 * SECOND;
        bar.update(1050L << 20, 2000L << 20);
        assertThat(text.toString()).isEqualTo("model.gguf  52% 1.03 GiB / 1.95 GiB  10.0 MiB/s  ETA 1:35" + System.lineSeparator());
        now += SECOND;
        bar.update(2000L << 20, 2000L << 20);
        bar.finish("done: /x/model.gguf");
        assertThat(text.toString().lines()).containsExactly(
                "model.gguf  52% 1.03 GiB / 1.95 GiB  10.0 MiB/s  ETA 1:35",
                "model.gguf 100% 1.95 GiB / 1.95 GiB  167 MiB/s",
                "done: /x/model.gguf");
    }

    @Test
    void terminalOutputRedrawsInPlace() {
        ProgressBar bar = bar(true);
        bar.update(0, 1000);
        now += SECOND / 20;
        bar.update(10, 1000); // too soon to redraw
        now += SECOND;
        bar.update(500, 1000);
        bar.finish(null);
        assertThat(text.toString()).isEqualTo("\rmodel.gguf   0% [------------------------] 0 B / 1000 B"
                + "\rmodel.gguf  50% [############------------] 500 B / 1000 B  476 B/s  ETA 0:02"
                + "\rmodel.gguf  50% [############------------] 500 B / 1000 B  476 B/s  ETA 0:02" + System.lineSeparator());
    }
}
