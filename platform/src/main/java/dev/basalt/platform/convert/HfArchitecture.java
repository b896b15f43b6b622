package dev.basalt.platform.convert;

import dev.basalt.engine.model.Architecture;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** The Hugging Face {@code architectures} the converter maps onto an engine architecture. */
enum HfArchitecture {
    /**
     * Llama and Mistral share llama's GGUF layout. HF stores each Q/K head with its rotary halves apart (NEOX
     * order); GGUF llama expects the pairs adjacent, so the converter permutes those rows.
     */
    LLAMA(Architecture.LLAMA, true, List.of("LlamaForCausalLM", "MistralForCausalLM")),
    /** Qwen2/2.5: NEOX rotary order in both formats, so no permutation; Q/K/V biases. */
    QWEN2(Architecture.QWEN2, false, List.of("Qwen2ForCausalLM")),
    /** Qwen3: like Qwen2 without biases, with per-head Q/K RMS norms. */
    QWEN3(Architecture.QWEN3, false, List.of("Qwen3ForCausalLM"));

    final Architecture engine;
    final boolean permuteQk;
    final List<String> hfNames;

    HfArchitecture(Architecture engine, boolean permuteQk, List<String> hfNames) {
        this.engine = engine;
        this.permuteQk = permuteQk;
        this.hfNames = hfNames;
    }

    boolean qkvBias() {
        return this == QWEN2;
    }

    boolean qkNorm() {
        return this == QWEN3;
    }

    static Optional<HfArchitecture> byHfName(String name) {
        return Arrays.stream(values()).filter(a -> a.hfNames.contains(name)).findFirst();
    }

    static String supported() {
        return Arrays.stream(values()).flatMap(a -> a.hfNames.stream()).collect(Collectors.joining(", "));
    }
}
