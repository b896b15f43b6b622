package dev.basalt.engine.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class StopSequencesTest {

    @Test
    void holdsBackAPossibleStartAndDropsTheStopSequence() {
        StopSequences s = new StopSequences(List.of("</end>"));
        assertThat(s.accept("Hello </")).isEqualTo("Hello ");
        assertThat(s.accept("e")).isEmpty();
        assertThat(s.accept("nd> after")).isEmpty();
        assertThat(s.stopped()).isTrue();
        assertThat(s.accept("more")).isEmpty();
        assertThat(s.flush()).isEmpty();
    }

    @Test
    void releasesHeldTextWhenItTurnsOutNotToBeAStop() {
        StopSequences s = new StopSequences(List.of("STOP"));
        assertThat(s.accept("a ST")).isEqualTo("a ");
        assertThat(s.accept("AR")).isEqualTo("STAR");
        assertThat(s.accept("ST")).isEmpty();
        assertThat(s.stopped()).isFalse();
        assertThat(s.flush()).isEqualTo("ST");
    }

    /** Oracle: the stop whose first occurrence ends first (ties: starts first) cuts the full text. */
    private static String expected(String text, List<String> stops) {
        int bestStart = -1;
        int bestEnd = Integer.MAX_VALUE;
        for (String stop : stops) {
            int at = text.indexOf(stop);
            if (at >= 0 && (at + stop.length() < bestEnd || (at + stop.length() == bestEnd && at < bestStart))) {
                bestStart = at;
                bestEnd = at + stop.length();
            }
        }
        return bestStart < 0 ? text : text.substring(0, bestStart);
    }

    @Test
    void outputIsIndependentOfChunkingOnRandomTexts() {
        Random rnd = new Random(3);
        for (int trial = 0; trial < 3000; trial++) {
            String text = randomString(rnd, rnd.nextInt(30));
            List<String> stops = new ArrayList<>();
            for (int i = 1 + rnd.nextInt(4); i > 0; i--) {
                stops.add(randomString(rnd, 1 + rnd.nextInt(4)));
            }
            StopSequences s = new StopSequences(stops);
            StringBuilder out = new StringBuilder();
            int pos = 0;
            while (pos < text.length() && !s.stopped()) {
                int end = Math.min(text.length(), pos + rnd.nextInt(5));
                out.append(s.accept(text.substring(pos, end)));
                pos = end;
            }
            out.append(s.flush());
            assertThat(out.toString()).as("text %s stops %s", text, stops).isEqualTo(expected(text, stops));
            assertThat(s.stopped()).isEqualTo(!expected(text, stops).equals(text));
        }
    }

    private static String randomString(Random rnd, int length) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < length; i++) {
            b.append("abc".charAt(rnd.nextInt(3)));
        }
        return b.toString();
    }

    @Test
    void rejectsEmptyStopSequences() {
        assertThatThrownBy(() -> new StopSequences(List.of(""))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("non-empty");
        assertThatThrownBy(() -> new StopSequences(List.of("x")).accept(null))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
