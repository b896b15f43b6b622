package dev.basalt.platform.config;

/** Configuration that cannot be used; the message names the key, the source and what is wrong. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}
