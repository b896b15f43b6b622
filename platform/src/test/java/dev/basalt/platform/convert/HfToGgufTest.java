package dev.basalt.platform.convert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.basalt.engine.gguf.GgmlType;
import dev.basalt.engine.gguf.GgufArray;
import dev.basalt.engine.gguf.GgufFile;
import dev.basalt.engine.gguf.GgufTensor;
import dev.basalt.engine.model.Architecture;
import dev.basalt.engine.model.SyntheticModel;
import dev.basalt.engine.model.Transformer;
import dev.basalt.engine.tensor.Quantization;
import dev.basalt.engine.tokenizer.PreTokenizer;
import dev.basalt.engine.tokenizer.SyntheticTokenizer;
import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Synthetic models of each architecture written out as Hugging Face folders (by {@link HfFolders}, the
 * converter's inverse) convert back to the very same GGUF; damaged folders fail with one clear error each.
 */
class HfToGgufTest {
    private static final Set<String> NOT_IN_HF = Set.of("general.name", "tokenizer.ggml.eot_token_id");

    @TempDir
    Path dir;

    private Path synthetic(Architecture arch, String pre) throws IOException {
        Path gguf = dir.resolve(arch.ggufName + ".gguf");
        if (pre.equals("smollm")) {
            SyntheticModel.write(arch, SyntheticModel.Shape.TINY, GgmlType.F32, 3, gguf);
        } else {
            SyntheticTokenizer tokenizer = SyntheticTokenizer.of(SyntheticModel.Shape.TINY.vocabSize,
                    Arrays.stream(PreTokenizer.values()).filter(t -> t.ggufName().equals(pre)).findFirst().orElseThrow(), Map.of(0, "<|endoftext|>", 5, "<|im_start|>"), "Once upon a time 2024.");
            SyntheticModel.write(arch, SyntheticModel.Shape.TINY, GgmlType.F32, 3, tokenizer::writeTo, gguf);
        }
        return gguf;
    }

    @ParameterizedTest(name = "{1} ({0}, {2} pre-tokenizer, untied {3})")
    @CsvSource({"LLAMA, LlamaForCausalLM, smollm, false", "LLAMA, MistralForCausalLM, gpt-2, true",
            "QWEN2, Qwen2ForCausalLM, qwen2, false", "QWEN3, Qwen3ForCausalLM, llama-bpe, true"})
    void syntheticModelsRoundTrip(Architecture arch, String hfArchitecture, String pre, boolean untied) throws Exception {
        Path original = synthetic(arch, pre);
        Path out = dir.resolve("converted.gguf");
        try (GgufFile expected = GgufFile.open(original)) {
            Path folder = HfFolders.fromGguf(expected, dir.resolve("hf"), hfArchitecture, untied);
            HfToGguf.Result result = HfToGguf.convert(folder, out, GgmlType.F32, HfToGguf.Progress.NONE);
            assertThat(result.hfArchitecture()).isEqualTo(hfArchitecture);
            assertThat(result.ggufArchitecture()).isEqualTo(arch.ggufName);
            try (GgufFile converted = GgufFile.open(out)) {
                for (GgufTensor want : expected.tensors().values()) {
                    GgufTensor got = converted.tensor(want.name());
                    assertThat(got.dims()).as(want.name()).containsExactly(want.dims());
                    assertThat(bytes(got)).as(want.name()).isEqualTo(bytes(want));
                }
                if (untied) {
                    assertThat(bytes(converted.tensor("output.weight"))).isEqualTo(bytes(expected.tensor("token_embd.weight")));
                }
                assertThat(converted.tensors()).hasSize(expected.tensors().size() + (untied ? 1 : 0));
                assertThat(converted.getString("general.name")).isEqualTo("hf");
                for (Map.Entry<String, Object> e : expected.metadata().entrySet()) {
                    if (!NOT_IN_HF.contains(e.getKey())) {
                        Object got = converted.metadata().get(e.getKey());
                        assertThat(got instanceof GgufArray a ? a.values() : got).as(e.getKey())
                                .isEqualTo(e.getValue() instanceof GgufArray a ? a.values() : e.getValue());
                    }
                }
            }
        }
    }

    @Test
    void quantizesMatricesAndKeepsVectorsF32() throws Exception {
        try (GgufFile expected = GgufFile.open(synthetic(Architecture.QWEN2, "qwen2"))) {
            Path folder = HfFolders.fromGguf(expected, dir.resolve("hf"), "Qwen2ForCausalLM", false);
            Path out = dir.resolve("q8.gguf");
            HfToGguf.convert(folder, out, GgmlType.Q8_0, HfToGguf.Progress.NONE);
            try (GgufFile converted = GgufFile.open(out)) {
                assertThat(converted.getInt("general.file_type")).isEqualTo(7);
                GgufTensor q = converted.tensor("blk.0.attn_q.weight");
                assertThat(q.type()).isEqualTo(GgmlType.Q8_0);
                float[] original = expected.tensor("blk.0.attn_q.weight").data().toArray(ValueLayout.JAVA_FLOAT_UNALIGNED);
                assertThat(bytes(q)).isEqualTo(Quantization.quantize(GgmlType.Q8_0, original));
                assertThat(converted.tensor("blk.0.attn_q.bias").type()).isEqualTo(GgmlType.F32);
                assertThat(converted.tensor("output_norm.weight").type()).isEqualTo(GgmlType.F32);
            }
        }
    }

    @Test
    void rowsThatAreNotWholeQ8BlocksFallBackToF16() throws Exception {
        Path folder = llamaFolder();
        int ffn = 40; // ffn_down's rows of 40 values are not whole 32-value Q8_0 blocks
        SafetensorsBytes narrowed = new SafetensorsBytes();
        try (SafetensorsFile st = SafetensorsFile.open(folder.resolve("model.safetensors"))) {
            for (SafetensorsTensor t : st.tensors().values()) {
                float[] all = t.data().toArray(ValueLayout.JAVA_FLOAT_UNALIGNED);
                long[] shape = t.shape();
                if (t.name().contains("gate_proj") || t.name().contains("up_proj")) {
                    narrowed.addF32(t.name(), new long[] {ffn, shape[1]}, Arrays.copyOf(all, ffn * (int) shape[1]));
                } else if (t.name().contains("down_proj")) {
                    float[] rows = new float[(int) shape[0] * ffn];
                    for (int r = 0; r < shape[0]; r++) {
                        System.arraycopy(all, r * (int) shape[1], rows, r * ffn, ffn);
                    }
                    narrowed.addF32(t.name(), new long[] {shape[0], ffn}, rows);
                } else {
                    narrowed.addF32(t.name(), shape, all);
                }
            }
        }
        Files.write(folder.resolve("model.safetensors"), narrowed.build());
        HfFolders.edit(folder, "config.json", c -> c.put("intermediate_size", ffn));
        Path out = dir.resolve("q8.gguf");
        HfToGguf.convert(folder, out, GgmlType.Q8_0, HfToGguf.Progress.NONE);
        try (GgufFile converted = GgufFile.open(out)) {
            assertThat(converted.tensor("blk.0.ffn_down.weight").type()).isEqualTo(GgmlType.F16);
            assertThat(converted.tensor("blk.0.ffn_down.weight").dims()).containsExactly(ffn, 128);
            assertThat(converted.tensor("blk.0.ffn_up.weight").type()).isEqualTo(GgmlType.Q8_0);
        }
    }

    private Path llamaFolder() throws IOException {
        try (GgufFile gguf = GgufFile.open(synthetic(Architecture.LLAMA, "smollm"))) {
            return HfFolders.fromGguf(gguf, dir.resolve("hf"), "LlamaForCausalLM", false);
        }
    }

    private void assertFails(Path folder, Class<? extends RuntimeException> type, String message) {
        Path out = dir.resolve("out.gguf");
        assertThatThrownBy(() -> HfToGguf.convert(folder, out, GgmlType.F32, HfToGguf.Progress.NONE))
                .isInstanceOf(type).hasMessageContaining(message);
        assertThat(out).doesNotExist();
    }

    @Test
    void llama3RopeScalingBecomesRopeFreqs() throws Exception {
        Path folder = llamaFolder();
        HfFolders.edit(folder, "config.json", c -> c.putObject("rope_scaling").put("rope_type", "llama3").put("factor", 32)
                .put("low_freq_factor", 1).put("high_freq_factor", 4).put("original_max_position_embeddings", 64));
        Path out = dir.resolve("llama3.gguf");
        HfToGguf.Result result = HfToGguf.convert(folder, out, GgmlType.F32, HfToGguf.Progress.NONE);
        try (GgufFile gguf = GgufFile.open(out)) {
            assertThat(result.tensors()).isEqualTo(gguf.tensors().size());
            float[] divisors = gguf.tensor("rope_freqs.weight").data().toArray(ValueLayout.JAVA_FLOAT_UNALIGNED);
            assertThat(divisors).containsExactly(new Llama3Rope(32, 1, 4, 64).frequencyDivisors(10000, 32));
            assertThat(divisors[0]).isEqualTo(1f);
            assertThat(divisors[15]).isEqualTo(32f);
            assertThat(Transformer.load(gguf).config().ropeDim()).isEqualTo(32);
        }
    }

    @Test
    void shardedCheckpointsConvertLikeOneFile() throws Exception {
        Path folder = llamaFolder();
        Path single = dir.resolve("single.gguf");
        HfToGguf.convert(folder, single, GgmlType.F32, HfToGguf.Progress.NONE);
        SafetensorsBytes first = new SafetensorsBytes();
        SafetensorsBytes second = new SafetensorsBytes();
        ObjectNode weightMap = HfFolders.JSON.createObjectNode();
        try (SafetensorsFile st = SafetensorsFile.open(folder.resolve("model.safetensors"))) {
            for (SafetensorsTensor t : st.tensors().values()) {
                boolean inFirst = t.name().contains("layers.0") || t.name().contains("embed");
                (inFirst ? first : second).add(t.name(), "F32", t.shape(), t.data().toArray(ValueLayout.JAVA_BYTE));
                weightMap.put(t.name(), inFirst ? "model-00001-of-00002.safetensors" : "model-00002-of-00002.safetensors");
            }
        }
        Files.delete(folder.resolve("model.safetensors"));
        Files.write(folder.resolve("model-00001-of-00002.safetensors"), first.build());
        Files.write(folder.resolve("model-00002-of-00002.safetensors"), second.build());
        ObjectNode index = HfFolders.JSON.createObjectNode();
        index.set("weight_map", weightMap);
        HfFolders.JSON.writeValue(folder.resolve("model.safetensors.index.json").toFile(), index);
        Path sharded = dir.resolve("sharded.gguf");
        HfToGguf.convert(folder, sharded, GgmlType.F32, HfToGguf.Progress.NONE);
        assertThat(Files.readAllBytes(sharded)).isEqualTo(Files.readAllBytes(single));

        HfFolders.edit(folder, "model.safetensors.index.json",
                i -> ((ObjectNode) i.get("weight_map")).put("model.norm.weight", "../elsewhere.safetensors"));
        assertFails(folder, ModelConversionException.class, "names shard ../elsewhere.safetensors, which is not in");
    }

    @Test
    void missingFilesAreNamed() throws Exception {
        Path folder = llamaFolder();
        Files.delete(folder.resolve("tokenizer.json"));
        assertFails(folder, ModelConversionException.class, "has no tokenizer.json");
        Files.delete(folder.resolve("config.json"));
        assertFails(folder, ModelConversionException.class, "has no config.json");
        assertFails(dir.resolve("nowhere"), ModelConversionException.class, "is not a folder");
    }

    @Test
    void missingWeightsAreNamed() throws Exception {
        Path folder = llamaFolder();
        Files.delete(folder.resolve("model.safetensors"));
        assertFails(folder, ModelConversionException.class, "has neither model.safetensors nor model.safetensors.index.json");
    }

    @Test
    void missingAndLeftoverTensorsAreNamed() throws Exception {
        Path folder = llamaFolder();
        HfFolders.edit(folder, "config.json", c -> c.put("num_hidden_layers", 3));
        assertFails(folder, ModelConversionException.class, "the checkpoint has no tensor model.layers.2.input_layernorm.weight");
        HfFolders.edit(folder, "config.json", c -> c.put("num_hidden_layers", 1));
        assertFails(folder, ModelConversionException.class,
                "does not use: model.layers.1.input_layernorm.weight, model.layers.1.mlp.down_proj.weight");
    }

    @Test
    void truncatedWeightsAreRejected() throws Exception {
        Path folder = llamaFolder();
        Path weights = folder.resolve("model.safetensors");
        byte[] bytes = Files.readAllBytes(weights);
        Files.write(weights, Arrays.copyOf(bytes, bytes.length - 100));
        assertFails(folder, SafetensorsFormatException.class, "safetensors file model.safetensors tensor");
    }

    static Stream<Arguments> badConfigs() {
        return Stream.of(
                Arguments.of("unknown architecture", (Consumer<ObjectNode>) c -> c.putArray("architectures").add("GPT2LMHeadModel"),
                        "unsupported architecture [\"GPT2LMHeadModel\"] in config.json; supported: LlamaForCausalLM, MistralForCausalLM"),
                Arguments.of("shape mismatch", (Consumer<ObjectNode>) c -> c.put("intermediate_size", 512),
                        "tensor model.layers.0.mlp.gate_proj.weight has shape [256, 128], but config.json implies [512, 128]"),
                Arguments.of("not a number", (Consumer<ObjectNode>) c -> c.put("hidden_size", "wide"),
                        "config.json: hidden_size is \"wide\"; it must be a positive integer"),
                Arguments.of("rope scaling", (Consumer<ObjectNode>) c -> c.putObject("rope_scaling").put("rope_type", "yarn"),
                        "rope_scaling type 'yarn' is not supported yet; supported: linear, llama3"),
                Arguments.of("heads", (Consumer<ObjectNode>) c -> c.put("num_key_value_heads", 3),
                        "num_attention_heads 4 is not a multiple of num_key_value_heads 3"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badConfigs")
    void badConfigsAreNamed(String what, Consumer<ObjectNode> change, String message) throws Exception {
        Path folder = llamaFolder();
        HfFolders.edit(folder, "config.json", change);
        assertFails(folder, ModelConversionException.class, message);
    }

    @Test
    void configThatIsNotJsonIsNamed() throws Exception {
        Path folder = llamaFolder();
        Files.writeString(folder.resolve("config.json"), "{\"architectures\": [");
        assertFails(folder, ModelConversionException.class, "config.json is not valid JSON");
    }

    @Test
    void unsupportedTokenizersAreNamed() throws Exception {
        Path folder = llamaFolder();
        HfFolders.edit(folder, "tokenizer.json", t -> ((ObjectNode) t.get("model")).put("type", "Unigram"));
        assertFails(folder, ModelConversionException.class, "tokenizer model type 'Unigram' is not supported yet");
        HfFolders.edit(folder, "tokenizer.json", t -> {
            ((ObjectNode) t.get("model")).put("type", "BPE");
            t.putObject("pre_tokenizer").put("type", "ByteLevel").put("use_regex", false);
        });
        assertFails(folder, ModelConversionException.class, "this byte-level pre_tokenizer is not supported yet");
        HfFolders.edit(folder, "tokenizer_config.json", c -> c.put("bos_token", "<s>"));
        HfFolders.edit(folder, "tokenizer.json", t -> t.putObject("pre_tokenizer").put("type", "ByteLevel").put("use_regex", true));
        assertFails(folder, ModelConversionException.class, "bos_token \"<s>\" is not a token of tokenizer.json");
    }

    @Test
    void onlySupportedWeightTypes() {
        assertThatThrownBy(() -> HfToGguf.convert(dir, dir.resolve("x.gguf"), GgmlType.Q4_0, HfToGguf.Progress.NONE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not Q4_0");
    }

    @Test
    void rotaryPermutationMatchesLlamaCppReshape() {
        // reshape(heads, 2, headDim/2, cols).swapaxes(1, 2) for one head of 8 rows: GGUF row r takes HF row ...
        long[] rows = new long[8];
        for (int r = 0; r < 8; r++) {
            rows[r] = HfToGguf.sourceRow(r, 8);
        }
        assertThat(rows).containsExactly(0, 4, 1, 5, 2, 6, 3, 7);
        assertThat(HfToGguf.sourceRow(9, 8)).isEqualTo(12); // second head
    }

    private static byte[] bytes(GgufTensor t) {
        return t.data().toArray(ValueLayout.JAVA_BYTE);
    }
}
