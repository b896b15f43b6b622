package dev.basalt.platform.convert;

import com.fasterxml.jackson.databind.JsonNode;
import dev.basalt.engine.gguf.GgufArray;
import dev.basalt.engine.gguf.GgufValueType;
import dev.basalt.engine.gguf.GgufWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A Hugging Face BPE tokenizer ({@code tokenizer.json} plus {@code tokenizer_config.json} and
 * {@code special_tokens_map.json}) as the {@code tokenizer.ggml.*} keys the engine reads:
 * <ul>
 *   <li>SentencePiece-style BPE (the {@code ▁} space marker, byte fallback) becomes model {@code llama}. GGUF
 *       llama vocabularies carry scores instead of merges, so each token scores minus the rank of the first
 *       merge that creates it (0 when none does): merging the highest-scoring pair first then applies the
 *       merges in HF's rank order.</li>
 *   <li>Byte-level BPE (GPT-2 style) becomes model {@code gpt2} with its merges and the pre-tokenizer named by
 *       the {@code pre_tokenizer} it uses.</li>
 * </ul>
 */
final class HfTokenizer {
    static final String FILE = "tokenizer.json";

    private static final int NORMAL = 1;
    private static final int CONTROL = 3;
    private static final int USER_DEFINED = 4;
    private static final int UNUSED = 5;
    private static final int BYTE = 6;
    private static final Pattern BYTE_TOKEN = Pattern.compile("<0x[0-9A-Fa-f]{2}>");

    /** The Split regexes of Llama 3's and Qwen2's tokenizer.json, which name llama.cpp's pre-tokenizers. */
    private static final Map<String, String> SPLIT_PRE_TOKENIZERS = Map.of(
            "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
            "llama-bpe",
            "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
            "qwen2");

    private final String model;
    private final String pre;
    private final String[] tokens;
    private final float[] scores;
    private final int[] types;
    private final String[] merges;
    private final Map<String, Integer> specialIds;
    private final Boolean addBos;
    private final Boolean addEos;
    private final String chatTemplate;
    private final boolean addSpacePrefix;

    private HfTokenizer(String model, String pre, String[] tokens, float[] scores, int[] types, String[] merges,
                        Map<String, Integer> specialIds, Boolean addBos, Boolean addEos, String chatTemplate,
                        boolean addSpacePrefix) {
        this.model = model;
        this.pre = pre;
        this.tokens = tokens;
        this.scores = scores;
        this.types = types;
        this.merges = merges;
        this.specialIds = specialIds;
        this.addBos = addBos;
        this.addEos = addEos;
        this.chatTemplate = chatTemplate;
        this.addSpacePrefix = addSpacePrefix;
    }

