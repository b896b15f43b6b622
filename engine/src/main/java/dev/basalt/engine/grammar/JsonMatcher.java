package dev.basalt.engine.grammar;

import dev.basalt.engine.grammar.JsonGrammar.ArrayForm;
import dev.basalt.engine.grammar.JsonGrammar.ObjectForm;
import dev.basalt.engine.grammar.JsonGrammar.StringForm;
import dev.basalt.engine.grammar.JsonGrammar.Value;

/**
 * The deterministic pushdown automaton over UTF-8 bytes for one {@link JsonGrammar}. Its whole state is a
 * stack of fixed-size int frames in one array, so copying a state (needed for every trial in a mask
 * computation) is one {@code arraycopy} of a few dozen ints and nothing is allocated.
 *
 * <p>Frame layout: {@code [kind, node, phase, x, y]}; the meaning of x and y depends on the kind (character
 * count, item count, property position, trie node, whitespace run length). Every kind that allows whitespace
 * keeps the current run's length and refuses more than {@value #MAX_WHITESPACE} bytes, so a model cannot
 * loop forever on spaces.
 */
final class JsonMatcher {
    static final int MAX_WHITESPACE = 4;
    static final int MAX_DEPTH = 64;
    static final int MAX_INTEGER_DIGITS = 16;
    static final int MAX_FRACTION_DIGITS = 16;
    static final int MAX_EXPONENT_DIGITS = 3;

    private static final int FRAME = 5;
    private static final int KIND = 0;
    private static final int NODE = 1;
    private static final int PHASE = 2;
    private static final int X = 3;
    private static final int Y = 4;

    private static final int ROOT = 0;
    private static final int VALUE = 1;
    private static final int OBJECT = 2;
    private static final int ARRAY = 3;
    private static final int STRING = 4;
    private static final int NUMBER = 5;
    private static final int LITERAL = 6;

    // Shared phases of containers.
    private static final int START = 0;
    private static final int OPEN = 1;
    // Object phases.
    private static final int KEY = 2;
    private static final int COLON = 3;
    private static final int AFTER_VALUE = 4;
    private static final int BEFORE_KEY = 5;
    // String phases.
    private static final int BODY = 1;
    private static final int ESCAPE = 2;
    private static final int HEX1 = 3;
    private static final int HEX4 = 6;
    private static final int CONTINUATION = 7;
    // Number phases.
    private static final int MINUS = 1;
    private static final int ZERO = 2;
    private static final int INT = 3;
    private static final int DOT = 4;
    private static final int FRACTION = 5;
    private static final int E = 6;
    private static final int EXPONENT_SIGN = 7;
    private static final int EXPONENT = 8;

    private static final int ACCEPT = 0;
    private static final int REJECT = 1;
    private static final int REFEED = 2;

    private final JsonGrammar grammar;
    private final int[] stack = new int[MAX_DEPTH * FRAME];
    private int depth;

    JsonMatcher(JsonGrammar grammar) {
        this.grammar = grammar;
        push(ROOT, 0, 0);
        push(VALUE, grammar.root(), 0);
    }

    void copyFrom(JsonMatcher other) {
        System.arraycopy(other.stack, 0, stack, 0, other.depth * FRAME);
        depth = other.depth;
    }

    /** Consumes one byte (0..255). On false the byte is not allowed and this state must be discarded. */
    boolean advance(int b) {
        while (true) {
            int result = step(b);
            if (result != REFEED) {
                return result == ACCEPT;
            }
        }
    }

    /** True when the bytes so far form a complete value (a trailing number or literal ends here). */
    boolean isComplete() {
        if (depth == 1) {
            return true;
        }
        if (depth != 2) {
            return false;
        }
        int top = FRAME;
        return switch (stack[top + KIND]) {
            case NUMBER -> isAcceptingNumber(stack[top + PHASE]);
            case LITERAL -> stack[top + X] != ByteTrie.ROOT
                    && grammar.literals()[stack[top + NODE]].value(stack[top + X]) >= 0;
            default -> false;
        };
    }

