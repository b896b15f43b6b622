package dev.basalt.engine.scheduler;

/**
 * Receives a generation's progress. Called on the scheduler's thread, which also runs every other sequence:
 * implementations must return quickly (hand the event to a queue or a non-blocking writer), never block.
 * Exactly one of {@link #onComplete} and {@link #onError} ends every generation.
 */
public interface GenerationListener {
    void onToken(TokenEvent event);

    void onComplete(Completion completion);

    void onError(RuntimeException error);
}
