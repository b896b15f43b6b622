package dev.basalt.engine.tokenizer;

import dev.basalt.engine.gguf.GgufArray;
import dev.basalt.engine.gguf.GgufFile;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;

/**
 * A model's tokenizer, read from the {@code tokenizer.ggml.*} metadata of a GGUF file the way llama.cpp reads it.
 * Two models are supported: {@code llama} (SentencePiece-style BPE: merges by token score, spaces as {@code ▁},
 * byte fallback to {@code <0xXX>} tokens) and {@code gpt2} (byte-level BPE with a merge list and a regex
 * pre-tokenizer chosen by {@code tokenizer.ggml.pre}). Immutable and thread-safe.
 *
 * <p>Choices where llama.cpp has no answer or differs from Hugging Face, all following SentencePiece and
 * Hugging Face: a character that is not in the vocabulary and has no byte tokens becomes the unknown token,
 * consecutive unknown characters becoming one (llama.cpp aborts there); decoding drops the leading space of the
 * first text token when the model adds a space prefix, skipping control tokens, which render as nothing.
 */
public final class Tokenizer implements Vocabulary {
    /** Token texts that end a generation, besides EOS/EOT ids: llama.cpp's end-of-generation list. */
    private static final Set<String> END_OF_GENERATION_TEXTS = Set.of("<|eot_id|>", "<|im_end|>", "<|end|>",
            "<end_of_turn>", "<|endoftext|>", "<|eom_id|>", "<EOT>", "_<EOT>", "<|end_of_text|>",
            "<end_of_utterance>", "</s>");
    private static final String SPACE_MARK = "\u2581";
    /** What llama.cpp prints for the unknown token. */
    private static final byte[] UNKNOWN_PIECE = "\u2585".getBytes(StandardCharsets.UTF_8);

    enum Model { SENTENCEPIECE, BYTE_LEVEL }

    private final Model model;
    private final PreTokenizer preTokenizer;
    private final String[] tokens;
    private final TokenType[] types;
    private final Map<String, Integer> idByText;
    private final byte[][] pieces;
    private final MergeTable merges;
    /** SentencePiece: single-character text tokens, keyed as the pair (code point, 0). */
    private final MergeTable charTokens;
    /** Byte-level: the token of each byte. SentencePiece: the {@code <0xXX>} token of each byte, or -1. */
    private final int[] byteTokens;
    private final SpecialTokenSplitter specials;
    private final boolean[] endOfGeneration;
    private final int bos;
    private final int eos;
    private final int unk;
    private final int eot;
    private final int pad;
    private final boolean addBos;
    private final boolean addEos;
    private final boolean addSpacePrefix;
    /** Llama 3: a pre-token that is a whole vocabulary entry is emitted as is, without merging. */
    private final boolean ignoreMerges;

