package dev.basalt.platform.embeddings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class VectorMathTest {

    @Test
    void normalizeScalesToUnitLengthInPlace() {
        float[] v = {3, 4};
        assertThat(VectorMath.normalize(v)).isSameAs(v).containsExactly(0.6f, 0.8f);
    }

    @Test
    void zeroVectorStaysZero() {
        assertThat(VectorMath.normalize(new float[3])).containsExactly(0f, 0f, 0f);
    }

    @Test
    void cosineOfParallelOrthogonalAndOpposite() {
        assertThat(VectorMath.cosine(new float[] {1, 2}, new float[] {2, 4})).isCloseTo(1.0, within(1e-12));
        assertThat(VectorMath.cosine(new float[] {1, 0}, new float[] {0, 5})).isCloseTo(0.0, within(1e-12));
        assertThat(VectorMath.cosine(new float[] {1, 1}, new float[] {-2, -2})).isCloseTo(-1.0, within(1e-12));
    }

    @Test
    void differentLengthsAreRejected() {
        assertThatThrownBy(() -> VectorMath.dot(new float[2], new float[3]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("2 and 3");
    }

    @Test
    void truncateKeepsTheFirstValuesAtUnitLength() {
        float[] unit = VectorMath.normalize(new float[] {3, 4, 12});
        float[] two = VectorMath.truncate(unit, 2);
        assertThat(two).containsExactly(new float[] {0.6f, 0.8f}, org.assertj.core.data.Offset.offset(1e-6f));
        assertThat(VectorMath.truncate(unit, 3)).isSameAs(unit);
    }
}
