package dev.basalt.platform.providers;

import dev.basalt.platform.config.Durations;
import dev.basalt.platform.config.ProviderConfig;
import dev.basalt.platform.errors.BasaltException;
import dev.basalt.platform.errors.DependencyFailedException;
import dev.basalt.platform.errors.InternalException;
import dev.basalt.platform.errors.OperationTimeoutException;
import dev.basalt.platform.errors.ServiceUnavailableException;
import dev.basalt.platform.errors.ThrottledException;
import dev.basalt.platform.errors.ValidationException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * What keeps one upstream from hurting Basalt, shared by every provider kind: a concurrency limit (excess requests
 * are throttled at once rather than queued), retries with exponential backoff for failures that happened before
 * anything was generated and are safe to repeat, a circuit breaker (after {@code failureThreshold} consecutive
 * upstream failures, requests fail fast for {@code coolDown}; then one trial request decides), and an idle watchdog
 * for streams that stop sending.
 *
 * <p>Only the upstream's own failures count for the breaker (unreachable, 5xx, timeouts, broken streams), never a
 * caller's bad request.
 */
final class UpstreamGuard implements AutoCloseable {
    private static final Duration THROTTLED_RETRY_AFTER = Duration.ofSeconds(1);

    /** An attempt that failed before anything was generated, in a way that is safe to repeat. */
    static final class RetryableFailure extends Exception {
        private final BasaltException surfaced;

        /** {@code surfaced} is what the caller gets once the retries are spent. */
        RetryableFailure(BasaltException surfaced) {
            super(surfaced.getMessage(), surfaced.getCause());
            this.surfaced = surfaced;
        }
    }

    /** One try at starting an upstream request. */
    @FunctionalInterface
    interface Attempt<T> {
        T run() throws RetryableFailure;
    }

    /** A held concurrency slot; report how the request ended exactly once. */
    interface Permit {
        void succeeded();

        void failed(BasaltException error);
    }

    private final String name;
    private final int maxRetries;
    private final Duration backoff;
    private final int failureThreshold;
    private final Duration coolDown;
    private final Clock clock;
    private final Semaphore slots;
    private final int maxConcurrency;
    private final ScheduledExecutorService timer;

    private int consecutiveFailures;
    private Instant openUntil; // null: closed
    private boolean trialInFlight;

    /** The guard a provider's configuration asks for. */
    static UpstreamGuard of(String name, ProviderConfig config, Clock clock) {
        return new UpstreamGuard(name, config.maxRetries(), config.retryBackoff(), config.maxConcurrency(),
                config.failureThreshold(), config.coolDown(), clock);
    }

