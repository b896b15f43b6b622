package dev.basalt.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.basalt.platform.embeddings.EmbeddingModel;
import dev.basalt.platform.embeddings.EmbeddingModel.InputKind;
import dev.basalt.platform.embeddings.EmbeddingModel.Truncation;
import dev.basalt.platform.embeddings.EmbeddingModelSpec;
import dev.basalt.platform.embeddings.EmbeddingModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Embedding throughput of the built-in ONNX models: sentences/s and tokens/s over the SciFact claims
 * ({@code rag/scifact/queries.jsonl} of the reference data), one call per sentence (batch 1) and one call per 32
 * sentences (batch 32). Prints the median of the repeats.
 *
 * <p>With {@code --python PYTHON} (an interpreter with onnxruntime, tokenizers and numpy) each model's figures are
 * followed by ONNX Runtime Python's on the same model files ({@code benchmarks/python/ort_embeddings.py}), so the
 * two are measured in the same run on the same machine load.
 *
 * <p>Run by hand from the repository root: {@code EmbeddingBenchmark [--data DIR] [--threads N] [--repeat 3]
 * [--batch 1,32] [--python PYTHON]}; the data directory defaults to {@code BASALT_REFERENCE_DATA} or
 * {@code ../shared/data}.
 */
public final class EmbeddingBenchmark {

    private EmbeddingBenchmark() {}

    public static void main(String[] args) throws IOException {
        String env = System.getenv("BASALT_REFERENCE_DATA");
        Path data = Path.of(env != null && !env.isBlank() ? env : "../shared/data");
        int threads = Runtime.getRuntime().availableProcessors();
        int repeat = 3;
        int[] batches = {1, 32};
        String python = null;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--data" -> data = Path.of(args[i + 1]);
                case "--threads" -> threads = Integer.parseInt(args[i + 1]);
                case "--repeat" -> repeat = Integer.parseInt(args[i + 1]);
                case "--batch" -> batches = Arrays.stream(args[i + 1].split(",")).mapToInt(Integer::parseInt).toArray();
                case "--python" -> python = args[i + 1];
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Path queries = data.resolve("rag/scifact/queries.jsonl");
        if (!Files.isRegularFile(queries)) {
            System.out.println("skipped: " + queries + " not found (set BASALT_REFERENCE_DATA or --data)");
            return;
        }
        List<String> claims = readClaims(queries);
        System.out.printf("%d SciFact claims, %d intra-op threads, %d cores, median of %d%n",
                claims.size(), threads, Runtime.getRuntime().availableProcessors(), repeat);
        try (EmbeddingModels models = new EmbeddingModels(threads)) {
            for (EmbeddingModelSpec spec : EmbeddingModels.builtIn()) {
                EmbeddingModel model = models.get(spec.id());
                long tokens = model.embed(claims, InputKind.DOCUMENT, Truncation.TRUNCATE).totalTokens(); // warm-up
                for (int batch : batches) {
                    double[] seconds = new double[repeat];
                    for (int r = 0; r < repeat; r++) {
                        long start = System.nanoTime();
                        for (int from = 0; from < claims.size(); from += batch) {
                            model.embed(claims.subList(from, Math.min(claims.size(), from + batch)),
                                    InputKind.DOCUMENT, Truncation.TRUNCATE);
                        }
                        seconds[r] = (System.nanoTime() - start) / 1e9;
                    }
                    Arrays.sort(seconds);
                    double median = seconds[repeat / 2];
                    System.out.printf("%-26s batch %3d: %7.1f sentences/s  %8.0f tokens/s  (%.2f s per pass)%n",
                            spec.id(), batch, claims.size() / median, tokens / median, median);
                }
                if (python != null) {
                    runPython(python, spec, queries, threads, repeat, batches);
                }
            }
        }
    }

    /** Runs benchmarks/python/ort_embeddings.py on copies of the model's files and passes its output through. */
    private static void runPython(String python, EmbeddingModelSpec spec, Path queries, int threads, int repeat,
                                  int[] batches) throws IOException {
        Path dir = Files.createTempDirectory("basalt-embedding-bench");
        try {
            Path onnx = copyResource(spec.onnxResource(), dir);
            Path tokenizer = copyResource(spec.tokenizerResource(), dir);
            Process process = new ProcessBuilder(python, "benchmarks/python/ort_embeddings.py",
                    "--onnx", onnx.toString(), "--tokenizer", tokenizer.toString(),
                    "--pooling", spec.pooling().name().toLowerCase(java.util.Locale.ROOT),
                    "--queries", queries.toString(), "--threads", String.valueOf(threads),
                    "--repeat", String.valueOf(repeat),
                    "--batch", String.join(",", Arrays.stream(batches).mapToObj(String::valueOf).toList()),
                    "--label", "python ort " + spec.id().substring("basalt.".length()))
                    .inheritIO().start();
            int status = process.waitFor();
            if (status != 0) {
                System.out.println("python reference exited with status " + status);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            try (var files = Files.list(dir)) {
                for (Path file : files.toList()) {
                    Files.delete(file);
                }
            }
            Files.delete(dir);
        }
    }

    private static Path copyResource(String name, Path dir) throws IOException {
        Path target = dir.resolve(name);
        try (var in = EmbeddingBenchmark.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException(name + " is not on the class path");
            }
            Files.copy(in, target);
        }
        return target;
    }

    private static List<String> readClaims(Path queries) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<String> claims = new ArrayList<>();
        for (String line : Files.readAllLines(queries)) {
            if (!line.isBlank()) {
                claims.add(json.readTree(line).get("text").asText());
            }
        }
        return claims;
    }
}
