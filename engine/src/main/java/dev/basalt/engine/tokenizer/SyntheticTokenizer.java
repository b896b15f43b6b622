package dev.basalt.engine.tokenizer;

import dev.basalt.engine.gguf.GgufArray;
import dev.basalt.engine.gguf.GgufValueType;
import dev.basalt.engine.gguf.GgufWriter;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A byte-level BPE vocabulary of an exact size with real models' special tokens, for synthetic (random-weight)
 * benchmark models whose speed depends on the vocabulary size. Token ids not taken by special tokens are filled
 * in order with: the 256 byte tokens, the results of merges learned from a short embedded English text (so
 * common words are single tokens and encoded prompts have realistic lengths), then filler tokens, each the
 * result of one more merge of two earlier tokens. So every token is a byte or the result of a merge of two
 * tokens, every merge names tokens of the vocabulary, and all token texts are distinct, which is what llama.cpp
 * checks when it loads the file. Filler tokens join two pre-tokenizer pieces and so rarely occur in encoded text.
 */
public final class SyntheticTokenizer {
    private static final String TRAINING_TEXT = """
            Once upon a time, in a small town near the river, there lived a little girl named Lily. She liked to \
            play in the garden with her dog, and every morning she said hello to the old tree by the house. One day \
            the sky turned grey and the wind began to blow. Lily was not afraid. She took her red ball and ran to \
            her friend Ben, who was reading a book about the sea. "Do you want to play?" she asked. "Yes, I do," \
            said Ben, and they played until the sun came back. The people of the town worked on their farms, sold \
            bread and fish at the market, and talked about the weather, the news and the prices of things. In the \
            evening, families sat together at the table, shared their food and told stories about the day. The \
            children went to school, where they learned to read and write, to count numbers such as 1, 2, 3, 10, \
            100 and 2024, and to ask questions about the world. Their teacher said that learning is a journey that \
            never ends, and that the most important thing is to be kind, to help others and to keep trying when \
            something is hard. Science explains how the world works: the earth moves around the sun, water turns \
            into ice when it is cold, and plants need light to grow. Computers process information very quickly; \
            they follow instructions written by people in programming languages. A model reads text as tokens, \
            which are pieces of words, and predicts the next token from the ones before it. It's important that \
            the system is fast, correct and easy to use, because many users will depend on it every day. We'll \
            measure the time it takes to answer a question, and we're going to compare the results with other \
            systems. They've said they don't know yet, but I'm sure we'd find the answer together.
            """;

    private final String pre;
    private final List<String> tokens;
    private final int[] tokenTypes;
    private final List<String> merges;
    private final int bos;
    private final int eos;
    private final int eot;
    private final int pad;
    private final boolean addBos;

    private SyntheticTokenizer(int vocabularySize, PreTokenizer preTokenizer, String trainingText,
                               PreTokenizer trainingSplit, Map<Integer, String> specials,
                               int bos, int eos, int eot, int pad, boolean addBos) {
        int textTokens = vocabularySize - specials.size();
        if (textTokens < 256) {
            throw new IllegalArgumentException("a byte-level vocabulary needs at least 256 tokens besides its "
                    + specials.size() + " special tokens; asked for " + vocabularySize + " in all");
        }
        for (int id : specials.keySet()) {
            if (id < 0 || id >= vocabularySize) {
                throw new IllegalArgumentException("special token id " + id + " is outside 0.." + (vocabularySize - 1));
            }
        }
        this.pre = preTokenizer.ggufName();
        this.bos = bos;
        this.eos = eos;
        this.eot = eot;
        this.pad = pad;
        this.addBos = addBos;

        List<String> texts = new ArrayList<>(textTokens);
        Set<String> taken = new HashSet<>(specials.values());
        for (int b = 0; b < 256; b++) {
            String text = String.valueOf(ByteLevel.charOf(b));
            texts.add(text);
            taken.add(text);
        }
        merges = new ArrayList<>();
        for (BpeTrainer.Merge merge : BpeTrainer.learn(trainingText, trainingSplit, textTokens - 256)) {
            // Two learned merges may produce the same text; the vocabulary holds it once.
            if (taken.add(merge.result())) {
                texts.add(merge.result());
            }
            merges.add(merge.left() + " " + merge.right());
        }
        addFillers(texts, taken, textTokens);

        tokens = new ArrayList<>(vocabularySize);
        tokenTypes = new int[vocabularySize];
        int next = 0;
        for (int id = 0; id < vocabularySize; id++) {
            boolean special = specials.containsKey(id);
            tokens.add(special ? specials.get(id) : texts.get(next++));
            tokenTypes[id] = (special ? TokenType.CONTROL : TokenType.NORMAL).ordinal();
        }
    }

