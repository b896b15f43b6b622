package dev.basalt.api.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.basalt.api.server.BasaltServer;
import dev.basalt.api.server.JsonBody;
import dev.basalt.platform.errors.BasaltException;
import dev.basalt.platform.errors.InternalException;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A 200 response of server-sent events as OpenAI streams them: {@code data: <json>} per chunk, flushed at once, and
 * {@code data: [DONE]} at the end. Written to the servlet stream (Javalin's may buffer for compression); an
 * {@link IOException} from a send means the client has gone away.
 */
final class SseResponse {
    private static final Logger LOG = LoggerFactory.getLogger(SseResponse.class);
    private final Context ctx;
    private final OutputStream out;

    SseResponse(Context ctx) throws IOException {
        this.ctx = ctx;
        ctx.status(200);
        ctx.res().setContentType("text/event-stream; charset=utf-8");
        ctx.res().setHeader("Cache-Control", "no-cache");
        this.out = ctx.res().getOutputStream();
    }

    void data(Object json) throws IOException {
        try {
            send("data: " + JsonBody.MAPPER.writeValueAsString(json) + "\n\n");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a response chunk always serialises", e);
        }
    }

    /** A failure after the 200 went out: OpenAI's error body as the last event (no {@code [DONE]}). */
    void fail(BasaltException error) throws IOException {
        if (error instanceof InternalException) {
            LOG.error("request {}: generation failed", BasaltServer.requestId(ctx), error);
        }
        data(OpenAiErrors.of(error).body());
    }

    /** Logs that the client closed the connection mid-stream (the caller then cancels the generation). */
    void clientGone(IOException cause) {
        LOG.debug("request {}: client went away during the stream", BasaltServer.requestId(ctx), cause);
    }

    void done() throws IOException {
        send("data: [DONE]\n\n");
    }

    private void send(String event) throws IOException {
        out.write(event.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
