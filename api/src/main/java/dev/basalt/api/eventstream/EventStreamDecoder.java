package dev.basalt.api.eventstream;

import static dev.basalt.api.eventstream.EventStreamMessage.FRAMING_LENGTH;
import static dev.basalt.api.eventstream.EventStreamMessage.MAX_HEADERS_LENGTH;
import static dev.basalt.api.eventstream.EventStreamMessage.MAX_MESSAGE_LENGTH;
import static dev.basalt.api.eventstream.EventStreamMessage.PRELUDE_LENGTH;

import dev.basalt.api.eventstream.EventStreamMessage.Header;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * Incremental decoder: feed byte chunks of any size, get the messages they complete. It buffers at most one frame,
 * whose length is trusted only after the prelude CRC matches and is capped at {@link
 * EventStreamMessage#MAX_MESSAGE_LENGTH}. After a failure the stream cannot be resynchronised, so the decoder
 * refuses further input. Not thread-safe.
 */
public final class EventStreamDecoder {
    private byte[] frame = new byte[PRELUDE_LENGTH];
    private int buffered;
    private boolean preludeRead;
    private String failure;

    /** Decodes exactly one complete frame. */
    public static EventStreamMessage decode(byte[] frame) {
        if (frame.length < PRELUDE_LENGTH) {
            throw new EventStreamException("frame of " + frame.length + " bytes is shorter than the "
                    + PRELUDE_LENGTH + "-byte prelude");
        }
        int total = checkPrelude(frame);
        if (frame.length != total) {
            throw new EventStreamException("frame has " + frame.length + " bytes but its prelude says " + total);
        }
        return parse(frame);
    }

    public List<EventStreamMessage> feed(byte[] bytes) {
        return feed(bytes, 0, bytes.length);
    }

    public List<EventStreamMessage> feed(byte[] bytes, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        if (failure != null) {
            throw new IllegalStateException("decoder already failed: " + failure);
        }
        try {
            List<EventStreamMessage> messages = new ArrayList<>();
            int end = offset + length;
            while (offset < end) {
                int n = Math.min(frame.length - buffered, end - offset);
                System.arraycopy(bytes, offset, frame, buffered, n);
                buffered += n;
                offset += n;
                if (buffered < frame.length) {
                    break;
                }
                if (!preludeRead) {
                    frame = Arrays.copyOf(frame, checkPrelude(frame));
                    preludeRead = true;
                }
                if (buffered == frame.length) { // also true right after the prelude of an empty message
                    messages.add(parse(frame));
                    frame = new byte[PRELUDE_LENGTH];
                    buffered = 0;
                    preludeRead = false;
                }
            }
            return messages;
        } catch (EventStreamException e) {
            failure = e.getMessage();
            throw e;
        }
    }

    /** Bytes of an incomplete message held back; a stream that ends with some left was truncated. */
    public int bufferedBytes() {
        return buffered;
    }

    /** Call at end of stream: fails if the stream stopped inside a message. */
    public void finish() {
        if (buffered > 0) {
            throw new EventStreamException("stream ended inside a message: " + buffered + " of "
                    + (preludeRead ? frame.length + " bytes" : "the " + PRELUDE_LENGTH + "-byte prelude"));
        }
    }

    /** Validates the 12-byte prelude at the start of {@code frame}; returns the total frame length. */
    private static int checkPrelude(byte[] frame) {
        ByteBuffer prelude = ByteBuffer.wrap(frame, 0, PRELUDE_LENGTH);
        long total = Integer.toUnsignedLong(prelude.getInt());
        long headers = Integer.toUnsignedLong(prelude.getInt());
        int expected = prelude.getInt();
        int actual = EventStreamEncoder.crc32(frame, 0, 8);
        if (expected != actual) {
            throw new EventStreamException(String.format("prelude CRC32 mismatch: frame says %08x, computed %08x",
                    expected, actual));
        }
        if (total < FRAMING_LENGTH || total > MAX_MESSAGE_LENGTH) {
            throw new EventStreamException("total length " + total + " outside " + FRAMING_LENGTH + ".."
                    + MAX_MESSAGE_LENGTH);
        }
        if (headers > MAX_HEADERS_LENGTH || headers > total - FRAMING_LENGTH) {
            throw new EventStreamException("headers length " + headers + " exceeds " + Math.min(MAX_HEADERS_LENGTH,
                    total - FRAMING_LENGTH) + " (the cap, or what a " + total + "-byte message can hold)");
        }
        return (int) total;
    }

    /** Parses a complete frame whose prelude has been checked. */
    private static EventStreamMessage parse(byte[] frame) {
        int crcOffset = frame.length - 4;
        int expected = ByteBuffer.wrap(frame, crcOffset, 4).getInt();
        int actual = EventStreamEncoder.crc32(frame, 0, crcOffset);
        if (expected != actual) {
            throw new EventStreamException(String.format("message CRC32 mismatch: frame says %08x, computed %08x",
                    expected, actual));
        }
        int headersEnd = PRELUDE_LENGTH + ByteBuffer.wrap(frame, 4, 4).getInt();
        List<Header> headers = parseHeaders(ByteBuffer.wrap(frame, PRELUDE_LENGTH, headersEnd - PRELUDE_LENGTH));
        return new EventStreamMessage(headers, Arrays.copyOfRange(frame, headersEnd, crcOffset));
    }

    /**
     * {@code block}'s limit is the end of the header block: every read is checked against it first. What the wire
     * can say but a message cannot hold (empty or repeated names, empty values) is refused by the constructors.
     */
    private static List<Header> parseHeaders(ByteBuffer block) {
        List<Header> headers = new ArrayList<>();
        while (block.hasRemaining()) {
            int nameLength = Byte.toUnsignedInt(block.get());
            String name = new String(take(block, nameLength, "header name"), StandardCharsets.UTF_8);
            need(block, 1, "type of header '" + name + "'");
            int type = Byte.toUnsignedInt(block.get());
            String what = "value of header '" + name + "'";
            HeaderValue value = switch (type) {
                case 0, 1 -> new HeaderValue.BoolValue(type == 0);
                case 2 -> new HeaderValue.ByteValue(need(block, 1, what).get());
                case 3 -> new HeaderValue.ShortValue(need(block, 2, what).getShort());
                case 4 -> new HeaderValue.IntValue(need(block, 4, what).getInt());
                case 5 -> new HeaderValue.LongValue(need(block, 8, what).getLong());
                case 6 -> new HeaderValue.BytesValue(sized(block, what));
                case 7 -> new HeaderValue.StringValue(new String(sized(block, what), StandardCharsets.UTF_8));
                case 8 -> new HeaderValue.TimestampValue(need(block, 8, what).getLong());
                case 9 -> new HeaderValue.UuidValue(new UUID(need(block, 16, what).getLong(), block.getLong()));
                default -> throw new EventStreamException("header '" + name + "' has unknown type " + type);
            };
            headers.add(new Header(name, value));
        }
        return headers;
    }

    /** A byte-array or string value: 2-byte length, then the bytes. */
    private static byte[] sized(ByteBuffer block, String what) {
        int length = Short.toUnsignedInt(need(block, 2, what).getShort());
        if (length > HeaderValue.MAX_VALUE_LENGTH) {
            throw new EventStreamException(what + ": length " + length + " exceeds " + HeaderValue.MAX_VALUE_LENGTH);
        }
        return take(block, length, what);
    }

    private static byte[] take(ByteBuffer block, int length, String what) {
        byte[] bytes = new byte[length];
        need(block, length, what).get(bytes);
        return bytes;
    }

    private static ByteBuffer need(ByteBuffer block, int length, String what) {
        if (block.remaining() < length) {
            throw new EventStreamException(what + " needs " + length + " bytes but the header block has "
                    + block.remaining() + " left");
        }
        return block;
    }
}
