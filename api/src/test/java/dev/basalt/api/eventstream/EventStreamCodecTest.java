package dev.basalt.api.eventstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.basalt.api.eventstream.EventStreamMessage.Header;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

class EventStreamCodecTest {
    private static final List<Header> EVERY_TYPE = List.of(
            new Header("t", new HeaderValue.BoolValue(true)),
            new Header("f", new HeaderValue.BoolValue(false)),
            new Header("b", new HeaderValue.ByteValue(Byte.MIN_VALUE)),
            new Header("s", new HeaderValue.ShortValue(Short.MIN_VALUE)),
            new Header("i", new HeaderValue.IntValue(-1)),
            new Header("l", new HeaderValue.LongValue(Long.MAX_VALUE)),
            new Header("bytes", new HeaderValue.BytesValue(new byte[] {0, -1, 127})),
            new Header("str", new HeaderValue.StringValue("héllo 😀")),
            new Header("ts", new HeaderValue.TimestampValue(-86_400_000L)),
            new Header("uuid", new HeaderValue.UuidValue(UUID.fromString("f81d4fae-7dec-11d0-a765-00a0c91e6bf6"))));

    @Test
    void emptyMessageMatchesTheAwsTestVector() {
        // aws-c-event-stream's "empty_message" encoded test case
        byte[] frame = HexFormat.of().parseHex("000000100000000005c248eb7d98c8ff");
        EventStreamMessage empty = new EventStreamMessage(List.of(), new byte[0]);
        assertThat(EventStreamEncoder.encode(empty)).isEqualTo(frame);
        assertThat(EventStreamDecoder.decode(frame)).isEqualTo(empty);
    }

    @Test
    void everyHeaderTypeRoundTripsInOrder() {
        EventStreamMessage message = new EventStreamMessage(EVERY_TYPE, "{}".getBytes(StandardCharsets.UTF_8));
        byte[] frame = EventStreamEncoder.encode(message);
        assertThat(EventStreamDecoder.decode(frame)).isEqualTo(message);
        assertThat(EventStreamDecoder.decode(frame).headers()).extracting(h -> h.value().typeId())
                .containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
    }

    @Test
    void largestAllowedPayloadRoundTripsAndOneMoreByteIsRefused() {
        List<Header> headers = List.of(Header.string(":message-type", "event"));
        int headerBytes = 1 + 13 + 1 + 2 + 5;
        byte[] payload = new byte[EventStreamMessage.MAX_MESSAGE_LENGTH - 16 - headerBytes];
        new Random(1).nextBytes(payload);
        EventStreamMessage largest = new EventStreamMessage(headers, payload);
        byte[] frame = EventStreamEncoder.encode(largest);
        assertThat(frame).hasSize(EventStreamMessage.MAX_MESSAGE_LENGTH);
        assertThat(new EventStreamDecoder().feed(frame)).containsExactly(largest);

        EventStreamMessage tooLarge = new EventStreamMessage(headers, new byte[payload.length + 1]);
        assertThatThrownBy(() -> EventStreamEncoder.encode(tooLarge))
                .isInstanceOf(EventStreamException.class).hasMessageContaining("exceeds 16777216");
    }

    @Test
    void decodesAStreamFedByteByByteAndInRandomChunks() {
        Random random = new Random(42);
        RandomMessages messages = new RandomMessages(random);
        for (int round = 0; round < 50; round++) {
            List<EventStreamMessage> sent = new ArrayList<>();
            ByteArrayOutputStream stream = new ByteArrayOutputStream();
            for (int i = random.nextInt(6); i >= 0; i--) {
                EventStreamMessage message = messages.next();
                sent.add(message);
                stream.writeBytes(EventStreamEncoder.encode(message));
            }
            byte[] bytes = stream.toByteArray();
            assertThat(feed(bytes, () -> 1)).isEqualTo(sent);
            assertThat(feed(bytes, () -> 1 + random.nextInt(random.nextBoolean() ? 20 : 5000))).isEqualTo(sent);
        }
    }

