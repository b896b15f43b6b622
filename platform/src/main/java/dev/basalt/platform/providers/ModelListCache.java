package dev.basalt.platform.providers;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;

/**
 * An upstream's model ids, fetched on first use and again once older than {@code refresh}. When a refresh fails the
 * last known list is kept (a catalog must not lose a provider's models for one failed call); the first fetch's failure
 * is thrown.
 */
final class ModelListCache {
    private final Supplier<List<String>> fetch;
    private final Duration refresh;
    private final Clock clock;
    private List<String> models;
    private Instant fetchedAt;

    ModelListCache(Supplier<List<String>> fetch, Duration refresh, Clock clock) {
        this.fetch = fetch;
        this.refresh = refresh;
        this.clock = clock;
    }

    synchronized List<String> get() {
        Instant now = clock.instant();
        if (models == null || !now.isBefore(fetchedAt.plus(refresh))) {
            try {
                models = List.copyOf(fetch.get());
            } catch (RuntimeException e) {
                if (models == null) {
                    throw e;
                }
            }
            fetchedAt = now;
        }
        return models;
    }
}
