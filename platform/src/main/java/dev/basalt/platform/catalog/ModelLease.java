package dev.basalt.platform.catalog;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The right to use a loaded model: while any lease on a model is open, the registry never unloads it. Closing
 * releases it (again is harmless); {@code ConverseStream} closes the lease of the generation it runs.
 */
public final class ModelLease implements AutoCloseable {
    private final ModelRegistry registry;
    private final ServedModel served;
    private final RegisteredModel model;
    private final AtomicBoolean open = new AtomicBoolean(true);

    ModelLease(ModelRegistry registry, ServedModel served, RegisteredModel model) {
        this.registry = registry;
        this.served = served;
        this.model = model;
    }

    public RegisteredModel model() {
        return model;
    }

    @Override
    public void close() {
        if (open.compareAndSet(true, false)) {
            registry.release(served);
        }
    }
}