    /** Reads the folder's tokenizer; {@code vocabSize} (config.json's) is how many tokens the embedding has. */
    static HfTokenizer read(Path folder, HfConfig config) throws IOException {
        JsonNode json = HfJson.require(folder, FILE);
        JsonNode bpe = json.path("model");
        String type = bpe.path("type").asText("");
        if (!type.equals("BPE")) {
            throw new ModelConversionException(FILE + ": tokenizer model type '" + type + "' is not supported yet;"
                    + " supported: BPE (SentencePiece-style with byte fallback, or byte-level)");
        }
        String ggmlModel;
        String pre;
        Optional<String> byteLevelPre = byteLevelPreTokenizer(json.path("pre_tokenizer"));
        if (byteLevelPre.isPresent()) {
            ggmlModel = "gpt2";
            pre = byteLevelPre.get();
        } else if (bpe.path("byte_fallback").asBoolean(false) || usesSpaceMarker(json)) {
            ggmlModel = "llama";
            pre = "default";
        } else {
            throw new ModelConversionException(FILE + ": a BPE tokenizer that is neither byte-level nor"
                    + " SentencePiece-style (no byte fallback, no \u2581 space marker) is not supported yet");
        }
        boolean sentencePiece = ggmlModel.equals("llama");

        String[] tokens = new String[config.vocabSize()];
        int[] types = new int[config.vocabSize()];
        JsonNode vocab = bpe.path("vocab");
        if (!vocab.isObject() || vocab.isEmpty()) {
            throw new ModelConversionException(FILE + ": model.vocab is missing or empty");
        }
        vocab.fields().forEachRemaining(e -> place(tokens, types, e.getValue(), e.getKey(),
                sentencePiece && BYTE_TOKEN.matcher(e.getKey()).matches() ? BYTE : NORMAL, config));
        for (JsonNode added : json.path("added_tokens")) {
            place(tokens, types, added.path("id"), added.path("content").asText(),
                    added.path("special").asBoolean(false) ? CONTROL : USER_DEFINED, config);
        }
        for (int id = 0; id < tokens.length; id++) {
            if (tokens[id] == null) { // the embedding has rows no token uses (padded to a round size)
                tokens[id] = "[PAD" + id + "]";
                types[id] = UNUSED;
            }
        }

        List<String[]> mergePairs = merges(bpe.path("merges"));
        float[] scores = null;
        String[] mergeLines = null;
        if (sentencePiece) {
            scores = scoresFromMerges(tokens, mergePairs);
        } else {
            mergeLines = mergePairs.stream().map(p -> {
                if (p[0].contains(" ") || p[1].contains(" ")) {
                    throw new ModelConversionException(FILE + ": merge " + Arrays.toString(p)
                            + " contains a space, which GGUF's \"left right\" merges cannot hold");
                }
                return p[0] + " " + p[1];
            }).toArray(String[]::new);
        }

        JsonNode tokenizerConfig = HfJson.optional(folder, "tokenizer_config.json").orElse(null);
        JsonNode specialMap = HfJson.optional(folder, "special_tokens_map.json").orElse(null);
        Map<String, Integer> idByText = new HashMap<>();
        for (int id = tokens.length - 1; id >= 0; id--) {
            idByText.put(tokens[id], id);
        }
        Map<String, Integer> specialIds = new LinkedHashMap<>();
        specialId(idByText, tokenizerConfig, specialMap, "bos_token").ifPresent(id -> specialIds.put("bos", id));
        specialId(idByText, tokenizerConfig, specialMap, "eos_token").ifPresent(id -> specialIds.put("eos", id));
        Optional<Integer> unk = specialId(idByText, tokenizerConfig, specialMap, "unk_token");
        if (unk.isEmpty() && bpe.path("unk_token").isTextual()) {
            unk = Optional.ofNullable(idByText.get(bpe.path("unk_token").asText()));
        }
        unk.ifPresent(id -> specialIds.put("unknown", id));
        specialId(idByText, tokenizerConfig, specialMap, "pad_token").ifPresent(id -> specialIds.put("padding", id));

        Boolean addBos = flag(tokenizerConfig, "add_bos_token");
        if (addBos == null) {
            addBos = templateStartsWithSpecialToken(json.path("post_processor"));
        }
        return new HfTokenizer(ggmlModel, pre, tokens, scores, types, mergeLines, specialIds, addBos,
                flag(tokenizerConfig, "add_eos_token"), chatTemplate(folder, tokenizerConfig),
                sentencePiece && prependsSpace(json));
    }

    /** SentencePiece-style: spaces become U+2581 in the normalizer or pre-tokenizer, and back in the decoder. */
    private static boolean usesSpaceMarker(JsonNode json) {
        return (json.path("normalizer").toString() + json.path("pre_tokenizer")).contains("\u2581");
    }

    private static void place(String[] tokens, int[] types, JsonNode idNode, String text, int type, HfConfig config) {
        if (!idNode.canConvertToInt() || idNode.asInt() < 0) {
            throw new ModelConversionException(FILE + ": token '" + text + "' has id " + idNode + ", not a token id");
        }
        int id = idNode.asInt();
        if (id >= tokens.length) {
            throw new ModelConversionException(FILE + ": token '" + text + "' has id " + id + ", but " + HfConfig.FILE
                    + " has vocab_size " + config.vocabSize());
        }
        if (tokens[id] != null && !tokens[id].equals(text)) {
            throw new ModelConversionException(FILE + ": id " + id + " is given to both '" + tokens[id] + "' and '" + text + "'");
        }
        tokens[id] = text;
        types[id] = type;
    }

