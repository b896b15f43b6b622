package dev.basalt.benchmarks;

import dev.basalt.api.BasaltApplication;
import dev.basalt.engine.LanguageModel;
import dev.basalt.engine.gguf.GgmlType;
import dev.basalt.engine.model.Architecture;
import dev.basalt.engine.model.SyntheticModel;
import dev.basalt.engine.sampling.SamplingParams;
import dev.basalt.platform.catalog.ServedModel;
import dev.basalt.platform.chat.ChatMessage;
import dev.basalt.platform.config.ConfigLoader;
import dev.basalt.platform.runtime.ConverseRequest;
import dev.basalt.platform.runtime.ConverseService;
import dev.basalt.platform.runtime.ConverseStream;
import dev.basalt.platform.security.CredentialsStore;
import dev.basalt.platform.security.RootCredentials;
import dev.basalt.testkit.clients.Clients;
import com.sun.management.OperatingSystemMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClient;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamMetadataEvent;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamResponseHandler;

/**
 * What the HTTP server costs on top of the engine: Basalt runs embedded on a synthetic model, and the same greedy
 * request is answered over HTTP by the real AWS SDK clients and by a direct {@link ConverseService} call on the
 * same registered model, alternately, so that both see the same machine noise. Reports the median latency of each,
 * the median of the paired differences (Converse), and for ConverseStream the extra time per generated token: the
 * slope of the paired difference between a short and a long stream, which leaves out the fixed per-request cost.
 *
 * <p>Run by hand (see docs/development.md): {@code ServerOverheadBenchmark [--shape tiny|135m] [--threads 1]
 * [--runs 200] [--warmup 500] [--tokens 16] [--stream-tokens 16,128]}.
 */
public final class ServerOverheadBenchmark {
    private static final String MODEL = "basalt.bench";
    private static final String PROMPT = "Once upon a time";

    private record Settings(SyntheticModel.Shape shape, int threads, int runs, int warmup, int tokens,
                            int shortStream, int longStream) {
        Settings {
            if (threads < 1 || runs < 1 || warmup < 0 || tokens < 1 || shortStream < 1 || longStream <= shortStream) {
                throw new IllegalArgumentException("need --threads >= 1, --runs >= 1, --warmup >= 0, --tokens >= 1 "
                        + "and --stream-tokens SHORT,LONG with 1 <= SHORT < LONG, got threads " + threads + ", runs " + runs
                        + ", warmup " + warmup + ", tokens " + tokens + ", stream tokens " + shortStream + "," + longStream);
            }
        }

        static Settings parse(String[] args) {
            Map<String, String> given = new HashMap<>();
            for (int i = 0; i < args.length; i += 2) {
                if (!args[i].startsWith("--") || i + 1 >= args.length) {
                    throw new IllegalArgumentException("expected --name value pairs, got " + Arrays.toString(args));
                }
                given.put(args[i].substring(2), args[i + 1]);
            }
            SyntheticModel.Shape shape = switch (given.getOrDefault("shape", "tiny")) {
                case "tiny" -> SyntheticModel.Shape.TINY;
                case "135m" -> SyntheticModel.Shape.SMOLLM_135M;
                default -> throw new IllegalArgumentException("--shape must be tiny or 135m");
            };
            String[] stream = given.getOrDefault("stream-tokens", "16,128").split(",");
            return new Settings(shape, Integer.parseInt(given.getOrDefault("threads", "1")),
                    Integer.parseInt(given.getOrDefault("runs", "200")),
                    Integer.parseInt(given.getOrDefault("warmup", "500")),
                    Integer.parseInt(given.getOrDefault("tokens", "16")),
                    Integer.parseInt(stream[0]), Integer.parseInt(stream[1]));
        }
    }

    /**
     * Medians (nanoseconds) of two alternated measurements and of their paired differences in wall-clock time, and
     * the mean paired difference in CPU time of the whole process (client, server and engine threads), which a
     * machine shared with other work inflates far less than it inflates latency. The process CPU clock ticks in
     * coarse steps (10 ms here), so only the mean of many differences is meaningful (it is unbiased), not a median.
     */
    private record Paired(double httpMedian, double directMedian, double differenceMedian, double cpuDifferenceMean,
                          int tokens) {}

