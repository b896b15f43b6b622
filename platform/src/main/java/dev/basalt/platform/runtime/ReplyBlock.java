package dev.basalt.platform.runtime;

/** One block of the assistant's reply: text, or a call of one of the request's tools. */
public sealed interface ReplyBlock {
    record Text(String text) implements ReplyBlock {}

    /**
     * A tool call. {@code inputJson} is the arguments object as JSON text; it is complete and valid unless the
     * generation was cut off (max tokens), in which case the call is reported as text instead.
     */
    record ToolUse(String toolUseId, String name, String inputJson) implements ReplyBlock {}
}
