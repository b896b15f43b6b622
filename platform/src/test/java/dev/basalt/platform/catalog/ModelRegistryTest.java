package dev.basalt.platform.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.basalt.engine.LanguageModel;
import dev.basalt.engine.gguf.GgmlType;
import dev.basalt.engine.model.Architecture;
import dev.basalt.engine.model.SyntheticModel;
import dev.basalt.platform.config.DataSize;
import dev.basalt.platform.errors.ModelNotReadyException;
import dev.basalt.platform.errors.NotFoundException;
import dev.basalt.platform.errors.ServiceUnavailableException;
import dev.basalt.platform.errors.ValidationException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hot loading and unloading on synthetic tiny models, with a loader that counts loads and can be held back. */
class ModelRegistryTest {
    private static final long KV = 1 << 20;
    private static final LanguageModel.Options OPTIONS = new LanguageModel.Options(1, 0, 2, 64, KV, 8);

    @TempDir
    static Path dir;

    private static Path a;
    private static Path b;
    private static Path c;
    private static long cost;

    private final AtomicInteger loads = new AtomicInteger();
    private volatile CountDownLatch gate = new CountDownLatch(0);
    private final List<CatalogEntry> rows = new CopyOnWriteArrayList<>();
    private final List<ModelRegistry> registries = new ArrayList<>();

    @BeforeEach
    void models() throws Exception {
        if (a == null) {
            a = dir.resolve("a.gguf");
            b = dir.resolve("b.gguf");
            c = dir.resolve("c.gguf");
            for (Path p : List.of(a, b, c)) {
                SyntheticModel.write(Architecture.LLAMA, SyntheticModel.Shape.TINY, GgmlType.Q8_0, 1, p);
            }
            cost = Files.size(a) + KV;
        }
    }

    @AfterEach
    void close() {
        gate.countDown();
        registries.forEach(ModelRegistry::close);
    }

