package dev.basalt.platform.convert;

import dev.basalt.platform.errors.ValidationException;

/** A Hugging Face folder that cannot be converted: a missing or malformed file, or an unsupported model. */
public final class ModelConversionException extends ValidationException {
    public ModelConversionException(String message) {
        super(message);
    }
}