    private Tokenizer(GgufFile gguf) {
        String modelName = requireString(gguf, "tokenizer.ggml.model");
        model = switch (modelName) {
            case "llama" -> Model.SENTENCEPIECE;
            case "gpt2" -> Model.BYTE_LEVEL;
            default -> throw new TokenizerFormatException("unsupported tokenizer.ggml.model '" + modelName
                    + "'; supported: llama (SentencePiece BPE), gpt2 (byte-level BPE)");
        };
        String pre = gguf.has("tokenizer.ggml.pre") ? requireString(gguf, "tokenizer.ggml.pre") : null;
        // SentencePiece models do not pre-tokenize; llama.cpp ignores the key for them too.
        preTokenizer = model == Model.BYTE_LEVEL ? PreTokenizer.fromGgufName(pre) : null;

        tokens = readTokens(gguf);
        int n = tokens.length;
        float[] scores = gguf.has("tokenizer.ggml.scores") ? readFloats(gguf, "tokenizer.ggml.scores", n) : new float[n];
        types = readTypes(gguf, n);
        idByText = new HashMap<>(n * 2);
        for (int id = 0; id < n; id++) {
            // The first of duplicate texts wins, as in llama.cpp's token_to_id map.
            idByText.putIfAbsent(tokens[id], id);
        }

        boolean sentencePiece = model == Model.SENTENCEPIECE;
        unk = specialId(gguf, "unknown", sentencePiece ? 0 : -1, n);
        bos = specialId(gguf, "bos", sentencePiece ? 1 : -1, n);
        eos = specialId(gguf, "eos", sentencePiece ? 2 : -1, n);
        eot = specialId(gguf, "eot", -1, n);
        int padId = gguf.getInt("tokenizer.ggml.padding_token_id", -1);
        pad = padId >= 0 && padId < n ? padId : -1; // models often name an out-of-vocabulary pad id; unused here
        endOfGeneration = new boolean[n];
        for (int id : new int[] {eos, eot, specialId(gguf, "eom", -1, n)}) {
            if (id >= 0) {
                endOfGeneration[id] = true;
            }
        }
        for (int id = 0; id < n; id++) {
            if (END_OF_GENERATION_TEXTS.contains(tokens[id])) {
                endOfGeneration[id] = true;
                types[id] = TokenType.CONTROL; // llama.cpp overrides mistyped end markers the same way
            }
        }

        addBos = gguf.getBoolean("tokenizer.ggml.add_bos_token", sentencePiece || preTokenizer == PreTokenizer.LLAMA3);
        addEos = gguf.getBoolean("tokenizer.ggml.add_eos_token", false);
        addSpacePrefix = gguf.getBoolean("tokenizer.ggml.add_space_prefix", sentencePiece);
        ignoreMerges = preTokenizer == PreTokenizer.LLAMA3;

        pieces = new byte[n][];
        for (int id = 0; id < n; id++) {
            pieces[id] = piece(id);
        }
        byteTokens = new int[256];
        if (sentencePiece) {
            charTokens = new MergeTable(n);
            merges = sentencePieceMerges(scores);
            readByteFallbackTokens();
        } else {
            charTokens = null;
            merges = byteLevelMerges(gguf);
            readByteLevelAlphabet();
        }
        specials = new SpecialTokenSplitter(tokens, types);
    }

    /** Reads the tokenizer of a GGUF model file; throws {@link TokenizerFormatException} naming what is wrong. */
    public static Tokenizer fromGguf(GgufFile gguf) {
        return new Tokenizer(gguf);
    }

    // ---- encoding ----

    /**
     * Token ids of {@code text}. {@code addBos} puts the BOS token first (when the model has one); see
     * {@link #addBosByDefault()}. With {@code parseSpecial}, the texts of control tokens in the input (such as
     * {@code <|im_start|>}) become those tokens, as llama.cpp's parse_special; user-defined tokens always do.
     */
    public int[] encode(String text, boolean addBos, boolean parseSpecial) {
        IntList out = new IntList(Math.max(16, text.length() / 3));
        if (addBos && bos >= 0) {
            out.add(bos);
        }
        boolean afterSpecial = true; // llama.cpp: the first fragment and any after a special token get a space
        for (SpecialTokenSplitter.Fragment f : specials.split(text, parseSpecial)) {
            if (!f.isText()) {
                out.add(f.token());
                afterSpecial = true;
                continue;
            }
            String fragment = text.substring(f.start(), f.end());
            if (model == Model.SENTENCEPIECE) {
                encodeSentencePiece(addSpacePrefix && afterSpecial ? " " + fragment : fragment, out);
            } else {
                for (String word : preTokenizer.split(fragment)) {
                    encodeByteLevel(word, out);
                }
            }
            afterSpecial = false;
        }
        return out.toArray();
    }

    private void encodeSentencePiece(String text, IntList out) {
        String escaped = text.replace(" ", SPACE_MARK);
        int[] symbols = new int[escaped.length()];
        int n = 0;
        for (int i = 0; i < escaped.length(); ) {
            int cp = escaped.codePointAt(i);
            long token = charTokens.get(cp, 0);
            // An unknown character is kept as -(codePoint + 1): negative ids never merge.
            symbols[n++] = token == MergeTable.ABSENT ? -(cp + 1) : MergeTable.result(token);
            i += Character.charCount(cp);
        }
        n = BpeMerger.merge(symbols, n, merges);
        boolean previousUnknown = false;
        for (int i = 0; i < n; i++) {
            if (symbols[i] >= 0) {
                out.add(symbols[i]);
                previousUnknown = false;
            } else if (!addByteFallback(-symbols[i] - 1, out)) {
                if (!previousUnknown && unk >= 0) {
                    out.add(unk);
                }
                previousUnknown = true;
            } else {
                previousUnknown = false;
            }
        }
    }