    /** Merges as pairs, from either format: {@code "left right"} strings or {@code ["left", "right"]} arrays. */
    private static List<String[]> merges(JsonNode node) {
        List<String[]> out = new ArrayList<>(node.size());
        for (JsonNode m : node) {
            String[] pair;
            if (m.isTextual()) {
                pair = m.asText().split(" ", -1);
            } else if (m.isArray()) {
                pair = new String[m.size()];
                for (int i = 0; i < pair.length; i++) {
                    pair[i] = m.get(i).asText();
                }
            } else {
                pair = new String[0];
            }
            if (pair.length != 2) {
                throw new ModelConversionException(FILE + ": merge " + m + " is not a pair of tokens");
            }
            out.add(pair);
        }
        return out;
    }

    private static float[] scoresFromMerges(String[] tokens, List<String[]> merges) {
        Map<String, Integer> rankOfResult = new HashMap<>();
        for (int rank = 0; rank < merges.size(); rank++) {
            rankOfResult.putIfAbsent(merges.get(rank)[0] + merges.get(rank)[1], rank);
        }
        float[] scores = new float[tokens.length];
        for (int id = 0; id < tokens.length; id++) {
            Integer rank = rankOfResult.get(tokens[id]);
            scores[id] = rank == null ? 0f : -(float) rank;
        }
        return scores;
    }

    /**
     * llama.cpp's name for a byte-level pre-tokenizer, when {@code node} is one; empty for a tokenizer that is
     * not byte-level.
     */
    private static Optional<String> byteLevelPreTokenizer(JsonNode node) {
        List<JsonNode> steps = steps(node, "pretokenizers");
        if (steps.isEmpty() || !steps.getLast().path("type").asText().equals("ByteLevel")) {
            return Optional.empty();
        }
        boolean regex = steps.getLast().path("use_regex").asBoolean(true);
        List<JsonNode> before = steps.subList(0, steps.size() - 1);
        if (regex && before.isEmpty()) {
            return Optional.of("gpt-2");
        }
        if (regex && before.size() == 1 && before.getFirst().path("type").asText().equals("Digits")
                && before.getFirst().path("individual_digits").asBoolean(false)) {
            return Optional.of("smollm");
        }
        if (!regex && before.size() == 1 && before.getFirst().path("type").asText().equals("Split")) {
            String pattern = before.getFirst().path("pattern").path("Regex").asText();
            String name = SPLIT_PRE_TOKENIZERS.get(pattern);
            if (name != null) {
                return Optional.of(name);
            }
        }
        throw new ModelConversionException(FILE + ": this byte-level pre_tokenizer is not supported yet: " + node
                + "; supported: GPT-2's, Llama 3's, Qwen2's and SmolLM's");
    }

    /** The steps of a normalizer or pre-tokenizer: those of a Sequence, else the node itself (none when null). */
    private static List<JsonNode> steps(JsonNode node, String sequenceKey) {
        List<JsonNode> steps = new ArrayList<>();
        if (node.path("type").asText().equals("Sequence")) {
            node.path(sequenceKey).forEach(steps::add);
        } else if (!node.isMissingNode() && !node.isNull()) {
            steps.add(node);
        }
        return steps;
    }

    /**
     * Whether a SentencePiece-style tokenizer puts {@code ▁} before the text: a Prepend normalizer (Llama 2,
     * TinyStories) or a Metaspace pre-tokenizer that prepends (newer Llama/Mistral tokenizer.json files).
     */
    private static boolean prependsSpace(JsonNode json) {
        boolean prepend = steps(json.path("normalizer"), "normalizers").stream()
                .anyMatch(n -> n.path("type").asText().equals("Prepend") && n.path("prepend").asText().equals("\u2581"));
        boolean metaspace = steps(json.path("pre_tokenizer"), "pretokenizers").stream()
                .anyMatch(n -> n.path("type").asText().equals("Metaspace")
                        && (n.has("prepend_scheme") ? !n.path("prepend_scheme").asText().equals("never")
                                : n.path("add_prefix_space").asBoolean(true)));
        return prepend || metaspace;
    }

