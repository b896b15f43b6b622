package dev.basalt.engine.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.basalt.engine.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/** Known answers worked out by hand from ggml's reference quantizers. */
class QuantizationTest {
    @Test
    void q8_0ScalesByAbsMaxOver127() {
        float[] x = new float[32];
        for (int i = 0; i < 32; i++) {
            x[i] = i - 16; // amax 16
        }
        byte[] q = Quantization.quantize(GgmlType.Q8_0, x);
        assertThat(q).hasSize(34);
        float d = Float.float16ToFloat((short) ((q[0] & 0xff) | (q[1] << 8)));
        assertThat(d).isEqualTo(Float.float16ToFloat(Float.floatToFloat16(16f / 127f)));
        assertThat(q[2]).isEqualTo((byte) -127); // -16 / (16/127)
        assertThat(q[2 + 16]).isEqualTo((byte) 0);
        float[] back = Quantization.dequantize(GgmlType.Q8_0, MemorySegment.ofArray(q), 32);
        assertThat(back[0]).isEqualTo(-127 * d);
    }

    @Test
    void q8_0RoundsHalvesAwayFromZeroLikeRoundf() {
        float[] x = new float[32];
        x[0] = 127f; // d = 1 exactly, so each value is its own quotient
        x[1] = -86.5f;
        x[2] = 86.5f;
        x[3] = -0.5f;
        x[4] = 0.49999997f;
        byte[] q = Quantization.quantize(GgmlType.Q8_0, x);
        assertThat(new byte[] {q[3], q[4], q[5], q[6]}).containsExactly(-87, 87, -1, 0);
    }

    @Test
    void q4_0UsesTheSignedMaximumAndPacksLowThenHighHalves() {
        float[] x = new float[32];
        x[0] = -8; // the value of largest magnitude: d = -8 / -8 = 1
        x[16] = 7;
        x[1] = 3;
        byte[] q = Quantization.quantize(GgmlType.Q4_0, x);
        assertThat(q).hasSize(18);
        assertThat(Float.float16ToFloat((short) ((q[0] & 0xff) | (q[1] << 8)))).isEqualTo(1f);
        assertThat(q[2] & 0x0f).isEqualTo(0); // -8 → 0
        assertThat((q[2] >> 4) & 0x0f).isEqualTo(15); // 7 → 15, in the high nibble of byte 0
        assertThat(q[3] & 0x0f).isEqualTo(11); // 3 → 11
        float[] back = Quantization.dequantize(GgmlType.Q4_0, MemorySegment.ofArray(q), 32);
        assertThat(back[0]).isEqualTo(-8f);
        assertThat(back[16]).isEqualTo(7f);
        assertThat(back[1]).isEqualTo(3f);
        assertThat(back[5]).isEqualTo(0f);
    }

    @Test
    void bf16RoundsToNearestEven() {
        assertThat(Quantization.floatToBf16(1f)).isEqualTo((short) 0x3f80);
        // 1 + 2^-8 lies exactly between two bf16 values: ties go to the even one (1.0)
        assertThat(Quantization.floatToBf16(1f + 0x1p-8f)).isEqualTo((short) 0x3f80);
        assertThat(Quantization.floatToBf16(1f + 0x1p-8f + 0x1p-20f)).isEqualTo((short) 0x3f81);
        assertThat(Float.isNaN(Float.intBitsToFloat(Quantization.floatToBf16(Float.NaN) << 16))).isTrue();
    }

    @Test
    void partialBlocksAreRefused() {
        assertThatThrownBy(() -> Quantization.quantize(GgmlType.Q8_0, new float[31]))
                .hasMessageContaining("not whole Q8_0 blocks");
    }
}