    /** Fills the vocabulary with merges of two existing tokens, learned words first, until it has the size asked. */
    private void addFillers(List<String> texts, Set<String> taken, int size) {
        List<String> base = new ArrayList<>(texts.subList(256, texts.size()));
        base.addAll(texts.subList(0, 256));
        for (int a = 0; a < base.size() && texts.size() < size; a++) {
            for (int b = 0; b < base.size() && texts.size() < size; b++) {
                String result = base.get(a) + base.get(b);
                if (taken.add(result)) {
                    texts.add(result);
                    merges.add(base.get(a) + " " + base.get(b));
                }
            }
        }
        if (texts.size() < size) {
            throw new IllegalStateException("could not make " + size + " distinct tokens");
        }
    }

    /** Llama 3 (128256 tokens, pre {@code llama-bpe}): 128000 text tokens, then its 256 special tokens. */
    public static SyntheticTokenizer llama3() {
        Map<Integer, String> specials = new TreeMap<>();
        String[] named = {"<|begin_of_text|>", "<|end_of_text|>", "<|reserved_special_token_0|>",
                "<|reserved_special_token_1|>", "<|finetune_right_pad_id|>", "<|reserved_special_token_2|>",
                "<|start_header_id|>", "<|end_header_id|>", "<|eom_id|>", "<|eot_id|>", "<|python_tag|>"};
        for (int i = 0; i < named.length; i++) {
            specials.put(128000 + i, named[i]);
        }
        for (int id = 128000 + named.length; id < 128256; id++) {
            specials.put(id, "<|reserved_special_token_" + (id - 128000 - named.length + 3) + "|>");
        }
        return new SyntheticTokenizer(128256, PreTokenizer.LLAMA3, TRAINING_TEXT, PreTokenizer.LLAMA3, specials,
                128000, 128001, 128009, -1, true);
    }

    /** SmolLM / SmolLM2 (49152 tokens, pre {@code smollm}), with its chat markers as BOS and EOS as in its GGUFs. */
    public static SyntheticTokenizer smolLm() {
        return smolLmStyle(49152);
    }

    /** SmolLM's pre-tokenizer and special tokens with a vocabulary of any size (at least 259), for small test models. */
    public static SyntheticTokenizer smolLmStyle(int vocabularySize) {
        Map<Integer, String> specials = Map.of(0, "<|endoftext|>", 1, "<|im_start|>", 2, "<|im_end|>");
        return new SyntheticTokenizer(vocabularySize, PreTokenizer.SMOLLM, TRAINING_TEXT, PreTokenizer.SMOLLM, specials,
                1, 2, -1, 2, false);
    }

    /**
     * For tests: any size and pre-tokenizer, the given special tokens, no BOS/EOS ids, merges learned from
     * {@code trainingText} split with GPT-2's coarse expression whatever {@code preTokenizer} is. The vocabulary
     * then holds pieces (digit runs, a space before a digit or a punctuation run) that finer pre-tokenizers must
     * cut, so a pre-tokenizer that splits wrongly produces different tokens instead of going unnoticed.
     */
    public static SyntheticTokenizer of(int vocabularySize, PreTokenizer preTokenizer, Map<Integer, String> specials,
                                        String trainingText) {
        return new SyntheticTokenizer(vocabularySize, preTokenizer, trainingText, PreTokenizer.GPT2, specials,
                -1, -1, -1, -1, false);
    }

    /** Writes the complete {@code tokenizer.ggml.*} key set. */
    public void writeTo(GgufWriter writer) {
        writer.putString("tokenizer.ggml.model", "gpt2");
        writer.putString("tokenizer.ggml.pre", pre);
        writer.putArray("tokenizer.ggml.tokens", new GgufArray(GgufValueType.STRING, tokens.toArray(String[]::new)));
        writer.putArray("tokenizer.ggml.token_type", new GgufArray(GgufValueType.INT32, tokenTypes.clone()));
        writer.putArray("tokenizer.ggml.merges", new GgufArray(GgufValueType.STRING, merges.toArray(String[]::new)));
        putId(writer, "bos", bos);
        putId(writer, "eos", eos);
        putId(writer, "eot", eot);
        putId(writer, "padding", pad);
        writer.putBool("tokenizer.ggml.add_bos_token", addBos);
        writer.putBool("tokenizer.ggml.add_eos_token", false);
    }

    private static void putId(GgufWriter writer, String name, int id) {
        if (id >= 0) {
            writer.putUInt32("tokenizer.ggml." + name + "_token_id", id);
        }
    }

    /** Token texts by id, in GPT-2's byte-to-character form. */
    public List<String> tokens() {
        return List.copyOf(tokens);
    }

    /** Merges in rank order, each as {@code "left right"}. */
    public List<String> merges() {
        return List.copyOf(merges);
    }

    /** True for the special (control) tokens. */
    public boolean isSpecial(int tokenId) {
        return tokenTypes[tokenId] == TokenType.CONTROL.ordinal();
    }
}
