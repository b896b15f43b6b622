package dev.basalt.cli;

import dev.basalt.engine.gguf.GgmlType;
import dev.basalt.engine.model.Architecture;
import dev.basalt.engine.model.SyntheticModel;
import dev.basalt.platform.catalog.ModelCatalog;
import dev.basalt.platform.catalog.ModelImport;
import dev.basalt.platform.config.BasaltConfig;
import dev.basalt.platform.config.ConfigLoader;
import dev.basalt.platform.config.DataDirectory;
import dev.basalt.platform.hub.Downloader;
import dev.basalt.platform.hub.HubClient;
import dev.basalt.platform.hub.HubRepoRef;
import dev.basalt.platform.hub.ModelPull;
import dev.basalt.platform.storage.Database;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code basalt models}: model files. */
@Command(name = "models", description = "Work with model files and the model catalog.",
        subcommands = {CatalogCommands.Import.class, ModelsCommand.Pull.class, CatalogCommands.ListModels.class,
                CatalogCommands.Show.class, CatalogCommands.Remove.class, ModelsCommand.Synth.class,
                ConvertCommand.class, CommandLine.HelpCommand.class})
final class ModelsCommand {

    /** {@code basalt models pull}: a GGUF model from the Hugging Face hub into the data directory. */
    @Command(name = "pull", description = {
            "Download a GGUF model from the Hugging Face hub into DIR/models/hub/ORG/REPO/.",
            "An interrupted pull resumes where it stopped; the file is checked against the hub's SHA-256.",
            "The model then joins the catalog (basalt models list), as --id or hf.ORG.REPO-QUANT.",
            "Set HF_TOKEN to an access token for private or gated models."})
    static final class Pull implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @CommandLine.Parameters(paramLabel = "MODEL",
                description = "hf.co/ORG/REPO[:QUANT] (QUANT picks the .gguf, e.g. Q4_K_M), ORG/REPO or https://huggingface.co/ORG/REPO.")
        String model;

        @Option(names = "--file", paramLabel = "NAME", description = "The repository's file to pull, e.g. model-Q8_0.gguf.")
        String file;

        @Option(names = "--data", paramLabel = "DIR", description = "Data directory (default $BASALT_DATA or ~/.basalt).")
        Path data;

        @Option(names = "--id", paramLabel = "ID", description = "Catalog id (default hf.ORG.REPO-QUANT, lower-case).")
        String id;

        @Option(names = "--hub-url", paramLabel = "URL", description = "Hub to pull from (default: the hub.url setting, https://huggingface.co).")
        String hubUrl;

        @Override
        public Integer call() throws Exception {
            Map<String, String> env = System.getenv();
            Path dataDir = DataDirectory.resolve(data, env);
            BasaltConfig config = ConfigLoader.load(dataDir.resolve(ConfigLoader.FILE_NAME), env,
                    hubUrl == null ? Map.of() : Map.of("hub.url", hubUrl));
            HubRepoRef ref = HubRepoRef.parse(model);
            DataDirectory.ensureExists(dataDir);
            HubClient hub = new HubClient(config.hub().url(), env.get("HF_TOKEN"));
            ModelPull pull = new ModelPull(hub, new Downloader(hub), dataDir);
            PrintWriter err = spec.commandLine().getErr();

            ModelPull.Plan plan = pull.plan(ref, file);
            err.printf("models: pulling %s from %s (%s) to %s%n", plan.file().name(), ref,
                    ProgressBar.amount(plan.file().size(), ProgressBar.Unit.BYTES), plan.target());
            ProgressBar bar = ProgressBar.forStderr(err, plan.file().name(), ProgressBar.Unit.BYTES);
            // Ctrl-C ends the JVM mid-download; the .part stays, and the next pull continues it.
            Thread interrupted = new Thread(() -> {
                err.println();
                err.println("models: interrupted; run the same command again to resume from " + plan.target() + ".part");
                err.flush();
            });
            Runtime.getRuntime().addShutdownHook(interrupted);
            Downloader.Result result;
            try {
                result = pull.fetch(plan, bar::update);
            } finally {
                Runtime.getRuntime().removeShutdownHook(interrupted);
            }
            bar.finish((result.alreadyPresent() ? "models: already present, verified: " : "models: pulled and verified: ")
                    + result.path());
            try (Database database = Database.openSqlite(dataDir)) {
                ModelImport.Registration registration = new ModelImport(new ModelCatalog(database), dataDir,
                        Clock.systemUTC()).registerPull(ref, result.path(), plan.file().sha256(), id);
                err.println("models: " + (registration.alreadyRegistered() ? "already in the catalog as " : "added to the catalog as ")
                        + registration.entry().id() + "; basalt serve serves it");
            }
            err.flush();
            PrintWriter out = spec.commandLine().getOut();
            out.println(result.path());
            out.flush();
            return 0;
        }
    }

    /** {@code basalt models synth}: random weights of a real model's shape, for tests and benchmarks. */
    @Command(name = "synth", description = "Write a random-weight GGUF model of a real shape (for benchmarks and tests).")
    static final class Synth implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--arch", description = "Architecture: llama, qwen2, qwen3 (default ${DEFAULT-VALUE}).")
        String arch = "llama";

        @Option(names = "--shape", required = true, description = "tiny, 135m (SmolLM-135M) or 1b (Llama-3.2-1B).")
        String shape;

        @Option(names = "--quant", description = "Weight format: F32, F16, BF16, Q8_0, Q4_0 (default ${DEFAULT-VALUE}).")
        String quant = "Q8_0";

        @Option(names = "--seed", description = "Random seed (default ${DEFAULT-VALUE}).")
        long seed = 42;

        @Option(names = "--out", required = true, description = "Output GGUF file.")
        Path out;

        @Override
        public Integer call() throws Exception {
            SyntheticModel.Shape s = SyntheticModel.Shape.fromCliName(shape);
            GgmlType type;
            try {
                type = GgmlType.valueOf(quant.toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown --quant '" + quant + "'; choose F32, F16, BF16, Q8_0 or Q4_0");
            }
            spec.commandLine().getErr().printf("models: writing %s %s %s to %s%n", arch, s.cliName(), type, out);
            SyntheticModel.write(Architecture.fromGguf(arch), s, type, seed, out);
            spec.commandLine().getOut().printf("wrote %s (%.1f MB)%n", out, Files.size(out) / 1e6);
            return 0;
        }
    }
}