    UpstreamGuard(String name, int maxRetries, Duration backoff, int maxConcurrency, int failureThreshold,
                  Duration coolDown, Clock clock) {
        this.name = name;
        this.maxRetries = maxRetries;
        this.backoff = backoff;
        this.maxConcurrency = maxConcurrency;
        this.failureThreshold = failureThreshold;
        this.coolDown = coolDown;
        this.clock = clock;
        this.slots = new Semaphore(maxConcurrency);
        this.timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon()
                .name("provider-" + name + "-watchdog").factory());
    }

    /**
     * Admits a request: fails fast while the breaker is open, throttles beyond the concurrency limit, then runs
     * {@code attempt} until it succeeds, fails for good, or the retries are spent. On success the caller owns the
     * returned permit and must report the outcome; on failure the outcome is already recorded.
     */
    <T> Admitted<T> admit(Attempt<T> attempt) {
        boolean trial = enterBreaker();
        if (!slots.tryAcquire()) {
            if (trial) {
                abandonTrial();
            }
            throw new ThrottledException("Too many concurrent requests to the model provider " + name
                    + " (at most " + maxConcurrency + "). Try again shortly.", THROTTLED_RETRY_AFTER);
        }
        Permit permit = new SlotPermit();
        try {
            return new Admitted<>(retrying(attempt), permit);
        } catch (BasaltException e) {
            permit.failed(e);
            throw e;
        } catch (RuntimeException e) {
            InternalException internal = new InternalException(e);
            permit.failed(internal);
            throw internal;
        }
    }

    /** An admitted request's first result and the permit it holds. */
    record Admitted<T>(T value, Permit permit) {}

    private <T> T retrying(Attempt<T> attempt) {
        Duration wait = backoff;
        for (int tries = 0; ; tries++) {
            try {
                return attempt.run();
            } catch (RetryableFailure failure) {
                if (tries == maxRetries) {
                    throw failure.surfaced;
                }
            }
            sleep(wait);
            wait = wait.multipliedBy(2);
        }
    }

    private static void sleep(Duration wait) {
        try {
            Thread.sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InternalException(e);
        }
    }

    /** Returns whether this request is the half-open breaker's trial. */
    private synchronized boolean enterBreaker() {
        if (openUntil == null) {
            return false;
        }
        Instant now = clock.instant();
        if (now.isBefore(openUntil) || trialInFlight) {
            throw new ServiceUnavailableException("The model provider " + name + " failed " + consecutiveFailures
                    + " times in a row; requests to it are paused until " + (trialInFlight ? "a trial request succeeds"
                    : openUntil) + ". Try again later.");
        }
        trialInFlight = true;
        return true;
    }

    private synchronized void abandonTrial() {
        trialInFlight = false;
    }

    private synchronized void record(BasaltException error) {
        trialInFlight = false;
        if (error == null) {
            consecutiveFailures = 0;
            openUntil = null;
        } else if (isUpstreamFault(error)) {
            consecutiveFailures++;
            if (consecutiveFailures >= failureThreshold) {
                openUntil = clock.instant().plus(coolDown);
            }
        }
    }

    /** Failures that say something about the upstream's health; a caller's bad request says nothing. */
    private static boolean isUpstreamFault(BasaltException error) {
        return error instanceof DependencyFailedException || error instanceof ServiceUnavailableException
                || error instanceof OperationTimeoutException || error instanceof InternalException;
    }

    private final class SlotPermit implements Permit {
        private boolean done;

        @Override
        public void succeeded() {
            end(null);
        }

        @Override
        public void failed(BasaltException error) {
            end(error);
        }

        private synchronized void end(BasaltException error) {
            if (!done) {
                done = true;
                slots.release();
                record(error);
            }
        }
    }

    /**
     * Starts a watchdog that runs {@code onIdle} when {@link Watchdog#touch()} was not called for {@code idle}: a
     * stream whose upstream stops sending must fail rather than hang.
     */
    Watchdog watch(Duration idle, Runnable onIdle) {
        return new Watchdog(idle, onIdle);
    }

    final class Watchdog {
        private final Duration idle;
        private final Runnable onIdle;
        private ScheduledFuture<?> pending;
        private boolean stopped;

        private Watchdog(Duration idle, Runnable onIdle) {
            this.idle = idle;
            this.onIdle = onIdle;
            touch();
        }

        /** Something arrived: the idle time starts again. */
        synchronized void touch() {
            if (stopped) {
                return;
            }
            if (pending != null) {
                pending.cancel(false);
            }
            pending = timer.schedule(onIdle, idle.toNanos(), TimeUnit.NANOSECONDS);
        }

        synchronized void stop() {
            stopped = true;
            if (pending != null) {
                pending.cancel(false);
            }
        }
    }

    /**
     * The upstream answered {@code status} (not 2xx) before generating anything: throws the platform error, as a
     * {@link RetryableFailure} for the statuses that are safe to repeat (429, 502, 503, 504). A 4xx other than
     * authentication and timeouts is the caller's bad request and keeps the upstream's own message.
     */
    RetryableFailure rejected(int status, String upstreamMessage, String credentialKeys) throws RetryableFailure {
        String message = "The model provider " + name + " answered HTTP " + status + ": " + upstreamMessage;
        switch (status) {
            case 429 -> throw new RetryableFailure(new ThrottledException(message, THROTTLED_RETRY_AFTER));
            case 503 -> throw new RetryableFailure(new ServiceUnavailableException(message));
            case 502, 504 -> throw new RetryableFailure(new DependencyFailedException(message));
            case 401, 403 -> throw new DependencyFailedException(message + " (check the provider's " + credentialKeys + ")");
            case 408 -> throw new OperationTimeoutException(message);
            default -> {
                if (status >= 400 && status < 500) {
                    throw new ValidationException(upstreamMessage);
                }
                throw new DependencyFailedException(message);
            }
        }
    }

    /** The error for an upstream that did not start its answer within {@code readTimeout}. */
    OperationTimeoutException noAnswer(Duration readTimeout) {
        return new OperationTimeoutException("The model provider " + name + " did not answer within "
                + Durations.format(readTimeout) + ". Try again later.");
    }

    /** The error for a stream that went quiet. */
    OperationTimeoutException idleTimeout(Duration idle) {
        return new OperationTimeoutException("The model provider " + name + " sent nothing for "
                + Durations.format(idle) + ". Try again later.");
    }

    /**
     * What actually went wrong on the wire: the innermost message in the cause chain ("EOF reached while reading"),
     * else the outermost exception's kind ("ConnectException": the JDK's connection failures carry no message).
     */
    static String rootMessage(Throwable error) {
        List<Throwable> chain = new ArrayList<>();
        for (Throwable t = error; t != null && !chain.contains(t); t = t.getCause()) {
            chain.add(t);
        }
        for (Throwable t : chain.reversed()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                return t.getMessage();
            }
        }
        return error.getClass().getSimpleName();
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
