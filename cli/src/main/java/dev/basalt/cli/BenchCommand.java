package dev.basalt.cli;

import dev.basalt.engine.bench.Benchmark;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code basalt bench}: prefill and decode speed of a GGUF model, comparable with llama.cpp's llama-bench. */
@Command(name = "bench", description = "Measure prefill and decode speed of a GGUF model (pp N / tg N, like llama-bench).")
final class BenchCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", required = true, description = "GGUF file to measure.")
    Path model;

    @Option(names = "--threads", description = "Threads (default: all cores, ${DEFAULT-VALUE}).")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--prompt-tokens", description = "Prompt length for the prefill measurement (default ${DEFAULT-VALUE}).")
    int promptTokens = 512;

    @Option(names = "--gen-tokens", description = "Tokens to decode (default ${DEFAULT-VALUE}).")
    int genTokens = 128;

    @Option(names = "--concurrency", split = ",", description = "Concurrent sequences to measure aggregate decode speed at, e.g. 1,8 (default 1).")
    List<Integer> concurrency = List.of(1);

    @Option(names = "--repeat", description = "Repetitions; the median is reported (default ${DEFAULT-VALUE}).")
    int repeat = 3;

    @Option(names = "--chunk", description = "Prompt tokens per forward pass during prefill (default ${DEFAULT-VALUE}).")
    int chunk = 64;

    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (concurrency.stream().anyMatch(c -> c < 1 || c > 256)) {
            throw new IllegalArgumentException("--concurrency values must be between 1 and 256");
        }
        PrintWriter err = spec.commandLine().getErr();
        Benchmark.Result r = Benchmark.run(new Benchmark.Settings(model, threads, promptTokens, genTokens, repeat, chunk),
                concurrency, line -> err.println("bench: " + line));
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(new com.fasterxml.jackson.databind.ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(r));
        } else {
            out.printf("model %s (%s, %.2f GB), %d threads%n", r.model(), r.architecture(), r.fileBytes() / 1e9, r.threads());
            out.printf("prefill pp%d: %.1f tok/s (min %.1f, max %.1f)%n", r.promptTokens(), r.prefill().median(), r.prefill().min(), r.prefill().max());
            out.printf("decode  tg%d: %.2f tok/s (min %.2f, max %.2f)%n", r.genTokens(), r.decode().median(), r.decode().min(), r.decode().max());
            for (Benchmark.Concurrent c : r.concurrent()) {
                out.printf("concurrency %d: %.2f tok/s aggregate decode (min %.2f, max %.2f)%n", c.streams(),
                        c.aggregateDecode().median(), c.aggregateDecode().min(), c.aggregateDecode().max());
            }
            out.printf("bytes read per decoded token: %.1f MB, implied read bandwidth %.1f GB/s%n",
                    r.bytesPerDecodedToken() / 1e6, r.decodeGigabytesPerSecond());
        }
        out.flush();
        return 0;
    }
}
