package dev.basalt.platform.chat;

import java.util.Locale;

/** Who wrote a message; {@link #wireName()} is the role string chat templates compare against. */
public enum ChatRole {
    SYSTEM, USER, ASSISTANT, TOOL;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