    /** Emits the {@code <0xXX>} tokens of a character's UTF-8 bytes; false when the vocabulary lacks one. */
    private boolean addByteFallback(int codePoint, IntList out) {
        byte[] utf8 = Character.toString(codePoint).getBytes(StandardCharsets.UTF_8);
        for (byte b : utf8) {
            if (byteTokens[b & 0xFF] < 0) {
                return false;
            }
        }
        for (byte b : utf8) {
            out.add(byteTokens[b & 0xFF]);
        }
        return true;
    }

    private void encodeByteLevel(String word, IntList out) {
        byte[] bytes = word.getBytes(StandardCharsets.UTF_8);
        if (ignoreMerges) {
            Integer whole = idByText.get(ByteLevel.encode(bytes));
            if (whole != null && types[whole].isText()) {
                out.add(whole);
                return;
            }
        }
        int[] symbols = new int[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            symbols[i] = byteTokens[bytes[i] & 0xFF];
        }
        int n = BpeMerger.merge(symbols, bytes.length, merges);
        for (int i = 0; i < n; i++) {
            out.add(symbols[i]);
        }
    }

    // ---- decoding ----

    /** The text of {@code ids}: the concatenation of what a fresh {@link TokenDecoder} returns for them. */
    public String decode(int[] ids) {
        TokenDecoder decoder = newDecoder();
        StringBuilder text = new StringBuilder();
        for (int id : ids) {
            text.append(decoder.accept(id));
        }
        return text.append(decoder.finish()).toString();
    }

    /** A streaming decoder for text that starts a document (the space prefix of its first token is dropped). */
    public TokenDecoder newDecoder() {
        return new TokenDecoder(this, addSpacePrefix);
    }

    /**
     * A streaming decoder for generated text that continues a prompt: nothing is stripped, so "Once upon a
     * time" + " there" keeps its space, as llama.cpp's server streams it.
     */
    public TokenDecoder newContinuationDecoder() {
        return new TokenDecoder(this, false);
    }

    private byte[] piece(int id) {
        String text = tokens[id];
        return switch (types[id]) {
            case CONTROL, UNUSED -> new byte[0];
            case UNKNOWN -> UNKNOWN_PIECE;
            case USER_DEFINED -> text.getBytes(StandardCharsets.UTF_8);
            case BYTE -> model == Model.SENTENCEPIECE ? new byte[] {(byte) parseByteToken(id)} : ByteLevel.decode(text);
            case NORMAL, UNDEFINED -> model == Model.SENTENCEPIECE
                    ? text.replace(SPACE_MARK, " ").getBytes(StandardCharsets.UTF_8)
                    : ByteLevel.decode(text);
        };
    }

