package dev.basalt.platform.convert;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.basalt.engine.gguf.GgufFile;
import dev.basalt.engine.gguf.GgufTensor;
import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Writes a Hugging Face folder holding the same model as an F32 GGUF file: the inverse of the converter, written
 * independently of it (tensor names spelled out, llama's rotary permutation undone with explicit loops), so
 * that converting the folder back must reproduce the GGUF file.
 */
final class HfFolders {
    static final ObjectMapper JSON = new ObjectMapper();

    private static final Map<String, String> LAYER_NAMES = Map.ofEntries(
            Map.entry("attn_norm.weight", "input_layernorm.weight"),
            Map.entry("attn_q.weight", "self_attn.q_proj.weight"),
            Map.entry("attn_k.weight", "self_attn.k_proj.weight"),
            Map.entry("attn_v.weight", "self_attn.v_proj.weight"),
            Map.entry("attn_output.weight", "self_attn.o_proj.weight"),
            Map.entry("attn_q.bias", "self_attn.q_proj.bias"),
            Map.entry("attn_k.bias", "self_attn.k_proj.bias"),
            Map.entry("attn_v.bias", "self_attn.v_proj.bias"),
            Map.entry("attn_q_norm.weight", "self_attn.q_norm.weight"),
            Map.entry("attn_k_norm.weight", "self_attn.k_norm.weight"),
            Map.entry("ffn_norm.weight", "post_attention_layernorm.weight"),
            Map.entry("ffn_gate.weight", "mlp.gate_proj.weight"),
            Map.entry("ffn_up.weight", "mlp.up_proj.weight"),
            Map.entry("ffn_down.weight", "mlp.down_proj.weight"));

    private HfFolders() {}

    /** Writes {@code gguf} (F32, tied embeddings) as a folder; {@code untied} also stores lm_head.weight. */
    static Path fromGguf(GgufFile gguf, Path folder, String hfArchitecture, boolean untied) throws IOException {
        Files.createDirectories(folder);
        String arch = gguf.getString("general.architecture");
        String p = arch + ".";
        int heads = gguf.getInt(p + "attention.head_count");
        int kvHeads = gguf.getInt(p + "attention.head_count_kv");
        ObjectNode config = JSON.createObjectNode();
        config.putArray("architectures").add(hfArchitecture);
        config.put("model_type", arch)
                .put("hidden_size", gguf.getInt(p + "embedding_length"))
                .put("num_hidden_layers", gguf.getInt(p + "block_count"))
                .put("num_attention_heads", heads)
                .put("num_key_value_heads", kvHeads)
                .put("intermediate_size", gguf.getInt(p + "feed_forward_length"))
                .put("rms_norm_eps", (double) gguf.getFloat(p + "attention.layer_norm_rms_epsilon"))
                .put("rope_theta", (double) gguf.getFloat(p + "rope.freq_base"))
                .put("max_position_embeddings", gguf.getInt(p + "context_length"))
                .put("vocab_size", gguf.getInt(p + "vocab_size"))
                .put("tie_word_embeddings", !untied)
                .putNull("rope_scaling");
        JSON.writeValue(folder.resolve("config.json").toFile(), config);

        SafetensorsBytes weights = new SafetensorsBytes();
        for (GgufTensor t : gguf.tensors().values()) {
            String name = hfName(t.name());
            long[] shape = t.dims().length == 1 ? new long[] {t.dims()[0]} : new long[] {t.dims()[1], t.dims()[0]};
            float[] values = t.data().toArray(ValueLayout.JAVA_FLOAT_UNALIGNED);
            if (arch.equals("llama") && (t.name().endsWith("attn_q.weight") || t.name().endsWith("attn_k.weight"))) {
                values = unpermute(values, t.name().endsWith("attn_q.weight") ? heads : kvHeads, (int) shape[1]);
            }
            weights.addF32(name, shape, values);
            if (untied && name.equals("model.embed_tokens.weight")) {
                weights.addF32("lm_head.weight", shape, values);
            }
        }
        Files.write(folder.resolve("model.safetensors"), weights.build());
        writeTokenizer(gguf, folder);
        return folder;
    }

    private static String hfName(String gguf) {
        if (gguf.equals("token_embd.weight")) {
            return "model.embed_tokens.weight";
        }
        if (gguf.equals("output_norm.weight")) {
            return "model.norm.weight";
        }
        String[] parts = gguf.split("\\.", 3); // blk, N, rest
        return "model.layers." + parts[1] + "." + LAYER_NAMES.get(parts[2]);
    }

    /** GGUF llama keeps rotary pairs adjacent (rows 2i, 2i+1 of a head); HF keeps them half a head apart. */
    private static float[] unpermute(float[] gguf, int heads, int cols) {
        int rows = gguf.length / cols;
        int headDim = rows / heads;
        int half = headDim / 2;
        float[] hf = new float[gguf.length];
        for (int h = 0; h < heads; h++) {
            for (int i = 0; i < half; i++) {
                for (int j = 0; j < 2; j++) {
                    System.arraycopy(gguf, (h * headDim + 2 * i + j) * cols, hf, (h * headDim + j * half + i) * cols, cols);
                }
            }
        }
        return hf;
    }

    private static void writeTokenizer(GgufFile gguf, Path folder) throws IOException {
        String[] tokens = (String[]) gguf.getArray("tokenizer.ggml.tokens").values();
        int[] types = (int[]) gguf.getArray("tokenizer.ggml.token_type").values();
        String[] merges = (String[]) gguf.getArray("tokenizer.ggml.merges").values();
        ObjectNode json = JSON.createObjectNode();
        ArrayNode added = json.putArray("added_tokens");
        ObjectNode model = json.putObject("model").put("type", "BPE").put("byte_fallback", false);
        ObjectNode vocab = model.putObject("vocab");
        for (int id = 0; id < tokens.length; id++) {
            if (types[id] == 3) {
                added.addObject().put("id", id).put("content", tokens[id]).put("special", true);
            } else {
                vocab.put(tokens[id], id);
            }
        }
        ArrayNode mergeList = model.putArray("merges");
        for (String m : merges) {
            String[] pair = m.split(" ");
            mergeList.addArray().add(pair[0]).add(pair[1]); // the newer format; the converter reads both
        }
        json.set("pre_tokenizer", preTokenizer(gguf.getString("tokenizer.ggml.pre")));
        JSON.writeValue(folder.resolve("tokenizer.json").toFile(), json);

        ObjectNode config = JSON.createObjectNode();
        for (String special : new String[] {"bos", "eos", "padding"}) {
            String key = "tokenizer.ggml." + special + "_token_id";
            if (gguf.has(key)) {
                String field = special.equals("padding") ? "pad_token" : special + "_token";
                config.putObject(field).put("content", tokens[gguf.getInt(key)]);
            }
        }
        config.put("add_bos_token", gguf.getBoolean("tokenizer.ggml.add_bos_token", false))
                .put("add_eos_token", gguf.getBoolean("tokenizer.ggml.add_eos_token", false));
        if (gguf.has("tokenizer.chat_template")) {
            config.put("chat_template", gguf.getString("tokenizer.chat_template"));
        }
        JSON.writeValue(folder.resolve("tokenizer_config.json").toFile(), config);
    }

    /** The pre_tokenizer sections of the real models' tokenizer.json files. */
    private static ObjectNode preTokenizer(String ggufPre) {
        ObjectNode byteLevel = JSON.createObjectNode().put("type", "ByteLevel").put("add_prefix_space", false)
                .put("trim_offsets", true);
        ObjectNode sequence = JSON.createObjectNode().put("type", "Sequence");
        ArrayNode steps = sequence.putArray("pretokenizers");
        switch (ggufPre) {
            case "gpt-2" -> {
                return byteLevel.put("use_regex", true);
            }
            case "smollm" -> steps.addObject().put("type", "Digits").put("individual_digits", true);
            case "qwen2", "llama-bpe" -> {
                String numbers = ggufPre.equals("qwen2") ? "\\p{N}" : "\\p{N}{1,3}";
                steps.addObject().put("type", "Split").put("behavior", "Isolated").put("invert", false)
                        .putObject("pattern").put("Regex", "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|"
                                + numbers + "| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+");
            }
            default -> throw new IllegalArgumentException(ggufPre);
        }
        steps.add(byteLevel.put("use_regex", ggufPre.equals("smollm")));
        return sequence;
    }

    /** Rewrites a JSON file of {@code folder}. */
    static void edit(Path folder, String file, Consumer<ObjectNode> change) throws IOException {
        ObjectNode node = (ObjectNode) JSON.readTree(folder.resolve(file).toFile());
        change.accept(node);
        JSON.writeValue(folder.resolve(file).toFile(), node);
    }
}