    static List<EventStreamMessage> feed(byte[] bytes, java.util.function.IntSupplier chunkSize) {
        EventStreamDecoder decoder = new EventStreamDecoder();
        List<EventStreamMessage> received = new ArrayList<>();
        for (int offset = 0; offset < bytes.length; ) {
            int n = Math.min(chunkSize.getAsInt(), bytes.length - offset);
            received.addAll(decoder.feed(bytes, offset, n));
            offset += n;
        }
        decoder.finish();
        return received;
    }

    @Test
    void eventAndExceptionFactoriesCarryTheHeadersTheSdkReads() throws Exception {
        EventStreamMessage event = EventStreamMessage.event("contentBlockDelta",
                "{\"delta\":{\"text\":\"hi\"}}".getBytes(StandardCharsets.UTF_8));
        assertThat(event.stringHeader(":message-type")).contains("event");
        assertThat(event.stringHeader(":event-type")).contains("contentBlockDelta");
        assertThat(event.stringHeader(":content-type")).contains("application/json");

        EventStreamMessage exception = EventStreamMessage.exception("throttlingException", "slow \"down\"\n\u0001");
        EventStreamMessage decoded = EventStreamDecoder.decode(EventStreamEncoder.encode(exception));
        assertThat(decoded.stringHeader(":message-type")).contains("exception");
        assertThat(decoded.stringHeader(":exception-type")).contains("throttlingException");
        assertThat(new ObjectMapper().readTree(decoded.payload()).get("message").asText())
                .isEqualTo("slow \"down\"\n\u0001");
        assertThat(decoded.stringHeader(":event-type")).isEmpty();
    }

    @Test
    void refusesHeaderNamesAndValuesTheWireCannotCarry() {
        assertThatThrownBy(() -> Header.string("", "x")).isInstanceOf(EventStreamException.class)
                .hasMessageContaining("header name must be 1..255");
        assertThatThrownBy(() -> Header.string("n".repeat(256), "x")).isInstanceOf(EventStreamException.class);
        assertThatThrownBy(() -> new HeaderValue.StringValue("é".repeat(16384)))
                .isInstanceOf(EventStreamException.class).hasMessageContaining("must be 1..32767 bytes, got 32768");
        assertThatThrownBy(() -> new HeaderValue.StringValue("")).isInstanceOf(EventStreamException.class);
        assertThatThrownBy(() -> new HeaderValue.BytesValue(new byte[32768]))
                .isInstanceOf(EventStreamException.class);
        assertThatThrownBy(() -> new HeaderValue.BytesValue(new byte[0])).isInstanceOf(EventStreamException.class);
        assertThatThrownBy(() -> new EventStreamMessage(List.of(Header.string("a", "x"), Header.string("a", "y")),
                new byte[0])).isInstanceOf(EventStreamException.class).hasMessageContaining("'a' appears more");
        var many = new ArrayList<Header>();
        for (int i = 0; i < 5; i++) {
            many.add(Header.string("h" + i, "v".repeat(32767)));
        }
        assertThatThrownBy(() -> EventStreamEncoder.encode(new EventStreamMessage(many, new byte[0])))
                .isInstanceOf(EventStreamException.class).hasMessageContaining("header block of");
    }

    // ---- malformed frames: lengths lie but CRCs are made valid, so each check is reached on its own ----

    @Test
    void refusesCorruptChecksums() {
        byte[] frame = EventStreamEncoder.encode(EventStreamMessage.event("chunk", new byte[] {'{', '}'}));
        byte[] badPrelude = frame.clone();
        badPrelude[9] ^= 1;
        assertRefused(badPrelude, "prelude CRC32 mismatch");
        byte[] badBody = frame.clone();
        badBody[frame.length - 6] ^= 1;
        assertRefused(badBody, "message CRC32 mismatch");
    }

    @Test
    void refusesLengthFieldsOutOfRange() {
        assertRefused(withCrcs(15, 0, new byte[0]), "total length 15 outside 16..16777216");
        assertRefused(prelude(EventStreamMessage.MAX_MESSAGE_LENGTH + 1, 0), "total length 16777217");
        assertRefused(prelude(-1, 0), "total length 4294967295");
        assertRefused(withCrcs(20, 5, new byte[4]), "headers length 5 exceeds 4");
        assertRefused(prelude(1 << 20, 128 * 1024 + 1), "headers length 131073 exceeds 131072");
    }