    /**
     * How many more characters the string being generated may take, when the automaton is inside a string body
     * between characters (not in an escape or a UTF-8 sequence); -1 anywhere else.
     */
    int stringBodyRoom() {
        int f = (depth - 1) * FRAME;
        if (stack[f + KIND] != STRING || stack[f + PHASE] != BODY) {
            return -1;
        }
        return grammar.strings()[stack[f + NODE]].maxLength() - stack[f + X];
    }

    /** Characters of the current string so far, when {@link #stringBodyRoom()} is not -1. */
    int stringLength() {
        return stack[(depth - 1) * FRAME + X];
    }

    private boolean push(int kind, int node, int phase) {
        if (depth == MAX_DEPTH) {
            return false;
        }
        int f = depth * FRAME;
        stack[f + KIND] = kind;
        stack[f + NODE] = node;
        stack[f + PHASE] = phase;
        stack[f + X] = 0;
        stack[f + Y] = 0;
        depth++;
        return true;
    }

    private void replaceTop(int kind, int node) {
        depth--;
        push(kind, node, START);
    }

    private static boolean isWhitespace(int b) {
        return b == ' ' || b == '\n' || b == '\t' || b == '\r';
    }

    /** For a frame whose Y holds the whitespace run length: ACCEPT the space if the budget allows. */
    private int whitespace(int f) {
        if (stack[f + Y] >= MAX_WHITESPACE) {
            return REJECT;
        }
        stack[f + Y]++;
        return ACCEPT;
    }

    private int step(int b) {
        int f = (depth - 1) * FRAME;
        return switch (stack[f + KIND]) {
            case ROOT -> isWhitespace(b) ? whitespace(f) : REJECT;
            case VALUE -> value(f, b);
            case OBJECT -> object(f, b);
            case ARRAY -> array(f, b);
            case STRING -> string(f, b);
            case NUMBER -> number(f, b);
            case LITERAL -> literal(f, b);
            default -> throw new IllegalStateException("corrupt matcher frame");
        };
    }

    /** Dispatches on the first byte of a value to the one form that can start with it. */
    private int value(int f, int b) {
        if (isWhitespace(b)) {
            return whitespace(f);
        }
        Value v = grammar.values()[stack[f + NODE]];
        // A container needs one frame above it for its members; at the limit only scalars may start, so the
        // free-form grammar can always continue instead of reaching a state that allows no byte at all.
        boolean room = depth < MAX_DEPTH;
        if (b == '{' && v.object() != JsonGrammar.NONE && room) {
            replaceTop(OBJECT, v.object());
        } else if (b == '[' && v.array() != JsonGrammar.NONE && room) {
            replaceTop(ARRAY, v.array());
        } else if (b == '"' && v.string() != JsonGrammar.NONE) {
            replaceTop(STRING, v.string());
        } else if ((b == '-' || isDigit(b)) && v.number() != JsonGrammar.NONE) {
            replaceTop(NUMBER, v.number());
        } else if (v.literals() != JsonGrammar.NONE && grammar.literals()[v.literals()].child(ByteTrie.ROOT, b) >= 0) {
            replaceTop(LITERAL, v.literals());
        } else {
            return REJECT;
        }
        return REFEED;
    }

