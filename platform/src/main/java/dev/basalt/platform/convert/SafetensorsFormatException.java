package dev.basalt.platform.convert;

import dev.basalt.platform.errors.ValidationException;

/** A file that is not valid safetensors; the message names the file and the problem. */
public final class SafetensorsFormatException extends ValidationException {
    public SafetensorsFormatException(String message) {
        super(message);
    }
}
