package dev.basalt.api.bedrock.invoke;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.basalt.platform.runtime.ConverseResult;
import java.util.List;

/** The stream chunks of one reply in a family's shape; one instance per stream (it may count what it sent). */
interface NativeChunks {
    /** Chunks sent before any text (possibly none). */
    List<ObjectNode> start();

    /** The chunk carrying newly generated text. */
    ObjectNode delta(String text);

    /** The closing chunks, at least one; Bedrock's invocation metrics are appended to the last. */
    List<ObjectNode> end(ConverseResult result);
}
