package dev.basalt.api.bedrock.invoke;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.basalt.platform.runtime.ConverseResult;
import java.util.List;

/** The stream chunks of one reply in a family's shape; one instance per stream (it may count what it sent). */
interface NativeChunks {
    /** Chunks sent before any text (possibly none). */
    List<ObjectNode> start();

    /** The chunks carrying newly generated text (one, or a block opening and one). */
    List<ObjectNode> delta(String text);

    /**
     * The chunks of the reply's block structure: a tool call opening, its input JSON, a block ending. Only a family
     * whose bodies can declare tools (Anthropic) shows them; the prompt families never see tool calls and have no
     * blocks, so by default these send nothing.
     */
    default List<ObjectNode> toolUseStart(String toolUseId, String name) {
        return List.of();
    }

    default List<ObjectNode> toolInput(String json) {
        return List.of();
    }

    default List<ObjectNode> blockStop() {
        return List.of();
    }

    /** The closing chunks, at least one; Bedrock's invocation metrics are appended to the last. */
    List<ObjectNode> end(ConverseResult result);
}
