package dev.basalt.api.bedrock;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.basalt.api.eventstream.EventStreamEncoder;
import dev.basalt.api.eventstream.EventStreamMessage;
import dev.basalt.api.server.JsonBody;
import dev.basalt.platform.errors.BasaltException;
import dev.basalt.platform.errors.InternalException;
import dev.basalt.platform.errors.ServiceUnavailableException;
import dev.basalt.platform.errors.ThrottledException;
import dev.basalt.platform.errors.ValidationException;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;

/**
 * A 200 response whose body is a sequence of AWS event-stream messages (ConverseStream,
 * InvokeModelWithResponseStream). Each message is flushed as soon as it is written, straight to the servlet
 * stream (not Javalin's, which may buffer for compression). An {@link IOException} from a send means the client
 * has gone away.
 */
public final class EventStreamResponse {
    public static final String CONTENT_TYPE = "application/vnd.amazon.eventstream";
    private final OutputStream out;

    public EventStreamResponse(Context ctx) throws IOException {
        ctx.status(200);
        ctx.res().setContentType(CONTENT_TYPE);
        this.out = ctx.res().getOutputStream();
    }

    /** An event whose payload is {@code payload} as JSON. */
    public void event(String eventType, ObjectNode payload) throws IOException {
        try {
            send(EventStreamMessage.event(eventType, JsonBody.MAPPER.writeValueAsBytes(payload)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an ObjectNode always serialises", e);
        }
    }

    /**
     * A failure after the stream started, as the exception event of the output union the SDK raises it as:
     * Bedrock's streams model validation, throttling, service-unavailable and internal-server exceptions, and
     * {@code modelStreamErrorException} for anything else that went wrong in the model.
     */
    public void exception(BasaltException error) throws IOException {
        String type = switch (error) {
            case ValidationException e -> "validationException";
            case ThrottledException e -> "throttlingException";
            case ServiceUnavailableException e -> "serviceUnavailableException";
            case InternalException e -> "internalServerException";
            default -> "modelStreamErrorException";
        };
        send(EventStreamMessage.exception(type, error.getMessage()));
    }

    private void send(EventStreamMessage message) throws IOException {
        out.write(EventStreamEncoder.encode(message));
        out.flush();
    }
}
