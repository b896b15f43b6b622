package dev.basalt.platform.chat;

import java.util.Objects;

/**
 * One piece of a message's content. Only text exists today; the sealed interface leaves room for images and
 * documents when a multimodal engine arrives, without changing {@link ChatMessage}.
 */
public sealed interface ContentPart {

    static ContentPart text(String text) {
        return new Text(text);
    }

    record Text(String text) implements ContentPart {
        public Text {
            Objects.requireNonNull(text, "text");
        }
    }
}