    /** The id of a special token named (as text or as {"content": text}) in tokenizer_config or special_tokens_map. */
    private static Optional<Integer> specialId(Map<String, Integer> idByText, JsonNode tokenizerConfig,
                                               JsonNode specialMap, String key) {
        for (JsonNode source : new JsonNode[] {tokenizerConfig, specialMap}) {
            JsonNode v = source == null ? null : source.get(key);
            if (v == null || v.isNull()) {
                continue;
            }
            String text = v.isTextual() ? v.asText() : v.path("content").asText(null);
            Integer id = text == null ? null : idByText.get(text);
            if (id == null) {
                throw new ModelConversionException(key + " " + v + " is not a token of " + FILE);
            }
            return Optional.of(id);
        }
        return Optional.empty();
    }

    private static Boolean flag(JsonNode tokenizerConfig, String key) {
        JsonNode v = tokenizerConfig == null ? null : tokenizerConfig.get(key);
        return v != null && v.isBoolean() ? v.asBoolean() : null;
    }

    /** A TemplateProcessing post-processor that puts a special token before the text adds BOS. */
    private static Boolean templateStartsWithSpecialToken(JsonNode postProcessor) {
        if (!postProcessor.path("type").asText().equals("TemplateProcessing")) {
            return null;
        }
        JsonNode single = postProcessor.path("single");
        return single.size() > 0 && single.get(0).has("SpecialToken");
    }

    /** {@code chat_template} of tokenizer_config.json (a string, or named templates: "default" wins), else chat_template.jinja. */
    private static String chatTemplate(Path folder, JsonNode tokenizerConfig) throws IOException {
        JsonNode t = tokenizerConfig == null ? null : tokenizerConfig.get("chat_template");
        if (t != null && t.isTextual()) {
            return t.asText();
        }
        if (t != null && t.isArray()) {
            for (JsonNode named : t) {
                if (named.path("name").asText().equals("default")) {
                    return named.path("template").asText();
                }
            }
            if (!t.isEmpty()) {
                return t.get(0).path("template").asText();
            }
        }
        Path jinja = folder.resolve("chat_template.jinja");
        return Files.isRegularFile(jinja) ? Files.readString(jinja, StandardCharsets.UTF_8) : null;
    }

    int size() {
        return tokens.length;
    }

    void writeTo(GgufWriter w) {
        w.putString("tokenizer.ggml.model", model);
        w.putString("tokenizer.ggml.pre", pre);
        w.putArray("tokenizer.ggml.tokens", new GgufArray(GgufValueType.STRING, tokens.clone()));
        if (scores != null) {
            w.putArray("tokenizer.ggml.scores", new GgufArray(GgufValueType.FLOAT32, scores.clone()));
        }
        w.putArray("tokenizer.ggml.token_type", new GgufArray(GgufValueType.INT32, types.clone()));
        if (merges != null) {
            w.putArray("tokenizer.ggml.merges", new GgufArray(GgufValueType.STRING, merges.clone()));
        }
        specialIds.forEach((name, id) -> w.putUInt32("tokenizer.ggml." + name + "_token_id", id));
        if (model.equals("llama") && !addSpacePrefix) { // the engine's default for llama is true
            w.putBool("tokenizer.ggml.add_space_prefix", false);
        }
        if (addBos != null) {
            w.putBool("tokenizer.ggml.add_bos_token", addBos);
        }
        if (addEos != null) {
            w.putBool("tokenizer.ggml.add_eos_token", addEos);
        }
        if (chatTemplate != null) {
            w.putString("tokenizer.chat_template", chatTemplate);
        }
    }
}
