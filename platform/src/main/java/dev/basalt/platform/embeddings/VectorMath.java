package dev.basalt.platform.embeddings;

import java.util.Arrays;

/** Small vector operations on embeddings. */
public final class VectorMath {

    private VectorMath() {}

    /** Scales {@code vector} in place to unit L2 length (a zero vector stays zero) and returns it. */
    public static float[] normalize(float[] vector) {
        double norm = Math.sqrt(dot(vector, vector));
        if (norm > 0) {
            for (int i = 0; i < vector.length; i++) {
                vector[i] = (float) (vector[i] / norm);
            }
        }
        return vector;
    }

    /**
     * The first {@code dimensions} values of {@code vector}, normalised again (a copy); the vector itself when it is
     * no longer. Both built-in models are trained with plain L2-normalised output, so this is a truncation that keeps
     * most of the similarity structure, not a Matryoshka embedding.
     */
    public static float[] truncate(float[] vector, int dimensions) {
        return dimensions < vector.length ? normalize(Arrays.copyOf(vector, dimensions)) : vector;
    }

    /** Dot product, summed in double. */
    public static double dot(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("vectors of different lengths: " + a.length + " and " + b.length);
        }
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += (double) a[i] * b[i];
        }
        return sum;
    }

    /** Cosine similarity of two non-zero vectors. */
    public static double cosine(float[] a, float[] b) {
        return dot(a, b) / Math.sqrt(dot(a, a) * dot(b, b));
    }
}
