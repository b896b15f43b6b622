package dev.basalt.platform.catalog;

import java.util.Locale;

/** Where a catalogued model's file came from, which decides whether Basalt may delete it. */
public enum ModelSource {
    /** Registered in place: the user's file, never deleted by Basalt. */
    FILE,
    /** Copied into {@code DIR/models/imported/} at import: Basalt's. */
    IMPORT,
    /** Pulled from the hub into {@code DIR/models/hub/}: Basalt's. */
    HUB;

    /** True when removing the model from the catalog may delete its file. */
    public boolean ownsFile() {
        return this != FILE;
    }

    /** The name stored and shown: {@code file}, {@code import}, {@code hub}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ModelSource fromWireName(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }
}