    private int parseByteToken(int id) {
        String text = tokens[id];
        if (text.length() == 6 && text.startsWith("<0x") && text.endsWith(">")) {
            try {
                return Integer.parseInt(text, 3, 5, 16);
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        throw new TokenizerFormatException("token " + id + " '" + text + "' has type byte but is not of the form <0xXX>");
    }

    // ---- Vocabulary and accessors ----

    @Override
    public int size() {
        return tokens.length;
    }

    @Override
    public byte[] tokenBytes(int tokenId) {
        return pieces[checkId(tokenId)].clone();
    }

    /** The bytes of a token without a defensive copy, for the decoder. */
    byte[] pieceOf(int tokenId) {
        return pieces[checkId(tokenId)];
    }

    @Override
    public boolean isControl(int tokenId) {
        return types[checkId(tokenId)] == TokenType.CONTROL;
    }

    @Override
    public boolean isEndOfGeneration(int tokenId) {
        return endOfGeneration[checkId(tokenId)];
    }

    public TokenType tokenType(int tokenId) {
        return types[checkId(tokenId)];
    }

    /** The token's text as stored in the vocabulary (with {@code ▁} or byte-level characters). */
    public String tokenText(int tokenId) {
        return tokens[checkId(tokenId)];
    }

    public OptionalInt tokenId(String tokenText) {
        Integer id = idByText.get(tokenText);
        return id == null ? OptionalInt.empty() : OptionalInt.of(id);
    }

    /** BOS id, or -1 when the model has none. */
    public int bos() {
        return bos;
    }

    /** EOS id, or -1 when the model has none. */
    public int eos() {
        return eos;
    }

    /** Unknown-token id, or -1 when the model has none. */
    public int unk() {
        return unk;
    }

    /** End-of-turn id ({@code tokenizer.ggml.eot_token_id}), or -1. */
    public int eot() {
        return eot;
    }

    /** Padding id, or -1. */
    public int pad() {
        return pad;
    }

    /** Whether prompts should start with BOS ({@code tokenizer.ggml.add_bos_token}, llama.cpp's default). */
    public boolean addBosByDefault() {
        return addBos;
    }

    /** Whether the model asks for EOS after a prompt ({@code tokenizer.ggml.add_eos_token}). */
    public boolean addEosByDefault() {
        return addEos;
    }

    /** The pre-tokenizer of a byte-level model; null for SentencePiece. */
    PreTokenizer preTokenizer() {
        return preTokenizer;
    }

    private int checkId(int tokenId) {
        if (tokenId < 0 || tokenId >= tokens.length) {
            throw new IllegalArgumentException("token id " + tokenId + " is outside the vocabulary of "
                    + tokens.length + " tokens");
        }
        return tokenId;
    }

    // ---- loading ----

    private MergeTable sentencePieceMerges(float[] scores) {
        // Rank = position in descending score order, equal scores sharing a rank so that ties go leftmost.
        Integer[] byScore = new Integer[tokens.length];
        Arrays.setAll(byScore, i -> i);
        Arrays.sort(byScore, (a, b) -> Float.compare(scores[b], scores[a]));
        int[] rank = new int[tokens.length];
        for (int i = 1; i < byScore.length; i++) {
            boolean tie = scores[byScore[i]] == scores[byScore[i - 1]];
            rank[byScore[i]] = tie ? rank[byScore[i - 1]] : i;
        }
        MergeTable table = new MergeTable(tokens.length * 4);
        for (int id = 0; id < tokens.length; id++) {
            if (!types[id].isText()) {
                continue;
            }
            String text = tokens[id];
            if (text.codePointCount(0, text.length()) == 1) {
                charTokens.putIfAbsent(text.codePointAt(0), 0, 0, id);
            }
            // Every way of cutting the token into two text tokens is a merge that produces it.
            for (int cut = text.offsetByCodePoints(0, 1); cut < text.length(); cut = text.offsetByCodePoints(cut, 1)) {
                Integer left = idByText.get(text.substring(0, cut));
                Integer right = idByText.get(text.substring(cut));
                if (left != null && right != null && types[left].isText() && types[right].isText()) {
                    table.putIfAbsent(left, right, rank[id], id);
                }
            }
        }
        return table;
    }

    private void readByteFallbackTokens() {
        Arrays.fill(byteTokens, -1);
        for (int id = 0; id < tokens.length; id++) {
            if (types[id] == TokenType.BYTE) {
                int b = parseByteToken(id);
                if (byteTokens[b] < 0) {
                    byteTokens[b] = id;
                }
            }
        }
    }

    private void readByteLevelAlphabet() {
        for (int b = 0; b < 256; b++) {
            Integer id = idByText.get(String.valueOf(ByteLevel.charOf(b)));
            if (id == null) {
                throw new TokenizerFormatException(String.format(
                        "byte-level vocabulary has no token for byte 0x%02X ('%s')", b, ByteLevel.charOf(b)));
            }
            byteTokens[b] = id;
        }
    }

    private MergeTable byteLevelMerges(GgufFile gguf) {
        if (!gguf.has("tokenizer.ggml.merges")) {
            throw new TokenizerFormatException("gpt2 tokenizer needs tokenizer.ggml.merges, which is missing");
        }
        String[] lines = stringArray(gguf, "tokenizer.ggml.merges");
        MergeTable table = new MergeTable(lines.length);
        for (int rank = 0; rank < lines.length; rank++) {
            String line = lines[rank];
            int space = line.indexOf(' ', 1); // from 1, as llama.cpp: a merge may start with a space token
            if (space < 0) {
                throw new TokenizerFormatException("merge " + rank + " '" + line + "' is not two tokens separated by a space");
            }
            String left = line.substring(0, space);
            String right = line.substring(space + 1);
            Integer leftId = idByText.get(left);
            Integer rightId = idByText.get(right);
            Integer resultId = idByText.get(left + right);
            if (leftId == null || rightId == null || resultId == null) {
                String missing = leftId == null ? left : rightId == null ? right : left + right;
                throw new TokenizerFormatException("merge " + rank + " '" + line + "' names '" + missing
                        + "', which is not in tokenizer.ggml.tokens");
            }
            table.putIfAbsent(leftId, rightId, rank, resultId);
        }
        return table;
    }

    private static String requireString(GgufFile gguf, String key) {
        if (!gguf.has(key) || !(gguf.metadata().get(key) instanceof String value)) {
            throw new TokenizerFormatException((gguf.has(key) ? "metadata key '" + key + "' is not a string"
                    : "missing metadata key '" + key + "'"));
        }
        return value;
    }

    private static String[] readTokens(GgufFile gguf) {
        if (!gguf.has("tokenizer.ggml.tokens")) {
            throw new TokenizerFormatException("missing metadata key 'tokenizer.ggml.tokens' (the vocabulary)");
        }
        String[] tokens = stringArray(gguf, "tokenizer.ggml.tokens");
        if (tokens.length == 0) {
            throw new TokenizerFormatException("tokenizer.ggml.tokens is empty");
        }
        return tokens;
    }

    private static String[] stringArray(GgufFile gguf, String key) {
        if (gguf.metadata().get(key) instanceof GgufArray array && array.values() instanceof String[] strings) {
            return strings;
        }
        throw new TokenizerFormatException("metadata key '" + key + "' is not an array of strings");
    }

    private static float[] readFloats(GgufFile gguf, String key, int expectedLength) {
        Object values = gguf.metadata().get(key) instanceof GgufArray array ? array.values() : null;
        float[] result;
        if (values instanceof float[] floats) {
            result = floats;
        } else if (values instanceof double[] doubles) {
            result = new float[doubles.length];
            for (int i = 0; i < doubles.length; i++) {
                result[i] = (float) doubles[i];
            }
        } else {
            throw new TokenizerFormatException("metadata key '" + key + "' is not an array of numbers");
        }
        checkLength(key, result.length, expectedLength);
        return result;
    }

    private static TokenType[] readTypes(GgufFile gguf, int expectedLength) {
        String key = "tokenizer.ggml.token_type";
        TokenType[] types = new TokenType[expectedLength];
        if (!gguf.has(key)) {
            Arrays.fill(types, TokenType.NORMAL);
            return types;
        }
        Object values = gguf.metadata().get(key) instanceof GgufArray array ? array.values() : null;
        long[] codes;
        if (values instanceof int[] ints) {
            codes = Arrays.stream(ints).asLongStream().toArray();
        } else if (values instanceof long[] longs) {
            codes = longs;
        } else {
            throw new TokenizerFormatException("metadata key '" + key + "' is not an array of integers");
        }
        checkLength(key, codes.length, expectedLength);
        for (int id = 0; id < expectedLength; id++) {
            types[id] = TokenType.fromCode((int) Math.max(-1, Math.min(Integer.MAX_VALUE, codes[id])), id);
        }
        return types;
    }

    private static void checkLength(String key, int length, int expected) {
        if (length != expected) {
            throw new TokenizerFormatException("metadata key '" + key + "' has " + length
                    + " entries but tokenizer.ggml.tokens has " + expected);
        }
    }

    private static int specialId(GgufFile gguf, String name, int defaultId, int vocabularySize) {
        String key = "tokenizer.ggml." + name + "_token_id";
        if (!gguf.has(key)) {
            return defaultId < vocabularySize ? defaultId : -1;
        }
        long id = gguf.metadata().get(key) instanceof Number number ? number.longValue() : -1;
        if (id < 0 || id >= vocabularySize) {
            throw new TokenizerFormatException("metadata key '" + key + "' = " + gguf.metadata().get(key)
                    + " is not a token id of this vocabulary (0.." + (vocabularySize - 1) + ")");
        }
        return (int) id;
    }

    /** A growable int array, so encoding does not box every token id. */
    private static final class IntList {
        private int[] values;
        private int size;

        IntList(int capacity) {
            values = new int[capacity];
        }

        void add(int value) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = value;
        }

        int[] toArray() {
            return Arrays.copyOf(values, size);
        }
    }
}
