package dev.basalt.engine.grammar;

import dev.basalt.engine.sampling.Sampler;
import java.util.Arrays;

/**
 * Where one sequence is within its JSON constraint. Not thread-safe; one per sequence.
 *
 * <p>Cost model (llama.cpp's): {@link #allows} replays one token's bytes on a scratch copy of the automaton,
 * which is cheap, so the usual step is "sample, check, accept"; only when the sampled token is refused does
 * {@link #mask} compute the full set of allowed tokens, walking the vocabulary trie so that a shared prefix is
 * matched once for all the tokens that start with it (inside a string, where almost everything is allowed, it
 * starts from the precomputed set of plain-text tokens instead). {@link #sample} does exactly that.
 *
 * <p>End-of-generation tokens are allowed only when the JSON value is complete; other control tokens never.
 */
public final class ConstraintState {
    private final TokenTrie tokens;
    private final JsonMatcher current;
    private final JsonMatcher scratch;
    private final JsonMatcher[] levels;
    private final boolean[] allowed;
    private boolean finished;

    ConstraintState(JsonGrammar grammar, TokenTrie tokens) {
        this.tokens = tokens;
        this.current = new JsonMatcher(grammar);
        this.scratch = new JsonMatcher(grammar);
        this.levels = new JsonMatcher[tokens.maxTokenLength() + 1];
        for (int i = 0; i < levels.length; i++) {
            levels[i] = new JsonMatcher(grammar);
        }
        this.allowed = new boolean[tokens.size()];
    }

    /** Whether the token may come next; false for every token once an end-of-generation token was accepted. */
    public boolean allows(int tokenId) {
        checkToken(tokenId);
        if (finished) {
            return false;
        }
        if (tokens.vocabulary().isEndOfGeneration(tokenId)) {
            return current.isComplete();
        }
        byte[] bytes = tokens.bytes(tokenId);
        if (tokens.vocabulary().isControl(tokenId) || bytes.length == 0) {
            return false;
        }
        scratch.copyFrom(current);
        for (byte b : bytes) {
            if (!scratch.advance(b & 0xFF)) {
                return false;
            }
        }
        return true;
    }

    /** Advances past the token; throws IllegalArgumentException if the constraint does not allow it. */
    public void accept(int tokenId) {
        if (!allows(tokenId)) {
            throw new IllegalArgumentException("token " + tokenId + " is not allowed by the JSON constraint here");
        }
        if (tokens.vocabulary().isEndOfGeneration(tokenId)) {
            finished = true;
        } else {
            current.copyFrom(scratch); // allows() left the advanced state in scratch
        }
    }

    /** True when the text so far is a complete JSON value of the schema (end of generation is allowed). */
    public boolean isComplete() {
        return current.isComplete();
    }

    /** Sets the logit of every token the constraint refuses to {@code -Infinity}. */
    public void mask(float[] logits) {
        if (logits == null || logits.length != tokens.size()) {
            throw new IllegalArgumentException("logits must have the vocabulary size " + tokens.size() + ", got "
                    + (logits == null ? "null" : logits.length));
        }
        Arrays.fill(allowed, false);
        if (!finished) {
            int room = current.stringBodyRoom();
            if (room >= 0) {
                // Inside a string nearly every token is allowed and a trie walk would visit the whole vocabulary:
                // a plain-text token is allowed exactly when it fits the room left, so only the others are tried.
                int[] chars = tokens.plainStringChars();
                for (int t = 0; t < allowed.length; t++) {
                    allowed[t] = chars[t] >= 0 && chars[t] <= room;
                }
                for (int t : tokens.otherTextTokens()) {
                    allowed[t] = allows(t);
                }
            } else {
                levels[0].copyFrom(current);
                walk(ByteTrie.ROOT, 0);
            }
            if (current.isComplete()) {
                for (int t : tokens.endOfGeneration()) {
                    allowed[t] = true;
                }
            }
        }
        for (int t = 0; t < logits.length; t++) {
            if (!allowed[t]) {
                logits[t] = Float.NEGATIVE_INFINITY;
            }
        }
    }

    private void walk(int node, int level) {
        ByteTrie trie = tokens.trie();
        JsonMatcher next = levels[level + 1];
        for (int child = trie.firstChild(node); child >= 0; child = trie.nextSibling(child)) {
            next.copyFrom(levels[level]);
            if (!next.advance(trie.label(child))) {
                continue;
            }
            for (int i = tokens.tokensStart(child); i < tokens.tokensEnd(child); i++) {
                allowed[tokens.tokenAt(i)] = true;
            }
            if (!trie.isLeaf(child)) {
                walk(child, level + 1);
            }
        }
    }

    /**
     * One constrained decoding step: samples, and if the constraint refuses the token, masks {@code logits}
     * (in place) and samples again. The chosen token is accepted here and in the sampler.
     */
    public int sample(Sampler sampler, float[] logits) {
        if (finished) {
            throw new IllegalStateException("the JSON constraint has already accepted an end-of-generation token");
        }
        int token = sampler.sample(logits);
        if (!allows(token)) {
            mask(logits);
            token = sampler.sample(logits);
        }
        accept(token);
        sampler.accept(token);
        return token;
    }

    private void checkToken(int tokenId) {
        if (tokenId < 0 || tokenId >= tokens.size()) {
            throw new IllegalArgumentException("token id " + tokenId + " outside the vocabulary 0.."
                    + (tokens.size() - 1));
        }
    }
}
