package dev.basalt.api.bedrock;

import dev.basalt.api.server.BasaltServer;
import dev.basalt.platform.errors.BasaltException;
import dev.basalt.platform.errors.InternalException;
import dev.basalt.platform.runtime.ConverseStream;
import io.javalin.http.Context;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves a reply being generated as an event-stream response (ConverseStream, InvokeModelWithResponseStream); the
 * operation decides, through a {@link Writer}, which events carry the start, each text delta and the end.
 * Problems found before the stream is handed here are the caller's ordinary error responses; a failure after the
 * start becomes an exception event. A client that disconnects makes the next write fail, which closes the stream
 * and so cancels the generation.
 */
public final class EventStreamRelay {
    private static final Logger LOG = LoggerFactory.getLogger(EventStreamRelay.class);

    private EventStreamRelay() {}

    /** The events of one operation. An {@link IOException} means the client went away. */
    public interface Writer {
        /** What goes before the first generated event (possibly nothing). */
        void start(EventStreamResponse out) throws IOException;

        /** Each event of the reply in order, the last being {@link ConverseStream.Finished}; never a failure. */
        void event(EventStreamResponse out, ConverseStream.Event event) throws IOException;
    }

    /** Opens the 200 response and relays {@code stream} to its end; always closes {@code stream}. */
    public static void relay(Context ctx, ConverseStream stream, Writer writer) {
        try (stream) {
            EventStreamResponse response = new EventStreamResponse(ctx);
            writer.start(response);
            while (true) {
                ConverseStream.Event event = stream.next();
                if (event instanceof ConverseStream.Failed(BasaltException error)) {
                    if (error instanceof InternalException) {
                        LOG.error("request {}: generation failed", BasaltServer.requestId(ctx), error);
                    }
                    response.exception(error);
                    return;
                }
                writer.event(response, event);
                if (event instanceof ConverseStream.Finished) {
                    return;
                }
            }
        } catch (IOException clientGone) {
            LOG.debug("request {}: client went away during the stream", BasaltServer.requestId(ctx), clientGone);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
