package dev.basalt.platform.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Python behaviours re-implemented for templates, against values Python 3 printed (see each test). */
class PythonSemanticsTest {

    @Test
    void floatReprMatchesPythonForRandomDoubles() throws IOException {
        // python-float-repr.txt: bit patterns of random doubles and Python's repr of each (generate_expected.py).
        String[] lines = ChatTemplateGoldenTest.resource("python-float-repr.txt").split("\n");
        assertThat(lines).hasSizeGreaterThan(200);
        for (String line : lines) {
            String[] fields = line.split(" ");
            double value = Double.longBitsToDouble(Long.parseUnsignedLong(fields[0], 16));
            assertThat(PythonJson.floatRepr(value)).as("repr of %s", fields[0]).isEqualTo(fields[1]);
        }
    }

    @Test
    void jsonDumpsUsesPythonSeparatorsAndEscapes() {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("z", List.of(1, 2.5, "é\"\\\n\t\u0001"));
        value.put("a", Map.of());
        value.put("n", null);
        value.put("t", true);
        // json.dumps({"z": [1, 2.5, "é\"\\\n\t\x01"], "a": {}, "n": None, "t": True}, ensure_ascii=False)
        assertThat(PythonJson.dumps(value, null))
                .isEqualTo("{\"z\": [1, 2.5, \"é\\\"\\\\\\n\\t\\u0001\"], \"a\": {}, \"n\": null, \"t\": true}");
        // json.dumps({"a": [1, {}], "b": []}, indent=2)
        Map<String, Object> nested = new LinkedHashMap<>();
        nested.put("a", List.of(1, Map.of()));
        nested.put("b", List.of());
        assertThat(PythonJson.dumps(nested, 2)).isEqualTo("{\n  \"a\": [\n    1,\n    {}\n  ],\n  \"b\": []\n}");
    }

    @Test
    void splitStripTitleReplaceBehaveAsPython() {
        assertThat(PythonStringMethods.split("  a  b\t c\n", new Object[0])).containsExactly("a", "b", "c");
        assertThat(PythonStringMethods.split("a,,b,", new Object[] {","})).containsExactly("a", "", "b", "");
        assertThat(PythonStringMethods.split("a b c", new Object[] {null, 1})).containsExactly("a", "b c");
        assertThat(PythonStringMethods.split("a-b-c-d", new Object[] {"-", 2})).containsExactly("a", "b", "c-d");
        assertThat(PythonStringMethods.split("", new Object[0])).isEmpty();
        assertThat(PythonStringMethods.split("", new Object[] {","})).containsExactly("");
        assertThatThrownBy(() -> PythonStringMethods.split("a", new Object[] {""}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty separator");
        assertThat(PythonStringMethods.title("they're bill's friends 3rd-place o'neil"))
                .isEqualTo("They'Re Bill'S Friends 3Rd-Place O'Neil");
        assertThat(PythonStringMethods.lstrip(PythonStringMethods.rstrip("\u00a0 x \u2003", null), null)).isEqualTo("x");
        assertThat(PythonStringMethods.lstrip(PythonStringMethods.rstrip("xyhixy", "xy"), "xy")).isEqualTo("hi");
    }

    @Test
    void strftimeFormatsLikePythonInTheCLocale() {
        var t = LocalDateTime.of(2024, 1, 5, 0, 7, 9).atZone(ZoneOffset.UTC);
        // datetime(2024,1,5,0,7,9).strftime(...)
        assertThat(PythonStrftime.format(t, "%a %A %b %B %d %m %y %Y %H %I %M %S %j %p %% %-d %-m %-H %Q"))
                .isEqualTo("Fri Friday Jan January 05 01 24 2024 00 12 07 09 005 AM % 5 1 0 %Q");
        var afternoon = LocalDateTime.of(2024, 12, 31, 13, 0, 0).atZone(ZoneOffset.UTC);
        assertThat(PythonStrftime.format(afternoon, "%I %p %j %-I")).isEqualTo("01 PM 366 1");
    }

    @Test
    void slicesFollowPythonBounds() {
        List<Integer> items = List.of(0, 1, 2, 3, 4, 5);
        // Python: items[::-1], items[::2], items[-2:], items[4:1:-1], items[:-10], items[10::-2], items[-100:2]
        assertThat(PythonFilters.slice(items, null, null, -1)).containsExactly(5, 4, 3, 2, 1, 0);
        assertThat(PythonFilters.slice(items, null, null, 2)).containsExactly(0, 2, 4);
        assertThat(PythonFilters.slice(items, -2, null, null)).containsExactly(4, 5);
        assertThat(PythonFilters.slice(items, 4, 1, -1)).containsExactly(4, 3, 2);
        assertThat(PythonFilters.slice(items, null, -10, null)).isEmpty();
        assertThat(PythonFilters.slice(items, 10, null, -2)).containsExactly(5, 3, 1);
        assertThat(PythonFilters.slice(items, -100, 2, null)).containsExactly(0, 1);
        assertThatThrownBy(() -> PythonFilters.slice(items, null, null, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("zero");
    }

    /** The reference for slicing: a naive walk over every index Python's slice.indices would produce. */
    @Test
    void slicesMatchANaiveReferenceOnRandomBounds() {
        var random = new java.util.Random(42);
        for (int trial = 0; trial < 2000; trial++) {
            int size = random.nextInt(8);
            List<Integer> items = Arrays.stream(new int[size]).map(i -> random.nextInt(100)).boxed().toList();
            Integer start = random.nextBoolean() ? null : random.nextInt(21) - 10;
            Integer stop = random.nextBoolean() ? null : random.nextInt(21) - 10;
            int step = random.nextBoolean() ? 1 + random.nextInt(3) : -1 - random.nextInt(3);
            assertThat(PythonFilters.slice(items, start, stop, step))
                    .as("%s[%s:%s:%s]", items, start, stop, step)
                    .isEqualTo(naiveSlice(items, start, stop, step));
        }
    }

    /** CPython's PySlice_AdjustIndices, written out literally. */
    private static List<Object> naiveSlice(List<Integer> items, Integer start, Integer stop, int step) {
        int n = items.size();
        int lo;
        int hi;
        if (step > 0) {
            lo = start == null ? 0 : start < 0 ? Math.max(start + n, 0) : Math.min(start, n);
            hi = stop == null ? n : stop < 0 ? Math.max(stop + n, 0) : Math.min(stop, n);
        } else {
            lo = start == null ? n - 1 : start < 0 ? Math.max(start + n, -1) : Math.min(start, n - 1);
            hi = stop == null ? -1 : stop < 0 ? Math.max(stop + n, -1) : Math.min(stop, n - 1);
        }
        List<Object> out = new java.util.ArrayList<>();
        for (int i = lo; step > 0 ? i < hi : i > hi; i += step) {
            out.add(items.get(i));
        }
        return out;
    }
}
