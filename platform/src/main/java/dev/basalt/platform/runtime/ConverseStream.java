package dev.basalt.platform.runtime;

import dev.basalt.engine.scheduler.Completion;
import dev.basalt.engine.scheduler.Generation;
import dev.basalt.engine.scheduler.GenerationListener;
import dev.basalt.engine.scheduler.TokenEvent;
import dev.basalt.platform.errors.BasaltException;
import dev.basalt.platform.errors.InternalException;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Function;

/**
 * A reply being generated, read as a sequence of events by the thread that serves the client. The engine's
 * scheduler thread only appends to a queue (it must never wait on a slow client); the reader takes events in
 * order with {@link #next()}. Closing the stream cancels the generation, which frees its engine slot at the next
 * scheduler step, so a client that goes away stops the work it started.
 */
public final class ConverseStream implements AutoCloseable {
    /** What {@link #next()} returns: text deltas, then exactly one {@link Finished} or {@link Failed}. */
    public sealed interface Event {}

    /** Text that became final; never empty. */
    public record TextDelta(String text) implements Event {}

    /** The end of the reply, with the whole text, usage and latency. */
    public record Finished(ConverseResult result) implements Event {}

    /** The generation failed after it had started; the error is already in the platform's terms. */
    public record Failed(BasaltException error) implements Event {}

    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private volatile Generation generation;

    private ConverseStream() {}

    /**
     * Starts a generation with {@code starter}, which receives the listener to pass to the engine.
     * {@code translate} turns engine failures into platform errors.
     */
    static ConverseStream start(Function<GenerationListener, Generation> starter,
                                Function<Throwable, BasaltException> translate) {
        ConverseStream stream = new ConverseStream();
        long start = System.nanoTime();
        stream.generation = starter.apply(new GenerationListener() {
            private final StringBuilder text = new StringBuilder();

            @Override
            public void onToken(TokenEvent event) {
                if (!event.text().isEmpty()) {
                    text.append(event.text());
                    stream.events.add(new TextDelta(event.text()));
                }
            }

            @Override
            public void onComplete(Completion completion) {
                stream.events.add(new Finished(new ConverseResult(text.toString(), completion.stopReason(),
                        completion.promptTokens(), completion.completionTokens(),
                        Duration.ofNanos(System.nanoTime() - start).toMillis())));
            }

            @Override
            public void onError(RuntimeException error) {
                stream.events.add(new Failed(translate.apply(error)));
            }
        });
        return stream;
    }

    /** The next event, waiting for the engine to produce it. */
    public Event next() throws InterruptedException {
        return events.take();
    }

    /**
     * Reads the stream to its end: the result, or the failure thrown. An interrupt while waiting becomes an
     * {@link InternalException}; closing the stream (try-with-resources) then cancels the generation.
     */
    public ConverseResult await() {
        try {
            while (true) {
                switch (next()) {
                    case TextDelta ignored -> { }
                    case Finished(ConverseResult result) -> {
                        return result;
                    }
                    case Failed(BasaltException error) -> throw error;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InternalException(e);
        }
    }

    /** Cancels the generation if it is still running; harmless after the end. */
    @Override
    public void close() {
        generation.cancel();
    }
}
