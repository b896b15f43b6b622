package dev.basalt.engine.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Damaged and hostile files must fail with one clear GgufFormatException: never OOM, a hang or an index error. */
class GgufMalformedFileTest {
    static byte[] valid;

    @BeforeAll
    static void writeValidFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("valid.gguf");
        GgufRoundTripTest.sample(GgufRoundTripTest.randomFloats(new Random(2), 64)).write(file);
        valid = Files.readAllBytes(file);
    }

    private static void parse(byte[] bytes) {
        GgufFile.parse(MemorySegment.ofArray(bytes), null).close();
    }

    /** Either parses or throws GgufFormatException: anything else is a bug. */
    private static void parseOrReject(byte[] bytes, String what) {
        try {
            parse(bytes);
        } catch (GgufFormatException expected) {
            assertThat(expected.getMessage()).as(what).isNotBlank();
        } catch (Throwable t) {
            throw new AssertionError(what + " raised " + t, t);
        }
    }

    @Test
    void everyTruncationIsRejectedOrStillValid() {
        for (int length = 0; length < valid.length; length++) {
            byte[] cut = Arrays.copyOf(valid, length);
            parseOrReject(cut, "truncated to " + length);
        }
        assertThatThrownBy(() -> parse(Arrays.copyOf(valid, valid.length / 2)))
                .isInstanceOf(GgufFormatException.class);
        assertThatThrownBy(() -> parse(new byte[0])).hasMessageContaining("truncated");
    }

    @Test
    void randomMutationsNeverEscapeAsOtherErrors() {
        Random random = new Random(42);
        for (int i = 0; i < 3000; i++) {
            byte[] mutated = valid.clone();
            int flips = 1 + random.nextInt(4);
            for (int f = 0; f < flips; f++) {
                // Mostly the header, where the structure is.
                int at = random.nextInt(random.nextBoolean() ? Math.min(valid.length, 1200) : valid.length);
                mutated[at] = (byte) random.nextInt(256);
            }
            parseOrReject(mutated, "mutation " + i);
        }
    }

    private static byte[] header(int version, long tensors, long kvs) {
        return ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN)
                .putInt(GgufFile.MAGIC).putInt(version).putLong(tensors).putLong(kvs).array();
    }

    private static byte[] concat(byte[]... parts) {
        ByteBuffer b = ByteBuffer.allocate(Arrays.stream(parts).mapToInt(p -> p.length).sum());
        for (byte[] p : parts) {
            b.put(p);
        }
        return b.array();
    }

    private static byte[] le(long... values) {
        ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            b.putLong(v);
        }
        return b.array();
    }

    private static byte[] kvHeader(String key, int type) {
        byte[] k = key.getBytes();
        return concat(le(k.length), k, ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(type).array());
    }

    @Test
    void specificDamageIsNamed() {
        byte[] badMagic = valid.clone();
        badMagic[0] = 'X';
        assertThatThrownBy(() -> parse(badMagic)).hasMessageContaining("bad magic");
        assertThatThrownBy(() -> parse(header(1, 0, 0))).hasMessageContaining("version 1 is not supported");
        assertThatThrownBy(() -> parse(header(Integer.reverseBytes(3), 0, 0))).hasMessageContaining("big-endian");
        assertThatThrownBy(() -> parse(header(3, Long.MAX_VALUE, 0))).hasMessageContaining("tensor count");
        assertThatThrownBy(() -> parse(header(3, 0, -1))).hasMessageContaining("metadata count");
        // a key whose declared length is far beyond the file
        assertThatThrownBy(() -> parse(concat(header(3, 0, 1), le(1L << 40), new byte[16])))
                .hasMessageContaining("truncated").hasMessageContaining("metadata key");
        // an array claiming 2^40 floats
        assertThatThrownBy(() -> parse(concat(header(3, 0, 1), kvHeader("a", 9),
                ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(6).array(), le(1L << 40))))
                .hasMessageContaining("array length of a");
        assertThatThrownBy(() -> parse(concat(header(3, 0, 1), kvHeader("a", 99))))
                .hasMessageContaining("unknown metadata value type 99");
        assertThatThrownBy(() -> parse(concat(header(3, 0, 1), kvHeader("a", 7), new byte[] {2})))
                .hasMessageContaining("BOOL of value 2");
        assertThatThrownBy(() -> parse(concat(header(3, 0, 2), kvHeader("a", 7), new byte[] {1}, kvHeader("a", 7), new byte[] {0})))
                .hasMessageContaining("duplicate metadata key 'a'");
    }

    private static byte[] oneTensor(int nDims, long dim, int type, long offset) {
        byte[] name = "t".getBytes();
        ByteBuffer b = ByteBuffer.allocate(8 + 1 + 4 + 8 * nDims + 4 + 8).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(1).put(name).putInt(nDims);
        for (int i = 0; i < nDims; i++) {
            b.putLong(dim);
        }
        b.putInt(type).putLong(offset);
        return concat(header(3, 1, 0), b.array(), new byte[64 + 128]);
    }

    @Test
    void badTensorInfosAreNamed() {
        parse(oneTensor(1, 32, GgmlType.F32.id, 0)); // the well-formed baseline: 128 bytes of data present
        assertThatThrownBy(() -> parse(oneTensor(5, 2, 0, 0))).hasMessageContaining("5 dimensions");
        assertThatThrownBy(() -> parse(oneTensor(1, 0, 0, 0))).hasMessageContaining("impossible dimension");
        assertThatThrownBy(() -> parse(oneTensor(1, 32, 77, 0))).hasMessageContaining("unsupported tensor type id 77");
        assertThatThrownBy(() -> parse(oneTensor(1, 33, GgmlType.Q8_0.id, 0))).hasMessageContaining("not whole Q8_0 blocks");
        assertThatThrownBy(() -> parse(oneTensor(1, 32, 0, 8))).hasMessageContaining("not aligned");
        assertThatThrownBy(() -> parse(oneTensor(1, 32, 0, 1L << 20))).hasMessageContaining("outside the data section");
        assertThatThrownBy(() -> parse(oneTensor(1, 256, 0, 0))).hasMessageContaining("outside the data section");
        assertThatThrownBy(() -> parse(oneTensor(4, 1L << 20, 0, 0))).hasMessageContaining("impossible");
    }

    @Test
    void missingOrMistypedKeysAreNamed() {
        GgufFile gguf = GgufFile.parse(MemorySegment.ofArray(valid), null);
        assertThatThrownBy(() -> gguf.getString("llama.nope")).hasMessageContaining("missing required metadata key 'llama.nope'");
        assertThatThrownBy(() -> gguf.getString("t.f32")).hasMessageContaining("'t.f32' is FLOAT32, expected STRING");
        assertThatThrownBy(() -> gguf.getInt("t.f32")).hasMessageContaining("expected an integer");
        assertThatThrownBy(() -> gguf.tensor("output.weight")).hasMessageContaining("missing tensor 'output.weight'");
        assertThat(gguf.getInt("llama.context_length", 2048)).isEqualTo(2048);
    }
}
