package dev.basalt.platform.chat;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import java.time.Instant;
import java.time.ZonedDateTime;

/**
 * The globals transformers adds to every chat template. Jinjava binds functions to static methods, so the clock
 * comes from the interpreter's configured {@code DateTimeProvider} (ChatTemplate sets it from its {@code Clock}).
 */
final class TemplateFunctions {

    private TemplateFunctions() {
    }

    /** {@code raise_exception(message)}: the template rejects the conversation. */
    public static Object raiseException(Object message) {
        throw new TemplateRaisedException(String.valueOf(message));
    }

    /** {@code strftime_now(format)}: the current time formatted like Python's strftime. */
    public static String strftimeNow(String format) {
        JinjavaInterpreter interpreter = JinjavaInterpreter.getCurrent();
        long millis = interpreter.getConfig().getDateTimeProvider().getCurrentTimeMillis();
        ZonedDateTime now = Instant.ofEpochMilli(millis).atZone(interpreter.getConfig().getTimeZone());
        return PythonStrftime.format(now, format);
    }

    /** Carries raise_exception's message out through Jinjava's error handling. */
    static final class TemplateRaisedException extends RuntimeException {
        TemplateRaisedException(String message) {
            super(message, null, false, false);
        }
    }
}
