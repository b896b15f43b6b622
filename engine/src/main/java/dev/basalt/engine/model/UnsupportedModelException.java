package dev.basalt.engine.model;

/** A well-formed GGUF file that describes a model this engine cannot run, with the reason. */
public final class UnsupportedModelException extends RuntimeException {
    public UnsupportedModelException(String message) {
        super(message);
    }
}