    private ModelRegistry registry(long budget, Duration loadTimeout) {
        ModelRegistry registry = new ModelRegistry(() -> List.copyOf(rows), OPTIONS, new DataSize(budget), loadTimeout,
                (id, file, options) -> {
                    loads.incrementAndGet();
                    try {
                        gate.await();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                    return ModelLoader.ENGINE.load(id, file, options);
                });
        registries.add(registry);
        return registry;
    }

    private ModelRegistry registryWith(long budget, Path... files) {
        ModelRegistry registry = registry(budget, Duration.ofSeconds(20));
        for (Path file : files) {
            registry.addTransient("t." + file.getFileName().toString().replace(".gguf", ""), file, OPTIONS);
        }
        return registry;
    }

    @Test
    void modelsLoadOnFirstUseAndStayLoaded() {
        ModelRegistry registry = registryWith(10 * cost, a);
        ServedModel model = registry.resolve("t.a");
        assertThat(model.isLoaded()).isFalse();
        assertThat(model.name()).isEqualTo("basalt-synthetic-llama-tiny");
        assertThat(loads).hasValue(0);
        try (ModelLease lease = model.acquire()) {
            assertThat(lease.model().model().info().architecture()).isEqualTo("llama");
            assertThat(model.isLoaded()).isTrue();
        }
        try (ModelLease lease = registry.resolve("arn:aws:bedrock:us-east-1::foundation-model/t.a").acquire()) {
            assertThat(lease.model().id()).isEqualTo("t.a");
        }
        assertThat(model.isLoaded()).isTrue();
        assertThat(loads).hasValue(1);
    }

    @Test
    void preloadLoadsAtOnce() {
        ModelRegistry registry = registryWith(10 * cost, a);
        registry.preload("t.a");
        assertThat(registry.resolve("t.a").isLoaded()).isTrue();
        assertThat(loads).hasValue(1);
    }

    @Test
    void theLeastRecentlyUsedIdleModelUnloadsWhenTheBudgetIsFull() {
        ModelRegistry registry = registryWith(2 * cost, a, b, c);
        ServedModel ma = registry.resolve("t.a");
        ServedModel mb = registry.resolve("t.b");
        ServedModel mc = registry.resolve("t.c");
        ma.acquire().close();
        mb.acquire().close();
        ma.acquire().close(); // b is now the least recently used
        mc.acquire().close();
        assertThat(List.of(ma.isLoaded(), mb.isLoaded(), mc.isLoaded())).containsExactly(true, false, true);
        assertThat(loads).hasValue(3);
    }

    @Test
    void aModelWithARequestInFlightIsNeverUnloaded() throws Exception {
        ModelRegistry registry = registryWith(cost + cost / 2, a, b); // room for one
        ServedModel ma = registry.resolve("t.a");
        ServedModel mb = registry.resolve("t.b");
        ModelLease held = ma.acquire();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<ModelLease> waiting = pool.submit(mb::acquire);
            Thread.sleep(300); // the waiter has had time to evict, were eviction of a held model possible
            assertThat(waiting).isNotDone();
            assertThat(ma.isLoaded()).isTrue();
            assertThat(mb.isLoaded()).isFalse();

            held.close();
            try (ModelLease lease = waiting.get(20, TimeUnit.SECONDS)) {
                assertThat(lease.model().id()).isEqualTo("t.b");
                assertThat(ma.isLoaded()).isFalse();
                assertThat(mb.isLoaded()).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void waitingForMemoryEndsAtTheLoadTimeout() {
        ModelRegistry registry = registry(cost + cost / 2, Duration.ofMillis(200));
        registry.addTransient("t.a", a, OPTIONS);
        registry.addTransient("t.b", b, OPTIONS);
        try (ModelLease held = registry.resolve("t.a").acquire()) {
            assertThatThrownBy(() -> registry.resolve("t.b").acquire()).isInstanceOf(ModelNotReadyException.class)
                    .hasMessageContaining("other models in use fill models.memoryBudget");
            assertThat(held.model().id()).isEqualTo("t.a");
        }
        registry.resolve("t.b").acquire().close(); // now a is idle and gives way
        assertThat(registry.resolve("t.a").isLoaded()).isFalse();
    }

    @Test
    void concurrentFirstRequestsShareOneLoad() throws Exception {
        ModelRegistry registry = registryWith(10 * cost, a);
        ServedModel model = registry.resolve("t.a");
        gate = new CountDownLatch(1);
        int callers = 8;
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            List<Future<ModelLease>> leases = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                leases.add(pool.submit(model::acquire));
            }
            gate.countDown();
            for (Future<ModelLease> lease : leases) {
                lease.get(20, TimeUnit.SECONDS).close();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(loads).hasValue(1);
        assertThat(model.isLoaded()).isTrue();
    }

    @Test
    void aSlowLoadAnswersModelNotReadyAndGoesOnForLaterRequests() {
        ModelRegistry registry = registry(10 * cost, Duration.ofMillis(100));
        ServedModel model = registry.addTransient("t.a", a, OPTIONS);
        gate = new CountDownLatch(1);
        assertThatThrownBy(model::acquire).isInstanceOf(ModelNotReadyException.class)
                .hasMessageContaining("The model t.a is not ready (it is still loading)");
        gate.countDown();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!model.isLoaded() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        model.acquire().close();
        assertThat(loads).hasValue(1);
    }

    @Test
    void aModelLargerThanTheWholeBudgetIsAClearError() {
        ModelRegistry registry = registryWith(cost - 1, a);
        assertThatThrownBy(() -> registry.resolve("t.a").acquire()).isInstanceOf(ServiceUnavailableException.class)
                .hasMessageContaining("The model t.a needs").hasMessageContaining("raise models.memoryBudget");
        assertThat(loads).hasValue(0);
    }

    @Test
    void catalogChangesAppearWithoutRestartAndIdsStayUnique() {
        ModelRegistry registry = registryWith(10 * cost, a);
        assertThatThrownBy(() -> registry.resolve("c.b")).isInstanceOf(NotFoundException.class)
                .hasMessageContaining("Models served here: t.a");
        rows.add(new CatalogEntry("c.b", "B", ModelSource.IMPORT, null, b, cost - KV, "00", "llama", 2048, Instant.now()));
        ServedModel mb = registry.resolve("c.b"); // a miss re-reads the catalog
        assertThat(mb.source()).isEqualTo("import");
        assertThat(registry.list()).extracting(ServedModel::id).containsExactly("t.a", "c.b");
        mb.acquire().close();
        assertThat(mb.isLoaded()).isTrue();

        assertThatThrownBy(() -> registry.addTransient("c.b", c, OPTIONS)).isInstanceOf(ValidationException.class)
                .hasMessageContaining("the catalog has it too");
        assertThatThrownBy(() -> registry.addTransient("t.a", c, OPTIONS)).isInstanceOf(ValidationException.class)
                .hasMessageContaining("registered twice");

        rows.clear(); // basalt models rm
        assertThat(registry.list()).extracting(ServedModel::id).containsExactly("t.a");
        assertThat(mb.isLoaded()).isFalse();
        assertThatThrownBy(mb::acquire).isInstanceOf(NotFoundException.class);
    }
}