    @Test
    void refusesHeaderBlocksThatRunPastTheirEnd() {
        assertRefused(headerBlock(1, 'a'), "type of header 'a' needs 1 bytes");
        assertRefused(headerBlock(3, 'a'), "header name needs 3 bytes but the header block has 1 left");
        assertRefused(headerBlock(1, 'a', 4, 0, 0), "value of header 'a' needs 4 bytes but the header block has 2");
        assertRefused(headerBlock(1, 'a', 7, 0, 5, 'x'), "value of header 'a' needs 5 bytes");
        assertRefused(headerBlock(1, 'a', 6, 0xff, 0xff), "length 65535 exceeds 32767");
        assertRefused(headerBlock(1, 'a', 7, 0, 0), "must be 1..32767 bytes, got 0");
        assertRefused(headerBlock(1, 'a', 0, 1, 'a', 1), "header 'a' appears more than once");
        assertRefused(headerBlock(1, 'a', 10), "header 'a' has unknown type 10");
        assertRefused(headerBlock(1, 'a', 0xff), "header 'a' has unknown type 255");
        assertRefused(headerBlock(0, 7, 0, 1, 'x'), "header name must be 1..255 UTF-8 bytes, got 0");
    }

    @Test
    void truncatedStreamIsReportedAtFinishAndAFailedDecoderRefusesMoreInput() {
        byte[] frame = EventStreamEncoder.encode(EventStreamMessage.event("chunk", new byte[10]));
        EventStreamDecoder decoder = new EventStreamDecoder();
        assertThat(decoder.feed(frame, 0, 5)).isEmpty();
        assertThatThrownBy(decoder::finish).isInstanceOf(EventStreamException.class)
                .hasMessageContaining("5 of the 12-byte prelude");
        assertThat(decoder.feed(frame, 5, frame.length - 6)).isEmpty();
        assertThat(decoder.bufferedBytes()).isEqualTo(frame.length - 1);
        assertThatThrownBy(decoder::finish).hasMessageContaining((frame.length - 1) + " of " + frame.length);

        byte[] corrupt = frame.clone();
        corrupt[0] ^= 1;
        EventStreamDecoder failed = new EventStreamDecoder();
        assertThatThrownBy(() -> failed.feed(corrupt)).isInstanceOf(EventStreamException.class);
        assertThatThrownBy(() -> failed.feed(frame)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("prelude CRC32 mismatch");
    }

    private static void assertRefused(byte[] frame, String problem) {
        assertThatThrownBy(() -> new EventStreamDecoder().feed(frame))
                .isInstanceOf(EventStreamException.class).hasMessageContaining(problem);
        if (frame.length >= 16) {
            assertThatThrownBy(() -> EventStreamDecoder.decode(frame))
                    .isInstanceOf(EventStreamException.class).hasMessageContaining(problem);
        }
    }

    /** A message whose whole body is the given header block, with valid lengths and CRCs. */
    private static byte[] headerBlock(int... block) {
        byte[] headers = new byte[block.length];
        for (int i = 0; i < block.length; i++) {
            headers[i] = (byte) block[i];
        }
        return withCrcs(16 + headers.length, headers.length, headers);
    }

    /** Only a prelude (declared lengths, valid CRC): enough for the checks made before the body arrives. */
    private static byte[] prelude(int total, int headers) {
        ByteBuffer prelude = ByteBuffer.allocate(12).putInt(total).putInt(headers);
        return prelude.putInt(crc(prelude.array(), 8)).array();
    }

    /** Prelude with the declared lengths, then the body, then a message CRC: all CRCs valid, lengths as given. */
    private static byte[] withCrcs(int total, int headers, byte[] body) {
        ByteBuffer frame = ByteBuffer.allocate(12 + body.length + 4).put(prelude(total, headers)).put(body);
        return frame.putInt(crc(frame.array(), frame.position())).array();
    }

    private static int crc(byte[] bytes, int length) {
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, length);
        return (int) crc.getValue();
    }
}
