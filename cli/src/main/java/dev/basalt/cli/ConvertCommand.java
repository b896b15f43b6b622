package dev.basalt.cli;

import dev.basalt.engine.gguf.GgmlType;
import dev.basalt.platform.convert.HfToGguf;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code basalt models convert}: a Hugging Face model folder into a GGUF file. */
@Command(name = "convert", description = {
        "Convert a Hugging Face model folder (config.json, *.safetensors, tokenizer.json) into a GGUF file.",
        "Supported: LlamaForCausalLM, MistralForCausalLM, Qwen2ForCausalLM, Qwen3ForCausalLM."})
final class ConvertCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "FOLDER", description = "The Hugging Face model folder.")
    Path folder;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "The GGUF file to write.")
    Path out;

    @Option(names = "--type", paramLabel = "TYPE",
            description = "Matrix format: f32, f16, bf16 or q8_0 (default ${DEFAULT-VALUE}); norms and biases stay f32.")
    String type = "f16";

    /** The --type option's matrix format. */
    static GgmlType weightType(String type) {
        return HfToGguf.WEIGHT_TYPES.stream().filter(t -> t.name().equalsIgnoreCase(type)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown --type '" + type + "'; choose "
                        + HfToGguf.WEIGHT_TYPES.stream().map(t -> t.name().toLowerCase(Locale.ROOT))
                                .collect(Collectors.joining(", "))));
    }

    @Override
    public Integer call() throws Exception {
        GgmlType weights = weightType(type);
        PrintWriter err = spec.commandLine().getErr();
        err.printf("models: converting %s to %s (%s)%n", folder, out, weights.name().toLowerCase(Locale.ROOT));
        ProgressBar bar = ProgressBar.forStderr(err, folder.getFileName().toString(), ProgressBar.Unit.BYTES);
        HfToGguf.Result result = HfToGguf.convert(folder, out, weights, bar::update);
        bar.finish(String.format(Locale.ROOT, "models: wrote %s: %s as %s, %d tensors, %,d parameters, %d tokens (%s)",
                result.file(), result.hfArchitecture(), result.ggufArchitecture(), result.tensors(), result.parameters(),
                result.vocabularySize(), ProgressBar.amount(Files.size(out), ProgressBar.Unit.BYTES)));
        err.println("models: serve it with: basalt serve --model ID=" + out);
        err.flush();
        spec.commandLine().getOut().println(out);
        spec.commandLine().getOut().flush();
        return 0;
    }
}
