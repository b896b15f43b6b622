package dev.basalt.api.eventstream;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import java.util.UUID;

/** A typed event-stream header value; {@link #typeId()} is the wire type (0..9) defined by AWS. */
public sealed interface HeaderValue {
    /**
     * Byte arrays and strings carry a 2-byte length and must be 1..2^15-1 bytes (the AWS event-stream specification;
     * the AWS Java SDK refuses empty ones, so an empty value would break its clients' streams).
     */
    int MAX_VALUE_LENGTH = Short.MAX_VALUE;

    private static void checkLength(String kind, int length) {
        if (length == 0 || length > MAX_VALUE_LENGTH) {
            throw new EventStreamException(kind + " header value must be 1.." + MAX_VALUE_LENGTH + " bytes, got "
                    + length);
        }
    }

    int typeId();

    /** Types 0 (true) and 1 (false): the value is the type, no value bytes follow. */
    record BoolValue(boolean value) implements HeaderValue {
        public int typeId() {
            return value ? 0 : 1;
        }
    }

    record ByteValue(byte value) implements HeaderValue {
        public int typeId() {
            return 2;
        }
    }

    record ShortValue(short value) implements HeaderValue {
        public int typeId() {
            return 3;
        }
    }

    record IntValue(int value) implements HeaderValue {
        public int typeId() {
            return 4;
        }
    }

    record LongValue(long value) implements HeaderValue {
        public int typeId() {
            return 5;
        }
    }

    /** Type 6. Arrays are mutable, so the record copies in and out and compares contents. */
    record BytesValue(byte[] value) implements HeaderValue {
        public BytesValue {
            value = value.clone();
            checkLength("byte-array", value.length);
        }

        public byte[] value() {
            return value.clone();
        }

        public int typeId() {
            return 6;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof BytesValue other && Arrays.equals(value, other.value);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(value);
        }

        @Override
        public String toString() {
            return "BytesValue[" + HexFormat.of().formatHex(value) + "]";
        }
    }

    /** Type 7, UTF-8 on the wire. */
    record StringValue(String value) implements HeaderValue {
        public StringValue {
            checkLength("UTF-8 string", value.getBytes(StandardCharsets.UTF_8).length);
        }

        public int typeId() {
            return 7;
        }
    }

    /** Type 8: milliseconds since the epoch, which is all the wire carries (an Instant would lose its nanos). */
    record TimestampValue(long epochMillis) implements HeaderValue {
        public static TimestampValue of(Instant instant) {
            return new TimestampValue(instant.toEpochMilli());
        }

        public Instant instant() {
            return Instant.ofEpochMilli(epochMillis);
        }

        public int typeId() {
            return 8;
        }
    }

    record UuidValue(UUID value) implements HeaderValue {
        public UuidValue {
            Objects.requireNonNull(value, "value");
        }

        public int typeId() {
            return 9;
        }
    }
}
