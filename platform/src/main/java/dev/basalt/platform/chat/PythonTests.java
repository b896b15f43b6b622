package dev.basalt.platform.chat;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.exptest.ExpTest;
import java.util.Map;

/**
 * Jinja's {@code is string / mapping / iterable / sequence} tests with Python's answers. Jinjava says a string is
 * not iterable, but Python says it is, and Llama 3.1's template depends on that: it prints a tool result through
 * {@code tojson} when {@code message.content is iterable}, so a string result is rendered quoted.
 */
enum PythonTests implements ExpTest {
    STRING("string") {
        @Override
        public boolean evaluate(Object value, JinjavaInterpreter interpreter, Object... args) {
            return value instanceof CharSequence;
        }
    },
    MAPPING("mapping") {
        @Override
        public boolean evaluate(Object value, JinjavaInterpreter interpreter, Object... args) {
            return value instanceof Map;
        }
    },
    ITERABLE("iterable") {
        @Override
        public boolean evaluate(Object value, JinjavaInterpreter interpreter, Object... args) {
            return value instanceof CharSequence || value instanceof Map || value instanceof Iterable
                    || (value != null && value.getClass().isArray());
        }
    },
    SEQUENCE("sequence") {
        @Override
        public boolean evaluate(Object value, JinjavaInterpreter interpreter, Object... args) {
            return ITERABLE.evaluate(value, interpreter, args);
        }
    };

    private final String name;

    PythonTests(String name) {
        this.name = name;
    }

    @Override
    public String getName() {
        return name;
    }
}
