package dev.basalt.platform.convert;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The hyperparameters of a Hugging Face {@code config.json} that a GGUF file records, with transformers'
 * defaults for the optional ones.
 *
 * @param hfArchitecture  the {@code architectures} entry that was recognised
 * @param ropeScaleFactor linear RoPE scaling factor, or 0 for none
 * @param llama3Rope      Llama 3.1+ RoPE scaling, or null for none
 */
record HfConfig(HfArchitecture architecture, String hfArchitecture, String modelType, int hiddenSize, int layers,
                int heads, int kvHeads, int headDim, int intermediateSize, float rmsEps, float ropeTheta,
                int contextLength, int vocabSize, boolean tiedEmbeddings, float ropeScaleFactor, Llama3Rope llama3Rope) {

    static final String FILE = "config.json";

    static HfConfig read(Path folder) throws IOException {
        JsonNode c = HfJson.require(folder, FILE);
        JsonNode names = c.get("architectures");
        if (names == null || !names.isArray() || names.isEmpty()) {
            throw new ModelConversionException(FILE + " has no architectures list; supported: " + HfArchitecture.supported());
        }
        String name = names.get(0).asText();
        HfArchitecture arch = HfArchitecture.byHfName(name).orElseThrow(() -> new ModelConversionException(
                "unsupported architecture " + names + " in " + FILE + "; supported: " + HfArchitecture.supported()));
        int hidden = positive(c, "hidden_size");
        int heads = positive(c, "num_attention_heads");
        int kvHeads = c.has("num_key_value_heads") && !c.get("num_key_value_heads").isNull()
                ? positive(c, "num_key_value_heads") : heads;
        if (heads % kvHeads != 0) {
            throw new ModelConversionException(FILE + ": num_attention_heads " + heads
                    + " is not a multiple of num_key_value_heads " + kvHeads);
        }
        int headDim = c.has("head_dim") && !c.get("head_dim").isNull() ? positive(c, "head_dim") : hidden / heads;
        if (headDim % 2 != 0 || (!c.has("head_dim") && hidden % heads != 0)) {
            throw new ModelConversionException(FILE + ": a head of " + hidden + " / " + heads
                    + " values cannot be rotated in pairs");
        }
        return new HfConfig(arch, name, c.path("model_type").asText(""), hidden, positive(c, "num_hidden_layers"),
                heads, kvHeads, headDim, positive(c, "intermediate_size"), (float) number(c, "rms_norm_eps", 1e-6),
                (float) number(c, "rope_theta", 10000), positive(c, "max_position_embeddings"),
                positive(c, "vocab_size"), c.path("tie_word_embeddings").asBoolean(false), linearRopeScaling(c),
                llama3RopeScaling(c, arch));
    }

    private static int positive(JsonNode c, String key) {
        JsonNode v = c.get(key);
        if (v == null || !v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() <= 0) {
            throw new ModelConversionException(FILE + ": " + key + " is " + (v == null ? "missing" : v)
                    + "; it must be a positive integer");
        }
        return v.asInt();
    }

    private static double number(JsonNode c, String key, double defaultValue) {
        JsonNode v = c.get(key);
        if (v == null || v.isNull()) {
            return defaultValue;
        }
        if (!v.isNumber() || !(v.asDouble() > 0)) {
            throw new ModelConversionException(FILE + ": " + key + " is " + v + "; it must be a positive number");
        }
        return v.asDouble();
    }

    /** {@code rope_scaling}'s type ("rope_type", or "type" in older configs); "default" when there is none. */
    private static String ropeScalingType(JsonNode c) {
        JsonNode s = c.path("rope_scaling");
        String type = s.has("rope_type") ? s.path("rope_type").asText() : s.path("type").asText("default");
        if (!type.equals("default") && !type.equals("linear") && !type.equals("llama3")) {
            throw new ModelConversionException(FILE + ": rope_scaling type '" + type
                    + "' is not supported yet; supported: linear, llama3");
        }
        return type;
    }

    private static float linearRopeScaling(JsonNode c) {
        return ropeScalingType(c).equals("linear") ? (float) number(c.get("rope_scaling"), "factor", 1) : 0;
    }

    private static Llama3Rope llama3RopeScaling(JsonNode c, HfArchitecture arch) {
        if (!ropeScalingType(c).equals("llama3")) {
            return null;
        }
        if (arch != HfArchitecture.LLAMA) {
            throw new ModelConversionException(FILE + ": llama3 rope_scaling is supported for llama models only");
        }
        JsonNode s = c.get("rope_scaling");
        // llama.cpp's defaults, which are Llama 3.1's values.
        return new Llama3Rope((float) number(s, "factor", 8), (float) number(s, "low_freq_factor", 1),
                (float) number(s, "high_freq_factor", 4), (int) number(s, "original_max_position_embeddings", 8192));
    }
}
