package dev.basalt.platform.chat;

/**
 * Counts the nodes one render evaluates and watches its deadline. Jinjava calls {@link #charge()} before every
 * node, including each iteration of a loop body, so a template that loops without end runs out of budget.
 */
final class RenderBudget {

    private final long maxNodes;
    private final long deadlineNanos;
    private long nodes;

    RenderBudget(TemplateLimits limits) {
        this.maxNodes = limits.maxNodes();
        this.deadlineNanos = System.nanoTime() + limits.maxDuration().toNanos();
    }

    void charge() {
        if (++nodes > maxNodes) {
            throw new Exhausted("the chat template evaluated more than " + maxNodes + " nodes");
        }
        if (System.nanoTime() - deadlineNanos > 0) {
            throw new Exhausted("the chat template took longer than the render time limit");
        }
    }

    /** Aborts the render; an Error so that no catch (Exception) inside Jinjava can swallow it and carry on. */
    static final class Exhausted extends Error {
        Exhausted(String message) {
            super(message, null, false, false);
        }
    }
}
