package dev.basalt.api.eventstream;

import static dev.basalt.api.eventstream.EventStreamMessage.FRAMING_LENGTH;
import static dev.basalt.api.eventstream.EventStreamMessage.MAX_HEADERS_LENGTH;
import static dev.basalt.api.eventstream.EventStreamMessage.MAX_MESSAGE_LENGTH;

import dev.basalt.api.eventstream.EventStreamMessage.Header;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/** Frames messages as AWS event-stream bytes. */
public final class EventStreamEncoder {
    private EventStreamEncoder() {
    }

    /** The complete frame of one message; fails if it would exceed AWS's size limits. */
    public static byte[] encode(EventStreamMessage message) {
        byte[] headers = encodeHeaders(message);
        byte[] payload = message.payload();
        if (headers.length > MAX_HEADERS_LENGTH) {
            throw new EventStreamException("header block of " + headers.length + " bytes exceeds "
                    + MAX_HEADERS_LENGTH);
        }
        long total = (long) FRAMING_LENGTH + headers.length + payload.length;
        if (total > MAX_MESSAGE_LENGTH) {
            throw new EventStreamException("message of " + total + " bytes exceeds " + MAX_MESSAGE_LENGTH);
        }
        ByteBuffer frame = ByteBuffer.allocate((int) total); // big-endian by default
        frame.putInt((int) total).putInt(headers.length);
        frame.putInt(crc32(frame.array(), 0, 8));
        frame.put(headers).put(payload);
        frame.putInt(crc32(frame.array(), 0, frame.position()));
        return frame.array();
    }

    static int crc32(byte[] bytes, int offset, int length) {
        CRC32 crc = new CRC32();
        crc.update(bytes, offset, length);
        return (int) crc.getValue();
    }

    /** Each header: name length (1 byte), name, type id (1 byte), value (fixed width, or 2-byte length + bytes). */
    private static byte[] encodeHeaders(EventStreamMessage message) {
        var bytes = new ByteArrayOutputStream();
        var out = new DataOutputStream(bytes);
        try {
            for (Header header : message.headers()) {
                byte[] name = header.name().getBytes(StandardCharsets.UTF_8);
                out.writeByte(name.length);
                out.write(name);
                HeaderValue value = header.value();
                out.writeByte(value.typeId());
                switch (value) {
                    case HeaderValue.BoolValue _ -> { }
                    case HeaderValue.ByteValue v -> out.writeByte(v.value());
                    case HeaderValue.ShortValue v -> out.writeShort(v.value());
                    case HeaderValue.IntValue v -> out.writeInt(v.value());
                    case HeaderValue.LongValue v -> out.writeLong(v.value());
                    case HeaderValue.BytesValue v -> writeSized(out, v.value());
                    case HeaderValue.StringValue v -> writeSized(out, v.value().getBytes(StandardCharsets.UTF_8));
                    case HeaderValue.TimestampValue v -> out.writeLong(v.epochMillis());
                    case HeaderValue.UuidValue v -> {
                        out.writeLong(v.value().getMostSignificantBits());
                        out.writeLong(v.value().getLeastSignificantBits());
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not throw
        }
        return bytes.toByteArray();
    }

    private static void writeSized(DataOutputStream out, byte[] value) throws IOException {
        out.writeShort(value.length);
        out.write(value);
    }
}
