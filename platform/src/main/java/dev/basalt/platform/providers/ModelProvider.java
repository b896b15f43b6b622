package dev.basalt.platform.providers;

import dev.basalt.platform.runtime.ConverseRequest;
import dev.basalt.platform.runtime.ConverseStream;
import java.util.List;

/**
 * Models served by another server (an OpenAI-compatible server, a Bedrock endpoint), used exactly like local ones:
 * {@link #converse} produces the same {@link ConverseStream} events as a local model, so every Basalt API serves a
 * remote model unchanged.
 */
public interface ModelProvider extends AutoCloseable {
    /** The provider's name in the configuration ({@code providers.<name>}). */
    String name();

    /**
     * The ids of the models the upstream serves, as the upstream names them; fetched on first use and refreshed
     * after the configured interval. Fails with a platform error when the upstream cannot be asked and no earlier
     * list is known.
     */
    List<String> models();

    /**
     * Starts a conversation on the upstream model. Failures before anything was generated (bad request, upstream
     * unreachable after the retries, too many requests, breaker open) are thrown; later ones end the stream with a
     * {@link ConverseStream.Failed} event. Closing the stream cancels the upstream request.
     */
    ConverseStream converse(String upstreamModelId, ConverseRequest request);

    @Override
    void close();
}