    private int object(int f, int b) {
        ObjectForm form = grammar.objects()[stack[f + NODE]];
        int phase = stack[f + PHASE];
        if (phase == START) {
            return b == '{' ? setPhase(f, OPEN) : REJECT;
        }
        if (phase == KEY) {
            ByteTrie keys = form.keyTries()[stack[f + X]];
            int next = keys.child(stack[f + Y], b);
            if (next < 0) {
                return REJECT;
            }
            int property = keys.value(next);
            if (property >= 0) {
                stack[f + X] = property + 1; // the next key can only be a later property
                return setPhase(f, COLON);
            }
            stack[f + Y] = next;
            return ACCEPT;
        }
        if (isWhitespace(b)) {
            return whitespace(f);
        }
        int position = stack[f + X];
        boolean moreKeys = form.anyKeys() || position < form.propertyCount();
        boolean mayClose = form.anyKeys() || !form.requiredFrom()[position];
        switch (phase) {
            case OPEN, BEFORE_KEY -> {
                if (b == '}' && phase == OPEN && mayClose) {
                    return pop();
                }
                if (b != '"' || !moreKeys) {
                    return REJECT;
                }
                if (form.anyKeys()) {
                    setPhase(f, COLON);
                    return push(STRING, form.anyKeyString(), START) ? REFEED : REJECT;
                }
                setPhase(f, KEY);
                stack[f + Y] = form.keyTries()[position].child(ByteTrie.ROOT, '"');
                return ACCEPT;
            }
            case COLON -> {
                if (b != ':') {
                    return REJECT;
                }
                setPhase(f, AFTER_VALUE);
                int value = form.anyKeys() ? form.anyValue() : form.propertyValues()[position - 1];
                return push(VALUE, value, START) ? ACCEPT : REJECT;
            }
            case AFTER_VALUE -> {
                if (b == ',' && moreKeys) {
                    return setPhase(f, BEFORE_KEY);
                }
                return b == '}' && mayClose ? pop() : REJECT;
            }
            default -> throw new IllegalStateException("corrupt object frame");
        }
    }

    private int array(int f, int b) {
        ArrayForm form = grammar.arrays()[stack[f + NODE]];
        int phase = stack[f + PHASE];
        if (phase == START) {
            return b == '[' ? setPhase(f, OPEN) : REJECT;
        }
        if (isWhitespace(b)) {
            return whitespace(f);
        }
        int count = stack[f + X];
        if (phase == OPEN) {
            if (b == ']' && form.minItems() == 0) {
                return pop();
            }
            if (form.maxItems() == 0) {
                return REJECT;
            }
            stack[f + X] = 1;
            setPhase(f, AFTER_VALUE);
            return push(VALUE, form.item(), START) ? REFEED : REJECT;
        }
        if (b == ',' && count < form.maxItems()) {
            stack[f + X] = count + 1;
            stack[f + Y] = 0;
            return push(VALUE, form.item(), START) ? ACCEPT : REJECT;
        }
        return b == ']' && count >= form.minItems() ? pop() : REJECT;
    }

    private int string(int f, int b) {
        int phase = stack[f + PHASE];
        switch (phase) {
            case START -> {
                return b == '"' ? setPhase(f, BODY) : REJECT;
            }
            case BODY -> {
                StringForm form = grammar.strings()[stack[f + NODE]];
                if (b == '"') {
                    return stack[f + X] >= form.minLength() ? pop() : REJECT;
                }
                if (b < 0x20 || stack[f + X] >= form.maxLength()) {
                    return REJECT;
                }
                if (b == '\\') {
                    stack[f + X]++;
                    return setPhase(f, ESCAPE);
                }
                if (b < 0x80) {
                    stack[f + X]++;
                    return ACCEPT;
                }
                return utf8Lead(f, b);
            }
            case ESCAPE -> {
                if (b == 'u') {
                    return setPhase(f, HEX1);
                }
                return "\"\\/bfnrt".indexOf(b) >= 0 ? setPhase(f, BODY) : REJECT;
            }
            case CONTINUATION -> {
                int info = stack[f + Y];
                if (b < ((info >> 8) & 0xFF) || b > (info & 0xFF)) {
                    return REJECT;
                }
                int remaining = (info >>> 16) - 1;
                stack[f + Y] = remaining << 16 | 0x80 << 8 | 0xBF;
                return remaining == 0 ? setPhase(f, BODY) : ACCEPT;
            }
            default -> {
                // \\uXXXX: four hex digits; D800..DFFF (lone surrogates) is refused, so the text stays valid Unicode.
                if (!isHex(b) || (phase == HEX1 + 1 && stack[f + Y] == 1 && Character.digit(b, 16) >= 8)) {
                    return REJECT;
                }
                setPhase(f, phase == HEX4 ? BODY : phase + 1);
                stack[f + Y] = phase == HEX1 && (b == 'd' || b == 'D') ? 1 : 0;
                return ACCEPT;
            }
        }
    }

