package dev.basalt.engine.grammar;

import java.util.Arrays;

/**
 * A trie over byte strings in flat int arrays (first-child / next-sibling), used for literal sets (enum values,
 * object keys) and, through {@link TokenTrie}, for the vocabulary. Node 0 is the root. Each node may carry a
 * value (-1 for none): the index of the literal that ends there.
 */
final class ByteTrie {
    static final int ROOT = 0;

    private int[] firstChild = new int[16];
    private int[] nextSibling = new int[16];
    private int[] label = new int[16];
    private int[] value = new int[16];
    private int size = 1;

    ByteTrie() {
        firstChild[0] = -1;
        nextSibling[0] = -1;
        value[0] = -1;
    }

    /** Adds a byte string and returns its end node; the node's value is set when {@code literal >= 0}. */
    int insert(byte[] bytes, int literal) {
        int node = ROOT;
        for (byte b : bytes) {
            int child = child(node, b & 0xFF);
            if (child < 0) {
                child = newNode(b & 0xFF);
                nextSibling[child] = firstChild[node];
                firstChild[node] = child;
            }
            node = child;
        }
        if (literal >= 0) {
            value[node] = literal;
        }
        return node;
    }

    /**
     * A copy with nodes renumbered in depth-first preorder, so that a full walk (the vocabulary mask) reads the
     * arrays front to back instead of jumping around by insertion order. {@code oldToNew} receives the mapping.
     */
    ByteTrie preorder(int[] oldToNew) {
        ByteTrie copy = new ByteTrie();
        int[] stack = new int[size];
        int top = 0;
        stack[top++] = ROOT;
        int next = 0;
        int[] order = new int[size];
        while (top > 0) {
            int node = stack[--top];
            order[next] = node;
            oldToNew[node] = next++;
            // Push children in reverse so that the first child is visited first.
            int count = 0;
            for (int c = firstChild[node]; c >= 0; c = nextSibling[c]) {
                stack[top + count++] = c;
            }
            for (int i = 0, j = count - 1; i < j; i++, j--) {
                int tmp = stack[top + i];
                stack[top + i] = stack[top + j];
                stack[top + j] = tmp;
            }
            top += count;
        }
        copy.firstChild = new int[size];
        copy.nextSibling = new int[size];
        copy.label = new int[size];
        copy.value = new int[size];
        copy.size = size;
        for (int n = 0; n < size; n++) {
            int old = order[n];
            copy.firstChild[n] = firstChild[old] < 0 ? -1 : oldToNew[firstChild[old]];
            copy.nextSibling[n] = nextSibling[old] < 0 ? -1 : oldToNew[nextSibling[old]];
            copy.label[n] = label[old];
            copy.value[n] = value[old];
        }
        return copy;
    }

    private int newNode(int b) {
        if (size == firstChild.length) {
            int n = size * 2;
            firstChild = Arrays.copyOf(firstChild, n);
            nextSibling = Arrays.copyOf(nextSibling, n);
            label = Arrays.copyOf(label, n);
            value = Arrays.copyOf(value, n);
        }
        firstChild[size] = -1;
        nextSibling[size] = -1;
        label[size] = b;
        value[size] = -1;
        return size++;
    }

    /** The child of {@code node} reached by byte {@code b} (0..255), or -1. */
    int child(int node, int b) {
        for (int c = firstChild[node]; c >= 0; c = nextSibling[c]) {
            if (label[c] == b) {
                return c;
            }
        }
        return -1;
    }

    int firstChild(int node) {
        return firstChild[node];
    }

    int nextSibling(int node) {
        return nextSibling[node];
    }

    int label(int node) {
        return label[node];
    }

    int value(int node) {
        return value[node];
    }

    boolean isLeaf(int node) {
        return firstChild[node] < 0;
    }

    int size() {
        return size;
    }
}
