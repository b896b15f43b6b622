package dev.basalt.platform.convert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Llama 3.2-1B's rope_scaling (factor 32, theta 500000, head 64) against values worked out by hand in double. */
class Llama3RopeTest {
    @Test
    void keepsHighFrequenciesDividesLowOnesAndInterpolatesBetween() {
        float[] d = new Llama3Rope(32, 1, 4, 8192).frequencyDivisors(500000, 64);
        assertThat(d).hasSize(32);
        // Pair i has wavelength 2π·500000^(i/32): under 2048 up to i = 14, over 8192 from i = 18.
        assertThat(d[0]).isEqualTo(1f);
        assertThat(d[14]).isEqualTo(1f);
        assertThat(d[15]).isCloseTo(1.6513292f, within(2e-6f));
        assertThat(d[16]).isCloseTo(3.2922621f, within(4e-6f));
        assertThat(d[17]).isCloseTo(9.6667290f, within(1e-5f));
        assertThat(d[18]).isEqualTo(32f);
        assertThat(d[31]).isEqualTo(32f);
    }

    @Test
    void rejectsInconsistentFactors() {
        assertThatThrownBy(() -> new Llama3Rope(8, 4, 4, 8192)).isInstanceOf(ModelConversionException.class)
                .hasMessageContaining("0 < low_freq_factor < high_freq_factor");
    }
}