    private static final OperatingSystemMXBean OS = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    public static void main(String[] args) throws Exception {
        Settings settings = Settings.parse(args);
        Path dir = Files.createTempDirectory("basalt-overhead");
        Path file = dir.resolve("model.gguf");
        SyntheticModel.write(Architecture.LLAMA, settings.shape(), GgmlType.Q8_0, 7, file);
        Path data = Files.createDirectories(dir.resolve("data"));
        RootCredentials credentials = CredentialsStore.loadOrCreate(data, Map.of()).credentials();
        var config = ConfigLoader.load(data.resolve(ConfigLoader.FILE_NAME), Map.of(),
                Map.of("server.host", "127.0.0.1", "server.port", "0"));
        try (BasaltApplication app = BasaltApplication.start(data, config, credentials,
                     List.of(new BasaltApplication.ModelSpec(MODEL, file, engineOptions(settings.threads()))));
             BedrockRuntimeClient sync = Clients.aws(BedrockRuntimeClient.builder(), app.uri(),
                     credentials.accessKeyId(), credentials.secretAccessKey());
             BedrockRuntimeAsyncClient async = Clients.aws(BedrockRuntimeAsyncClient.builder(),
                     app.uri(), credentials.accessKeyId(), credentials.secretAccessKey())) {
            ServedModel model = app.models().resolve(MODEL);
            ConverseService direct = new ConverseService(Duration.ofMinutes(10));
            System.out.printf(Locale.ROOT, "model: synthetic %s Q8_0, %d engine threads, %d runs after %d warm-up, "
                            + "%d cores%n", settings.shape(), settings.threads(), settings.runs(), settings.warmup(),
                    Runtime.getRuntime().availableProcessors());

            int tokens = settings.tokens();
            Paired converse = measure(settings, () -> sync.converse(r -> r.modelId(MODEL)
                            .messages(m -> m.role("user").content(c -> c.text(PROMPT)))
                            .inferenceConfig(c -> c.maxTokens(tokens).temperature(0f))).usage().outputTokens(),
                    () -> direct.converse(model, new ConverseRequest(messages(), greedy(tokens))).outputTokens());
            System.out.printf(Locale.ROOT, "Converse (%d tokens): HTTP %.3f ms, direct %.3f ms, median difference %.3f ms "
                            + "(CPU, mean: %.3f ms)%n", converse.tokens(), converse.httpMedian() / 1e6,
                    converse.directMedian() / 1e6, converse.differenceMedian() / 1e6,
                    converse.cpuDifferenceMean() / 1e6);

            Paired shortStream = measureStream(settings, settings.shortStream(), async, direct, model);
            Paired longStream = measureStream(settings, settings.longStream(), async, direct, model);
            for (Paired p : List.of(shortStream, longStream)) {
                System.out.printf(Locale.ROOT, "ConverseStream (%d tokens): HTTP %.3f ms, direct %.3f ms, "
                                + "median difference %.3f ms (CPU, mean: %.3f ms)%n", p.tokens(), p.httpMedian() / 1e6,
                        p.directMedian() / 1e6, p.differenceMedian() / 1e6, p.cpuDifferenceMean() / 1e6);
            }
            int extraTokens = longStream.tokens() - shortStream.tokens();
            if (extraTokens <= 0) {
                throw new IllegalStateException("the long stream generated no more tokens than the short one ("
                        + longStream.tokens() + "): the model stopped early, choose other --stream-tokens");
            }
            System.out.printf(Locale.ROOT, "ConverseStream per-token overhead (slope %d→%d tokens): %.1f µs (CPU, mean: %.1f µs)%n",
                    shortStream.tokens(), longStream.tokens(),
                    (longStream.differenceMedian() - shortStream.differenceMedian()) / extraTokens / 1e3,
                    (longStream.cpuDifferenceMean() - shortStream.cpuDifferenceMean()) / extraTokens / 1e3);
        } finally {
            delete(dir);
        }
    }

