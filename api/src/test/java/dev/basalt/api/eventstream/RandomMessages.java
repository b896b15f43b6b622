package dev.basalt.api.eventstream;

import dev.basalt.api.eventstream.EventStreamMessage.Header;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.function.IntPredicate;

/** Seeded random messages with headers of the allowed wire types (0..9) and payloads from empty to a few KB. */
final class RandomMessages {
    private static final String ALPHABET = "abcXYZ:-_09é€😀";

    private final Random random;
    private final IntPredicate allowedType;

    RandomMessages(Random random) {
        this(random, type -> true);
    }

    RandomMessages(Random random, IntPredicate allowedType) {
        this.random = random;
        this.allowedType = allowedType;
    }

    EventStreamMessage next() {
        List<Header> headers = new ArrayList<>();
        int count = random.nextInt(7);
        while (headers.size() < count) {
            int type = random.nextInt(10);
            if (allowedType.test(type)) {
                headers.add(new Header(headers.size() + text(1 + random.nextInt(12)), value(type)));
            }
        }
        int payloadLength = switch (random.nextInt(4)) {
            case 0 -> 0;
            case 1 -> random.nextInt(16);
            default -> random.nextInt(3000);
        };
        return new EventStreamMessage(headers, bytes(payloadLength));
    }

    HeaderValue value(int typeId) {
        return switch (typeId) {
            case 0 -> new HeaderValue.BoolValue(true);
            case 1 -> new HeaderValue.BoolValue(false);
            case 2 -> new HeaderValue.ByteValue((byte) random.nextInt());
            case 3 -> new HeaderValue.ShortValue((short) random.nextInt());
            case 4 -> new HeaderValue.IntValue(random.nextInt());
            case 5 -> new HeaderValue.LongValue(random.nextLong());
            case 6 -> new HeaderValue.BytesValue(bytes(1 + random.nextInt(100)));
            case 7 -> new HeaderValue.StringValue(text(1 + random.nextInt(40)));
            case 8 -> new HeaderValue.TimestampValue(random.nextLong(-1L << 45, 1L << 45));
            case 9 -> new HeaderValue.UuidValue(new UUID(random.nextLong(), random.nextLong()));
            default -> throw new IllegalArgumentException("type " + typeId);
        };
    }

    private String text(int codePoints) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < codePoints; i++) {
            text.appendCodePoint(ALPHABET.codePointAt(ALPHABET.offsetByCodePoints(0,
                    random.nextInt(ALPHABET.codePointCount(0, ALPHABET.length())))));
        }
        return text.toString();
    }

    private byte[] bytes(int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }
}