    /** Starts a multi-byte UTF-8 character; Y records how many continuation bytes follow and the next's range. */
    private int utf8Lead(int f, int b) {
        int remaining;
        int low = 0x80;
        int high = 0xBF;
        if (b >= 0xC2 && b <= 0xDF) {
            remaining = 1;
        } else if (b >= 0xE0 && b <= 0xEF) {
            remaining = 2;
            if (b == 0xE0) {
                low = 0xA0; // no overlong forms
            } else if (b == 0xED) {
                high = 0x9F; // no surrogates
            }
        } else if (b >= 0xF0 && b <= 0xF4) {
            remaining = 3;
            if (b == 0xF0) {
                low = 0x90;
            } else if (b == 0xF4) {
                high = 0x8F; // nothing above U+10FFFF
            }
        } else {
            return REJECT;
        }
        stack[f + X]++;
        setPhase(f, CONTINUATION);
        stack[f + Y] = remaining << 16 | low << 8 | high;
        return ACCEPT;
    }

    private int number(int f, int b) {
        boolean integer = grammar.numbers()[stack[f + NODE]].integer();
        int phase = stack[f + PHASE];
        int digits = stack[f + X];
        boolean digit = isDigit(b);
        switch (phase) {
            case START, MINUS -> {
                if (b == '-' && phase == START) {
                    return setPhase(f, MINUS);
                }
                if (b == '0') {
                    return setPhase(f, ZERO);
                }
                return digit ? digits(f, INT, 1) : REJECT;
            }
            case ZERO, INT -> {
                if (digit && phase == INT && digits < MAX_INTEGER_DIGITS) {
                    return digits(f, INT, digits + 1);
                }
                if (b == '.' && !integer) {
                    return setPhase(f, DOT);
                }
                if ((b == 'e' || b == 'E') && !integer) {
                    return setPhase(f, E);
                }
            }
            case DOT -> {
                return digit ? digits(f, FRACTION, 1) : REJECT;
            }
            case FRACTION -> {
                if (digit && digits < MAX_FRACTION_DIGITS) {
                    return digits(f, FRACTION, digits + 1);
                }
                if (b == 'e' || b == 'E') {
                    return setPhase(f, E);
                }
            }
            case E -> {
                if (b == '+' || b == '-') {
                    return setPhase(f, EXPONENT_SIGN);
                }
                return digit ? digits(f, EXPONENT, 1) : REJECT;
            }
            case EXPONENT_SIGN -> {
                return digit ? digits(f, EXPONENT, 1) : REJECT;
            }
            case EXPONENT -> {
                if (digit && digits < MAX_EXPONENT_DIGITS) {
                    return digits(f, EXPONENT, digits + 1);
                }
            }
            default -> throw new IllegalStateException("corrupt number frame");
        }
        // A number has no closing byte: any other byte ends it and belongs to the enclosing value.
        return isAcceptingNumber(phase) ? popAndRefeed() : REJECT;
    }

    private static boolean isAcceptingNumber(int phase) {
        return phase == ZERO || phase == INT || phase == FRACTION || phase == EXPONENT;
    }

    private int digits(int f, int phase, int count) {
        stack[f + X] = count;
        return setPhase(f, phase);
    }

    private int literal(int f, int b) {
        ByteTrie trie = grammar.literals()[stack[f + NODE]];
        int node = stack[f + X];
        int next = trie.child(node, b);
        if (next >= 0) {
            if (trie.value(next) >= 0 && trie.isLeaf(next)) {
                return pop();
            }
            stack[f + X] = next;
            return ACCEPT;
        }
        // A literal that is a prefix of another (enum [1, 12]) ends only when a byte that cannot extend it comes.
        return node != ByteTrie.ROOT && trie.value(node) >= 0 ? popAndRefeed() : REJECT;
    }

    private int setPhase(int f, int phase) {
        stack[f + PHASE] = phase;
        stack[f + Y] = 0;
        return ACCEPT;
    }

    private int pop() {
        depth--;
        return ACCEPT;
    }

    private int popAndRefeed() {
        depth--;
        return REFEED;
    }

    private static boolean isDigit(int b) {
        return b >= '0' && b <= '9';
    }

    private static boolean isHex(int b) {
        return isDigit(b) || (b >= 'a' && b <= 'f') || (b >= 'A' && b <= 'F');
    }
}
