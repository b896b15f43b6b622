package dev.basalt.engine.grammar;

import dev.basalt.engine.tokenizer.Vocabulary;

/**
 * The vocabulary's text tokens in a byte trie, built once per model and shared by every constrained sequence:
 * computing a mask walks each shared prefix once instead of once per token. Control tokens and tokens with no
 * bytes are left out (they never advance a JSON value); end-of-generation tokens are listed separately.
 */
public final class TokenTrie {
    private final Vocabulary vocabulary;
    private final ByteTrie trie = new ByteTrie();
    private final byte[][] tokenBytes;
    private final int[] tokensByNode;
    private final int[] nodeTokenStart;
    private final int maxTokenLength;

    private TokenTrie(Vocabulary vocabulary) {
        this.vocabulary = vocabulary;
        int size = vocabulary.size();
        tokenBytes = new byte[size][];
        int[] nodeOfToken = new int[size];
        int longest = 0;
        for (int t = 0; t < size; t++) {
            byte[] bytes = vocabulary.tokenBytes(t);
            tokenBytes[t] = bytes == null ? new byte[0] : bytes.clone();
            boolean text = !vocabulary.isControl(t) && !vocabulary.isEndOfGeneration(t) && tokenBytes[t].length > 0;
            nodeOfToken[t] = text ? trie.insert(tokenBytes[t], -1) : -1;
            if (text) {
                longest = Math.max(longest, tokenBytes[t].length);
            }
        }
        maxTokenLength = longest;
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
