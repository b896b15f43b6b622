package dev.basalt.cli;

import dev.basalt.engine.gguf.GgmlType;
import dev.basalt.engine.model.Architecture;
import dev.basalt.engine.model.SyntheticModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code basalt models}: model files. */
@Command(name = "models", description = "Work with model files.",
        subcommands = {ModelsCommand.Synth.class, CommandLine.HelpCommand.class})
final class ModelsCommand {

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
