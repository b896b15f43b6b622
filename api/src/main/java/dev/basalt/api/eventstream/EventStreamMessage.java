package dev.basalt.api.eventstream;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One event-stream message: headers in wire order, each name at most once (the specification requires it, and the
 * AWS SDK keeps headers in a map), and a payload. The payload array is copied in and out; equality compares it.
 */
public record EventStreamMessage(List<Header> headers, byte[] payload) {
    public static final String APPLICATION_JSON = "application/json";
    /** AWS's limits (aws-c-event-stream): a whole frame at most 16 MiB, its header block at most 128 KiB. */
    public static final int MAX_MESSAGE_LENGTH = 16 * 1024 * 1024;
    public static final int MAX_HEADERS_LENGTH = 128 * 1024;
    /** Total length, headers length, prelude CRC32. */
    static final int PRELUDE_LENGTH = 12;
    /** Prelude plus the trailing message CRC32: the frame of an empty message. */
    static final int FRAMING_LENGTH = PRELUDE_LENGTH + 4;

    /** A header name is 1..255 UTF-8 bytes (its length is one unsigned byte on the wire). */
    public record Header(String name, HeaderValue value) {
        public static final int MAX_NAME_LENGTH = 255;

        public Header {
            int length = name.getBytes(StandardCharsets.UTF_8).length;
            if (length == 0 || length > MAX_NAME_LENGTH) {
                throw new EventStreamException("header name must be 1.." + MAX_NAME_LENGTH + " UTF-8 bytes, got "
                        + length);
            }
            if (value == null) {
                throw new EventStreamException("header '" + name + "' has no value");
            }
        }

        public static Header string(String name, String value) {
            return new Header(name, new HeaderValue.StringValue(value));
        }
    }

    public EventStreamMessage {
        headers = List.copyOf(headers);
        payload = payload.clone();
        Set<String> names = new HashSet<>();
        for (Header header : headers) {
            if (!names.add(header.name())) {
                throw new EventStreamException("header '" + header.name() + "' appears more than once");
            }
        }
    }

    /** A Bedrock stream event ({@code chunk}, {@code contentBlockDelta}, ...) whose payload is a JSON document. */
    public static EventStreamMessage event(String eventType, byte[] jsonPayload) {
        return new EventStreamMessage(List.of(
                Header.string(":event-type", eventType),
                Header.string(":content-type", APPLICATION_JSON),
                Header.string(":message-type", "event")), jsonPayload);
    }

    /**
     * A modeled exception in the stream ({@code throttlingException}, {@code modelStreamErrorException}, ...):
     * the SDK raises the exception named by {@code :exception-type} with the payload's {@code message}.
     */
    public static EventStreamMessage exception(String exceptionType, String message) {
        String json = "{\"message\":\"" + new String(JsonStringEncoder.getInstance().quoteAsString(message)) + "\"}";
        return new EventStreamMessage(List.of(
                Header.string(":exception-type", exceptionType),
                Header.string(":content-type", APPLICATION_JSON),
                Header.string(":message-type", "exception")), json.getBytes(StandardCharsets.UTF_8));
    }

    /** The value of the header with this name, when it is a string header. */
    public Optional<String> stringHeader(String name) {
        return headers.stream()
                .filter(h -> h.name().equals(name))
                .findAny()
                .map(Header::value)
                .filter(HeaderValue.StringValue.class::isInstance)
                .map(v -> ((HeaderValue.StringValue) v).value());
    }

    @Override
    public byte[] payload() {
        return payload.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EventStreamMessage other && headers.equals(other.headers)
                && Arrays.equals(payload, other.payload);
    }

    @Override
    public int hashCode() {
        return 31 * headers.hashCode() + Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        return "EventStreamMessage[headers=" + headers + ", payload=" + payload.length + " bytes]";
    }
}
