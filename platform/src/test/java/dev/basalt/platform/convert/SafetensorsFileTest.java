package dev.basalt.platform.convert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Reading tensors back, and damaged or hostile files failing with one clear SafetensorsFormatException. */
class SafetensorsFileTest {

    private static SafetensorsFile parse(byte[] bytes) {
        return SafetensorsFile.parse(MemorySegment.ofArray(bytes), "test.safetensors", Arena.ofConfined());
    }

    /** A file with {@code header} as its JSON and {@code dataBytes} zero bytes of data. */
    private static byte[] withHeader(String header, int dataBytes) {
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + json.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(json.length).put(json).array();
    }

    private static byte[] sample() {
        ByteBuffer f16 = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : new float[] {0.5f, -2f, 65504f, 0f}) {
            f16.putShort(Float.floatToFloat16(v));
        }
        ByteBuffer bf16 = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : new float[] {1f, -0.15625f, 3.0e38f, -0f}) {
            bf16.putShort((short) (Float.floatToRawIntBits(v) >>> 16));
        }
        return new SafetensorsBytes()
                .addF32("m", new long[] {2, 3}, new float[] {1, 2, 3, -4, 5.5f, Float.MIN_VALUE})
                .add("h", "F16", new long[] {4}, f16.array())
                .add("b", "BF16", new long[] {2, 2}, bf16.array())
                .add("ids", "I64", new long[] {2}, new byte[16])
                .build();
    }

    @Test
    void readsRowsOfEachFloatType(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("model.safetensors");
        Files.write(file, sample());
        try (SafetensorsFile st = SafetensorsFile.open(file)) {
            assertThat(st.tensors().keySet()).containsExactly("m", "h", "b", "ids");
            assertThat(st.metadata()).containsEntry("format", "pt");
            SafetensorsTensor m = st.tensors().get("m");
            assertThat(m.shape()).containsExactly(2, 3);
            assertThat(m.rowLength()).isEqualTo(3);
            float[] row = new float[3];
            m.readRow(1, row);
            assertThat(row).containsExactly(-4, 5.5f, Float.MIN_VALUE);
            float[] h = new float[4];
            st.tensors().get("h").readRow(0, h);
            assertThat(h).containsExactly(0.5f, -2f, 65504f, 0f);
            float[] b = new float[2];
            st.tensors().get("b").readRow(1, b);
            assertThat(b[0]).isEqualTo(Float.intBitsToFloat(Float.floatToRawIntBits(3.0e38f) & 0xffff0000));
            assertThat(Float.floatToRawIntBits(b[1])).isEqualTo(Float.floatToRawIntBits(-0f));
            assertThatThrownBy(() -> m.readRow(2, row)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> st.tensors().get("ids").readRow(0, new float[2]))
                    .isInstanceOf(SafetensorsFormatException.class).hasMessageContaining("ids has dtype I64");
        }
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
            "[1,2]| not a JSON object",
            "{\"t\": |not valid JSON",
            "{\"t\": {\"dtype\": \"F12\", \"shape\": [1], \"data_offsets\": [0, 4]}}|unknown dtype 'F12'",
            "{\"t\": {\"shape\": [1], \"data_offsets\": [0, 4]}}|tensor t has no dtype",
            "{\"t\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0, 12]}}|outside the 8 data bytes",
            "{\"t\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [4, 0]}}|outside the 8 data bytes",
            "{\"t\": {\"dtype\": \"F32\", \"shape\": [3], \"data_offsets\": [0, 8]}}|needs 12 bytes, but its data_offsets span 8",
            "{\"t\": {\"dtype\": \"F32\", \"shape\": [-1], \"data_offsets\": [0, 4]}}|not a non-negative integer",
            "{\"t\": {\"dtype\": \"F32\", \"shape\": [1.5], \"data_offsets\": [0, 4]}}|not a non-negative integer",
            "{\"t\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0]}}|no data_offsets array of 2 integers",
            "{\"t\": {\"dtype\": \"F32\", \"shape\": [4294967296, 4294967296], \"data_offsets\": [0, 4]}}|too large",
            "{\"a\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0, 8]}, \"b\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [4, 8]}}|tensors a and b overlap",
            "{\"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0, 4]}, \"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [4, 8]}}|Duplicate field 'a'",
            "{\"__metadata__\": {\"format\": 1}}|__metadata__ entry format that is not a string",
    })
    void rejectsMalformedHeaders(String header, String message) {
        assertThatThrownBy(() -> parse(withHeader(header, 8))).isInstanceOf(SafetensorsFormatException.class)
                .hasMessageStartingWith("safetensors file test.safetensors ").hasMessageContaining(message);
    }

    @Test
    void rejectsAbsurdHeaderLengths() {
        assertThatThrownBy(() -> parse(new byte[5])).isInstanceOf(SafetensorsFormatException.class)
                .hasMessageContaining("shorter than the 8-byte header length");
        byte[] huge = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(-1L).array();
        assertThatThrownBy(() -> parse(huge)).isInstanceOf(SafetensorsFormatException.class)
                .hasMessageContaining("declares a header of 18446744073709551615 bytes");
        byte[] beyond = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(9).array();
        assertThatThrownBy(() -> parse(beyond)).isInstanceOf(SafetensorsFormatException.class)
                .hasMessageContaining("declares a header of 9 bytes, but the file has 8");
    }

    @Test
    void everyTruncationIsRejectedCleanly() {
        byte[] valid = sample();
        for (int length = 0; length < valid.length; length++) {
            byte[] cut = Arrays.copyOf(valid, length);
            assertThatThrownBy(() -> parse(cut)).as("truncated to %d bytes", length)
                    .isInstanceOf(SafetensorsFormatException.class);
        }
    }

    @Test
    void randomMutationsParseOrFailCleanly() {
        byte[] valid = sample();
        Random random = new Random(7);
        int rejected = 0;
        for (int round = 0; round < 3000; round++) {
            byte[] bytes = valid.clone();
            for (int k = 1 + random.nextInt(3); k > 0; k--) {
                bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
            }
            try (SafetensorsFile st = parse(bytes)) {
                for (SafetensorsTensor t : st.tensors().values()) {
                    if (t.dtype() == SafetensorsDtype.F32 || t.dtype() == SafetensorsDtype.F16
                            || t.dtype() == SafetensorsDtype.BF16) {
                        float[] row = new float[t.rowLength()];
                        for (long r = 0; r < t.elementCount() / Math.max(1, row.length); r++) {
                            t.readRow(r, row);
                        }
                    }
                }
            } catch (SafetensorsFormatException expected) {
                assertThat(expected.getMessage()).startsWith("safetensors file test.safetensors ");
                rejected++;
            } catch (Throwable t) {
                throw new AssertionError("mutation round " + round + " raised " + t, t);
            }
        }
        assertThat(rejected).as("mutations the parser noticed").isGreaterThan(300);
    }
}