    private static Paired measureStream(Settings settings, int tokens, BedrockRuntimeAsyncClient async,
                                        ConverseService direct, ServedModel model) {
        return measure(settings, () -> {
            AtomicInteger generated = new AtomicInteger();
            async.converseStream(r -> r.modelId(MODEL)
                            .messages(m -> m.role("user").content(c -> c.text(PROMPT)))
                            .inferenceConfig(c -> c.maxTokens(tokens).temperature(0f)),
                    ConverseStreamResponseHandler.builder().subscriber(event -> {
                        if (event instanceof ConverseStreamMetadataEvent metadata) {
                            generated.set(metadata.usage().outputTokens());
                        }
                    }).build()).join();
            return generated.get();
        }, () -> {
            try (ConverseStream stream = direct.stream(model, new ConverseRequest(messages(), greedy(tokens)))) {
                return stream.await().outputTokens(); // reads every event, as a streaming client does
            }
        });
    }

    /**
     * Runs both calls {@code warmup} times, then {@code runs} times alternating which goes first. Each returns
     * the tokens it generated; both must generate the same number (same greedy request, same model).
     */
    private static Paired measure(Settings settings, IntSupplier http, IntSupplier direct) {
        long[] httpTimes = new long[settings.runs()];
        long[] directTimes = new long[settings.runs()];
        long[] differences = new long[settings.runs()];
        long[] cpuDifferences = new long[settings.runs()];
        int tokens = -1;
        for (int i = -settings.warmup(); i < settings.runs(); i++) {
            boolean httpFirst = (i & 1) == 0;
            long[] t = new long[2];
            long[] cpu = new long[2];
            int[] generated = new int[2];
            for (int k = 0; k < 2; k++) {
                boolean isHttp = (k == 0) == httpFirst;
                long start = System.nanoTime();
                long startCpu = OS.getProcessCpuTime();
                generated[isHttp ? 0 : 1] = (isHttp ? http : direct).getAsInt();
                t[isHttp ? 0 : 1] = System.nanoTime() - start;
                cpu[isHttp ? 0 : 1] = OS.getProcessCpuTime() - startCpu;
            }
            if (generated[0] != generated[1] || (tokens >= 0 && generated[0] != tokens)) {
                throw new IllegalStateException("HTTP and direct calls generated different token counts: "
                        + Arrays.toString(generated) + " (expected " + tokens + ")");
            }
            tokens = generated[0];
            if (i >= 0) {
                httpTimes[i] = t[0];
                directTimes[i] = t[1];
                differences[i] = t[0] - t[1];
                cpuDifferences[i] = cpu[0] - cpu[1];
            }
        }
        return new Paired(median(httpTimes), median(directTimes), median(differences),
                Arrays.stream(cpuDifferences).average().orElseThrow(),
                tokens);
    }

    private static double median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
    }

    private static List<ChatMessage> messages() {
        return List.of(ChatMessage.user(PROMPT));
    }

    /**
     * The default engine options with {@code threads} workers. One worker is the default here: on a small loaded
     * machine waking the workers for every token costs more than the server does, and hides what is measured.
     */
    private static LanguageModel.Options engineOptions(int threads) {
        LanguageModel.Options d = LanguageModel.Options.defaults();
        return new LanguageModel.Options(threads, d.contextLength(), d.maxSequences(), d.maxBatchRows(),
                d.kvBudgetBytes(), d.queueCapacity());
    }

    /** What the server builds from {@code inferenceConfig: {maxTokens, temperature: 0}}. */
    private static SamplingParams greedy(int maxTokens) {
        return SamplingParams.builder().temperature(0).topK(0).topP(1.0).minP(0).maxTokens(maxTokens).build();
    }

    /** Removes the temporary model and data directory. */
    private static void delete(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private ServerOverheadBenchmark() {}
}
