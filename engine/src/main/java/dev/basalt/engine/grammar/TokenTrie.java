package dev.basalt.engine.grammar;

import dev.basalt.engine.tokenizer.Vocabulary;

/**
 * The vocabulary's text tokens in a byte trie, built once per model and shared by every constrained sequence:
 * computing a mask walks each shared prefix once instead of once per token. Control tokens and tokens with no
 * bytes are left out (they never advance a JSON value); end-of-generation tokens are listed separately.
 */
public final class TokenTrie {
    private final Vocabulary vocabulary;
    private final ByteTrie trie;
    private final byte[][] tokenBytes;
    private final int[] tokensByNode;
    private final int[] nodeTokenStart;
    private final int maxTokenLength;
    private final int[] endOfGeneration;
    private final int[] plainStringChars;
    private final int[] otherTextTokens;

    private TokenTrie(Vocabulary vocabulary) {
        this.vocabulary = vocabulary;
        int size = vocabulary.size();
        tokenBytes = new byte[size][];
        int[] nodeOfToken = new int[size];
        ByteTrie building = new ByteTrie();
        int longest = 0;
        for (int t = 0; t < size; t++) {
            byte[] bytes = vocabulary.tokenBytes(t);
            tokenBytes[t] = bytes == null ? new byte[0] : bytes.clone();
            boolean text = !vocabulary.isControl(t) && !vocabulary.isEndOfGeneration(t) && tokenBytes[t].length > 0;
            nodeOfToken[t] = text ? building.insert(tokenBytes[t], -1) : -1;
            if (text) {
                longest = Math.max(longest, tokenBytes[t].length);
            }
        }
        maxTokenLength = longest;
        int[] renumbered = new int[building.size()];
        trie = building.preorder(renumbered);
        for (int t = 0; t < size; t++) {
            nodeOfToken[t] = nodeOfToken[t] < 0 ? -1 : renumbered[nodeOfToken[t]];
        }
        endOfGeneration = java.util.stream.IntStream.range(0, size).filter(vocabulary::isEndOfGeneration).toArray();
        // Classify text tokens for the mask's string fast path (see ConstraintState#mask).
        JsonMatcher inString = new JsonMatcher(SchemaCompiler.compileSchema(SchemaJson.parse("{\"type\":\"string\"}")));
        inString.advance('"');
        JsonMatcher trial = new JsonMatcher(SchemaCompiler.compileSchema(SchemaJson.parse("{\"type\":\"string\"}")));
        plainStringChars = new int[size];
        int[] others = new int[size];
        int otherCount = 0;
        for (int t = 0; t < size; t++) {
            plainStringChars[t] = -1;
            if (nodeOfToken[t] < 0) {
                continue;
            }
            trial.copyFrom(inString);
            boolean ok = true;
            for (int i = 0; i < tokenBytes[t].length && ok; i++) {
                ok = trial.advance(tokenBytes[t][i] & 0xFF);
            }
            if (ok && trial.stringBodyRoom() >= 0) {
                plainStringChars[t] = trial.stringLength();
            } else {
                others[otherCount++] = t;
            }
        }
        otherTextTokens = java.util.Arrays.copyOf(others, otherCount);
        // Counting sort of tokens by end node: the tokens ending at node n are tokensByNode[start[n] .. start[n+1]).
        nodeTokenStart = new int[trie.size() + 1];
        for (int node : nodeOfToken) {
            if (node >= 0) {
                nodeTokenStart[node + 1]++;
            }
        }
        for (int n = 0; n < trie.size(); n++) {
            nodeTokenStart[n + 1] += nodeTokenStart[n];
        }
        tokensByNode = new int[nodeTokenStart[trie.size()]];
        int[] fill = nodeTokenStart.clone();
        for (int t = 0; t < size; t++) {
            if (nodeOfToken[t] >= 0) {
                tokensByNode[fill[nodeOfToken[t]]++] = t;
            }
        }
    }

    public static TokenTrie build(Vocabulary vocabulary) {
        if (vocabulary == null || vocabulary.size() < 1) {
            throw new IllegalArgumentException("vocabulary must have at least one token");
        }
        return new TokenTrie(vocabulary);
    }

    public Vocabulary vocabulary() {
        return vocabulary;
    }

    int size() {
        return tokenBytes.length;
    }

    byte[] bytes(int token) {
        return tokenBytes[token];
    }

    ByteTrie trie() {
        return trie;
    }

    int maxTokenLength() {
        return maxTokenLength;
    }

    /** The end-of-generation token ids, ascending. */
    int[] endOfGeneration() {
        return endOfGeneration;
    }

    /**
     * Per token: the number of characters it adds when, from inside a string between characters, it is accepted
     * and leaves the string open between characters (printable text, complete escapes and UTF-8 sequences, no
     * quote); -1 for every other token.
     */
    int[] plainStringChars() {
        return plainStringChars;
    }

    /** Text tokens that are not plain string text: quotes, control bytes, partial escapes or UTF-8. */
    int[] otherTextTokens() {
        return otherTextTokens;
    }

    int tokensStart(int node) {
        return nodeTokenStart[node];
    }

    int tokensEnd(int node) {
        return nodeTokenStart[node + 1];
    }

    int tokenAt(int index) {
        return tokensByNode[index];
    }
}
