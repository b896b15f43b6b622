package dev.basalt.engine.gguf;

/** A file that is not valid GGUF; the message names the problem and, where it helps, the byte offset. */
public final class GgufFormatException extends RuntimeException {
    public GgufFormatException(String message) {
        super(message);
    }
}
