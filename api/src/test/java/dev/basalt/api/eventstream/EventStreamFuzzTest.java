package dev.basalt.api.eventstream;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Mutated and truncated frames must give complete messages or an EventStreamException, nothing else. Half the
 * mutants get their CRCs repaired so that the length and header checks behind the CRCs are exercised too.
 */
class EventStreamFuzzTest {
    private static final int MUTANTS = 10_000;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void mutantsDecodeOrFailCleanly() {
        Random random = new Random(20261123);
        RandomMessages messages = new RandomMessages(random);
        Map<String, Integer> outcomes = new HashMap<>();
        for (int i = 0; i < MUTANTS; i++) {
            ByteArrayOutputStream stream = new ByteArrayOutputStream();
            for (int n = 1 + random.nextInt(3); n > 0; n--) {
                stream.writeBytes(EventStreamEncoder.encode(messages.next()));
            }
            byte[] mutant = mutate(stream.toByteArray(), random);
            if (random.nextBoolean()) {
                repairCrcs(mutant);
            }
            String outcome;
            try {
                List<EventStreamMessage> decoded = EventStreamCodecTest.feed(mutant, () -> 1 + random.nextInt(512));
                decoded.forEach(m -> assertThat(EventStreamDecoder.decode(EventStreamEncoder.encode(m))).isEqualTo(m));
                outcome = "decoded";
            } catch (EventStreamException e) {
                outcome = e.getMessage().replaceAll("(?s)'.*'|[0-9a-f]{8}|\\d+", "#"); // the problem, not values
            }
            outcomes.merge(outcome, 1, Integer::sum);
        }
        // the mutants reach the checks behind the CRCs, and some still decode
        assertThat(outcomes.keySet()).anyMatch(o -> o.contains("prelude CRC"))
                .anyMatch(o -> o.contains("message CRC"))
                .anyMatch(o -> o.contains("stream ended inside a message"))
                .anyMatch(o -> o.contains("unknown type"))
                .anyMatch(o -> o.contains("needs"))
                .anyMatch(o -> o.contains("length"));
        assertThat(outcomes.get("decoded")).isGreaterThan(100);
    }

    private static byte[] mutate(byte[] frame, Random random) {
        return switch (random.nextInt(5)) {
            case 0 -> Arrays.copyOf(frame, random.nextInt(frame.length)); // truncation
            case 1 -> { // flip a few bits, biased towards the prelude and the header block
                for (int n = 1 + random.nextInt(4); n > 0; n--) {
                    int at = random.nextBoolean() ? random.nextInt(Math.min(frame.length, 64)) : random.nextInt(frame.length);
                    frame[at] ^= (byte) (1 << random.nextInt(8));
                }
                yield frame;
            }
            case 2 -> { // a random length field
                ByteBuffer.wrap(frame).putInt(random.nextInt(2) * 4, random.nextBoolean()
                        ? random.nextInt() : random.nextInt(frame.length + 32));
                yield frame;
            }
            case 3 -> { // drop a byte range
                int from = random.nextInt(frame.length);
                int to = from + random.nextInt(Math.min(8, frame.length - from) + 1);
                byte[] shorter = new byte[frame.length - (to - from)];
                System.arraycopy(frame, 0, shorter, 0, from);
                System.arraycopy(frame, to, shorter, from, frame.length - to);
                yield shorter;
            }
            default -> frame; // unmutated: CRC repair then leaves it valid
        };
    }

    /** Makes the first frame's CRCs match its (possibly mutated) contents, where its declared length allows. */
    private static void repairCrcs(byte[] bytes) {
        if (bytes.length < 12) {
            return;
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        buffer.putInt(8, crc(bytes, 0, 8));
        long total = Integer.toUnsignedLong(buffer.getInt(0));
        if (total >= 16 && total <= bytes.length) {
            buffer.putInt((int) total - 4, crc(bytes, 0, (int) total - 4));
        }
    }

    private static int crc(byte[] bytes, int offset, int length) {
        CRC32 crc = new CRC32();
        crc.update(bytes, offset, length);
        return (int) crc.getValue();
    }
}
