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
