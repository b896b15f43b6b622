package dev.basalt.engine.scheduler;

/** A submitted generation; cancel it when the client goes away. */
public interface Generation {
    /**
     * Stops the generation at the next scheduler step (within one forward pass) and frees its KV cache;
     * the listener then gets {@link StopReason#CANCELLED}. Idempotent; no effect once it has ended.
     */
    void cancel();
}
