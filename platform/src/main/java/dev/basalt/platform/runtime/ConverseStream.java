package dev.basalt.platform.runtime;

import dev.basalt.engine.scheduler.Completion;
import dev.basalt.engine.scheduler.Generation;
import dev.basalt.engine.scheduler.GenerationListener;
import dev.basalt.engine.scheduler.TokenEvent;
import dev.basalt.platform.config.Durations;
import dev.basalt.platform.errors.BasaltException;
import dev.basalt.platform.errors.InternalException;
import dev.basalt.platform.errors.OperationTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.IntPredicate;

/**
 * A reply being generated, read as a sequence of events by the thread that serves the client. The engine's
 * scheduler thread only appends to a queue (it must never wait on a slow client); the reader takes events in
 * order with {@link #next()}. Closing the stream cancels the generation, which frees its engine slot at the next
 * scheduler step, so a client that goes away stops the work it started.
 */
public final class ConverseStream implements AutoCloseable {
    /**
     * What {@link #next()} returns: the reply's blocks one after the other (a text block is its deltas; a tool block
     * is {@link ToolUseStart} and input deltas), each ended by {@link BlockStop}; then exactly one {@link Finished}
     * or {@link Failed}.
     */
    public sealed interface Event {}

    /** Text that became final, in the open text block (opened by its first delta); never empty. */
    public record TextDelta(String text) implements Event {}

    /** A tool call block opens. */
    public record ToolUseStart(String toolUseId, String name) implements Event {}

    /** The next piece of the open tool call's input JSON; never empty. */
    public record ToolInputDelta(String json) implements Event {}

    /** The open block is complete. */
    public record BlockStop() implements Event {}

    /**
     * A generated token's log-probability and the most likely alternatives, when the sampling asked for them; it
     * comes before the text the token completes (which may come later, or be held back for a stop sequence).
     */
    public record TokenLogprob(int token, float logprob, List<TokenEvent.Alternative> alternatives) implements Event {}

    /** The end of the reply, with the whole text, usage and latency. */
    public record Finished(ConverseResult result) implements Event {}

    /** The generation failed after it had started; the error is already in the platform's terms. */
    public record Failed(BasaltException error) implements Event {}

    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final Duration timeout;
    private final long deadline;
    private final Runnable release;
    private volatile Generation generation;

    private ConverseStream(Duration timeout, Runnable release) {
        this.timeout = timeout;
        this.release = release;
        this.deadline = System.nanoTime() + timeout.toNanos();
    }

    /**
     * Starts a generation with {@code starter}, which receives the listener to pass to the engine. The generated
     * text goes through the reader {@code readers} makes, which turns it into blocks; {@code translate} turns engine
     * failures into platform errors. {@code earlierOutputTokens} were generated for this reply before (choosing a
     * tool) and count in its usage. The whole generation must end within {@code timeout}. Log-probabilities are
     * passed on for the tokens {@code isContent} accepts (not the end-of-generation token). {@code release} runs when
     * the stream is closed (the model's lease); when starting fails, it is the caller's to run.
     */
    static ConverseStream start(Function<GenerationListener, Generation> starter,
                                Function<ReplyBuilder, ReplyReader> readers,
                                Function<Throwable, BasaltException> translate, int earlierOutputTokens,
                                Duration timeout, IntPredicate isContent, Runnable release) {
        ConverseStream stream = new ConverseStream(timeout, release);
        long start = System.nanoTime();
        ReplyReader reader = readers.apply(new ReplyBuilder(stream.events::add));
        stream.generation = starter.apply(new GenerationListener() {
            @Override
            public void onToken(TokenEvent event) {
                if (!Float.isNaN(event.logprob()) && isContent.test(event.token())) {
                    stream.events.add(new TokenLogprob(event.token(), event.logprob(), event.alternatives()));
                }
                reader.accept(event.text());
            }

            @Override
            public void onComplete(Completion completion) {
                List<ReplyBlock> blocks = reader.finish(completion.stopReason());
                stream.events.add(new Finished(new ConverseResult(blocks, completion.stopReason(),
                        completion.promptTokens(), completion.cachedPromptTokens(), earlierOutputTokens + completion.completionTokens(),
                        Duration.ofNanos(System.nanoTime() - start).toMillis())));
            }

            @Override
            public void onError(RuntimeException error) {
                stream.events.add(new Failed(translate.apply(error)));
            }
        });
        return stream;
    }

    /**
     * A stream whose events come from outside the engine (a remote model provider). {@code starter} receives the
     * sink for the events, which it adds in the order {@link #next()} describes (from any thread), and returns what
     * cancels its work; closing the stream runs that. The whole reply must end within {@code timeout}.
     */
    public static ConverseStream fromEvents(Duration timeout, Function<Consumer<Event>, Runnable> starter) {
        ConverseStream stream = new ConverseStream(timeout, () -> { }); // a remote model holds no local lease
        Runnable cancel = starter.apply(stream.events::add);
        stream.generation = cancel::run;
        return stream;
    }

    /**
     * The next event, waiting for the engine to produce it. Past the deadline the generation is cancelled and the
     * stream fails with an {@link OperationTimeoutException}.
     */
    public Event next() throws InterruptedException {
        Event event = events.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (event == null) {
            close();
            return new Failed(new OperationTimeoutException("The model did not finish within the request timeout of "
                    + Durations.format(timeout) + ". Try again with fewer tokens, or later."));
        }
        return event;
    }

    /**
     * Reads the stream to its end: the result, or the failure thrown. An interrupt while waiting becomes an
     * {@link InternalException}; closing the stream (try-with-resources) then cancels the generation.
     */
    public ConverseResult await() {
        try {
            while (true) {
                switch (next()) {
                    case Finished(ConverseResult result) -> {
                        return result;
                    }
                    case Failed(BasaltException error) -> throw error;
                    default -> { }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InternalException(e);
        }
    }

    /** Cancels the generation if it is still running and releases the model; harmless after the end. */
    @Override
    public void close() {
        try {
            generation.cancel();
        } finally {
            release.run();
        }
    }
}
