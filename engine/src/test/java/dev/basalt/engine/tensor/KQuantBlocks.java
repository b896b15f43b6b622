package dev.basalt.engine.tensor;

import java.util.Random;

/**
 * Builds K-quant blocks from chosen integer parts, packing them by ggml's block layouts written out
 * independently of the decoder, so tests can check both the decoder and the kernels against the values
 * the blocks were built from.
 */
final class KQuantBlocks {
    private KQuantBlocks() {}

    /** Sub-block scales/mins (6-bit) packed into 12 bytes as ggml's get_scale_min_k4 reads them. */
    static byte[] packScalesMins(int[] scales, int[] mins) {
        byte[] q = new byte[12];
        for (int j = 0; j < 8; j++) {
            if (j < 4) {
                q[j] |= (byte) (scales[j] & 63);
                q[j + 4] |= (byte) (mins[j] & 63);
            } else {
                q[j + 4] |= (byte) ((scales[j] & 15) | (mins[j] & 15) << 4);
                q[j - 4] |= (byte) ((scales[j] >> 4) << 6);
                q[j] |= (byte) ((mins[j] >> 4) << 6);
            }
        }
        return q;
    }

    /** A Q4_K block (144 bytes) and its 256 expected values. */
    static Block q4k(Random random) {
        return k4or5(random, false);
    }

    /** A Q5_K block (176 bytes): Q4_K's nibbles plus a fifth bit per value in qh. */
    static Block q5k(Random random) {
        return k4or5(random, true);
    }

    private static Block k4or5(Random random, boolean fifthBit) {
        byte[] b = new byte[fifthBit ? 176 : 144];
        int qs = fifthBit ? 48 : 16;
        short d = Float.floatToFloat16(0.001f + random.nextFloat() * 0.01f);
        short dmin = Float.floatToFloat16(random.nextFloat() * 0.01f);
        putShort(b, 0, d);
        putShort(b, 2, dmin);
        int[] sc = randomInts(random, 8, 64);
        int[] mn = randomInts(random, 8, 64);
        System.arraycopy(packScalesMins(sc, mn), 0, b, 4, 12);
        int[] q = randomInts(random, 256, fifthBit ? 32 : 16);
        float[] expected = new float[256];
        for (int i = 0; i < 256; i++) {
            int sub = i / 32; // sub-block 0..7; with Q5_K its fifth bits live in bit `sub` of qh[l]
            int l = i % 32;
            int chunk = i / 64;
            boolean high = (i % 64) >= 32;
            b[qs + 32 * chunk + l] |= (byte) (high ? (q[i] & 15) << 4 : q[i] & 15);
            if (fifthBit) {
                b[16 + l] |= (byte) ((q[i] >> 4) << sub);
            }
            expected[i] = Float.float16ToFloat(d) * sc[sub] * q[i] - Float.float16ToFloat(dmin) * mn[sub];
        }
        return new Block(b, expected);
    }

    /** A Q6_K block (210 bytes): 6-bit values (minus 32) with a signed scale per 16 values. */
    static Block q6k(Random random) {
        byte[] b = new byte[210];
        short d = Float.floatToFloat16(0.001f + random.nextFloat() * 0.01f);
        putShort(b, 208, d);
        int[] sc = new int[16];
        for (int i = 0; i < 16; i++) {
            sc[i] = random.nextInt(256) - 128;
            b[192 + i] = (byte) sc[i];
        }
        int[] q = randomInts(random, 256, 64);
        float[] expected = new float[256];
        for (int i = 0; i < 256; i++) {
            int half = i / 128;
            int j = i % 128; // within the half: 4 groups of 32 (ql low, ql+32 low, ql high, ql+32 high)
            int group = j / 32;
            int l = j % 32;
            int qlIndex = 64 * half + l + (group % 2 == 1 ? 32 : 0);
            b[qlIndex] |= (byte) (group >= 2 ? (q[i] & 15) << 4 : q[i] & 15);
            b[128 + 32 * half + l] |= (byte) ((q[i] >> 4) << (2 * group));
            int scale = sc[8 * half + l / 16 + 2 * group];
            expected[i] = Float.float16ToFloat(d) * scale * (q[i] - 32);
        }
        return new Block(b, expected);
    }

    record Block(byte[] bytes, float[] values) {}

    private static int[] randomInts(Random random, int n, int bound) {
        int[] v = new int[n];
        for (int i = 0; i < n; i++) {
            v[i] = random.nextInt(bound);
        }
        return v;
    }

    private static void putShort(byte[] b, int offset, short v) {
        b[offset] = (byte) v;
        b[offset + 1] = (byte) (v >> 8);
    }
}
