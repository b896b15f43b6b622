package dev.basalt.platform.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.engine.scheduler.Completion;
import dev.basalt.engine.scheduler.GenerationListener;
import dev.basalt.engine.scheduler.StopReason;
import dev.basalt.engine.scheduler.TokenEvent;
import dev.basalt.platform.errors.BasaltException;
import dev.basalt.platform.errors.OperationTimeoutException;
import dev.basalt.platform.errors.ValidationException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The hand-over between the engine's thread (listener calls) and the reader, with a stand-in for the engine. */
class ConverseStreamTest {
    private final AtomicReference<GenerationListener> listener = new AtomicReference<>();
    private final AtomicInteger cancels = new AtomicInteger();
    private final AtomicInteger releases = new AtomicInteger();

    private ConverseStream start(Duration timeout) {
        return ConverseStream.start(l -> {
            listener.set(l);
            return cancels::incrementAndGet;
        }, ReplyReader.PlainText::new, e -> new ValidationException(e.getMessage()), 2, timeout, token -> true,
                releases::incrementAndGet);
    }

    @Test
    void eventsArriveInOrderAndTheResultCountsEarlierTokens() throws Exception {
        try (ConverseStream stream = start(Duration.ofSeconds(5))) {
            listener.get().onToken(new TokenEvent(5, "Hel", Float.NaN, List.of()));
            listener.get().onToken(new TokenEvent(6, "", Float.NaN, List.of()));
            listener.get().onToken(new TokenEvent(7, "lo", Float.NaN, List.of()));
            listener.get().onComplete(new Completion(StopReason.MAX_TOKENS, 4, 0, 3, 1, 2));
            assertThat(stream.next()).isEqualTo(new ConverseStream.TextDelta("Hel"));
            assertThat(stream.next()).isEqualTo(new ConverseStream.TextDelta("lo"));
            assertThat(stream.next()).isEqualTo(new ConverseStream.BlockStop());
            assertThat(stream.next()).isInstanceOfSatisfying(ConverseStream.Finished.class, f -> {
                assertThat(f.result().text()).isEqualTo("Hello");
                assertThat(f.result().inputTokens()).isEqualTo(4);
                assertThat(f.result().outputTokens()).isEqualTo(5);
                assertThat(f.result().stopReason()).isEqualTo(StopReason.MAX_TOKENS);
            });
            assertThat(releases).as("the model is held until the stream closes").hasValue(0);
        }
        assertThat(cancels).hasValue(1);
        assertThat(releases).hasValue(1);
    }

    @Test
    void engineErrorsArriveTranslated() throws Exception {
        try (ConverseStream stream = start(Duration.ofSeconds(5))) {
            listener.get().onError(new IllegalArgumentException("bad"));
            assertThat(stream.next()).isInstanceOfSatisfying(ConverseStream.Failed.class, f ->
                    assertThat(f.error()).isInstanceOf(ValidationException.class).hasMessage("bad"));
        }
    }

    @Test
    void pastTheDeadlineTheGenerationIsCancelledAndTheStreamFails() throws Exception {
        try (ConverseStream stream = start(Duration.ofMillis(50))) {
            ConverseStream.Event event = stream.next();
            assertThat(event).isInstanceOf(ConverseStream.Failed.class);
            BasaltException error = ((ConverseStream.Failed) event).error();
            assertThat(error).isInstanceOf(OperationTimeoutException.class).hasMessageContaining("50ms");
            assertThat(cancels).hasValue(1);
        }
    }
}
