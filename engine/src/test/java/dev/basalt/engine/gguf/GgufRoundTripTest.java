package dev.basalt.engine.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.basalt.engine.tensor.Quantization;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GgufRoundTripTest {
    @TempDir
    Path dir;

    static float[] randomFloats(Random r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) r.nextGaussian();
        }
        return x;
    }

    /** A file with every metadata type and one tensor per writable format. */
    static GgufWriter sample(float[] values) {
        GgufWriter w = new GgufWriter()
                .putString("general.architecture", "llama")
                .put(GgufFile.ALIGNMENT_KEY, GgufValueType.UINT32, 64L)
                .put("t.u8", GgufValueType.UINT8, 255)
                .put("t.i8", GgufValueType.INT8, -128)
                .put("t.u16", GgufValueType.UINT16, 65_535)
                .put("t.i16", GgufValueType.INT16, -32_768)
                .putUInt32("t.u32", 4_294_967_295L)
                .put("t.i32", GgufValueType.INT32, -7)
                .putFloat32("t.f32", 1.5f)
                .putBool("t.bool", true)
                .putString("t.utf8", "héllo ▁wörld 🙂")
                .put("t.u64", GgufValueType.UINT64, -1L)
                .put("t.i64", GgufValueType.INT64, Long.MIN_VALUE)
                .put("t.f64", GgufValueType.FLOAT64, Math.PI)
                .putArray("t.tokens", new GgufArray(GgufValueType.STRING, new String[] {"<s>", "</s>", "▁a", ""}))
                .putArray("t.scores", new GgufArray(GgufValueType.FLOAT32, new float[] {0f, -1.5f, 3e9f}))
                .putArray("t.types", new GgufArray(GgufValueType.INT32, new int[] {1, 3, 6}))
                .putArray("t.flags", new GgufArray(GgufValueType.BOOL, new boolean[] {true, false}))
                .putArray("t.nested", new GgufArray(GgufValueType.ARRAY, new GgufArray[] {
                        new GgufArray(GgufValueType.UINT8, new int[] {1, 2}),
                        new GgufArray(GgufValueType.INT64, new long[] {-3})}));
        for (GgmlType type : new GgmlType[] {GgmlType.F32, GgmlType.F16, GgmlType.BF16, GgmlType.Q8_0, GgmlType.Q4_0}) {
            w.tensor("w." + type, type, new long[] {64, values.length / 64},
                    () -> MemorySegment.ofArray(Quantization.quantize(type, values)));
        }
        return w;
    }

    @Test
    void everyMetadataTypeAndTensorFormatRoundTrips() throws Exception {
        float[] values = randomFloats(new Random(1), 64 * 3);
        Path file = dir.resolve("sample.gguf");
        sample(values).write(file);

        try (GgufFile gguf = GgufFile.open(file)) {
            assertThat(gguf.version()).isEqualTo(3);
            assertThat(gguf.alignment()).isEqualTo(64);
            assertThat(gguf.dataOffset() % 64).isZero();
            assertThat(gguf.getString("general.architecture")).isEqualTo("llama");
            assertThat(gguf.metadata().get("t.u8")).isEqualTo(255);
            assertThat(gguf.metadata().get("t.i8")).isEqualTo(-128);
            assertThat(gguf.metadata().get("t.u16")).isEqualTo(65_535);
            assertThat(gguf.metadata().get("t.i16")).isEqualTo(-32_768);
            assertThat(gguf.metadata().get("t.u32")).isEqualTo(4_294_967_295L);
            assertThat(gguf.getInt("t.i32")).isEqualTo(-7);
            assertThat(gguf.getFloat("t.f32")).isEqualTo(1.5f);
            assertThat(gguf.getBoolean("t.bool", false)).isTrue();
            assertThat(gguf.getString("t.utf8")).isEqualTo("héllo ▁wörld 🙂");
            assertThat(gguf.metadata().get("t.u64")).isEqualTo(-1L);
            assertThat(gguf.metadata().get("t.i64")).isEqualTo(Long.MIN_VALUE);
            assertThat(gguf.metadata().get("t.f64")).isEqualTo(Math.PI);
            assertThat(gguf.typeOf("t.u16")).isEqualTo(GgufValueType.UINT16);
            assertThat((String[]) gguf.getArray("t.tokens").values()).containsExactly("<s>", "</s>", "▁a", "");
            assertThat((float[]) gguf.getArray("t.scores").values()).containsExactly(0f, -1.5f, 3e9f);
            assertThat((int[]) gguf.getArray("t.types").values()).containsExactly(1, 3, 6);
            assertThat((boolean[]) gguf.getArray("t.flags").values()).containsExactly(true, false);
            GgufArray[] nested = (GgufArray[]) gguf.getArray("t.nested").values();
            assertThat((int[]) nested[0].values()).containsExactly(1, 2);
            assertThat((long[]) nested[1].values()).containsExactly(-3L);

            assertThat(gguf.tensors().keySet()).containsExactly("w.F32", "w.F16", "w.BF16", "w.Q8_0", "w.Q4_0");
            for (GgufTensor t : gguf.tensors().values()) {
                assertThat(t.dims()).containsExactly(64, 3);
                assertThat(t.data().address() % 64).as("aligned in the mapping").isZero();
                float[] back = Quantization.dequantize(t.type(), t.data(), values.length);
                for (int i = 0; i < values.length; i++) {
                    float amax = blockAbsMax(values, i / 32 * 32);
                    float tolerance = switch (t.type()) {
                        case F32 -> 0f;
                        case F16 -> Math.abs(values[i]) * 0x1p-11f + 1e-7f; // 11-bit significand
                        case BF16 -> Math.abs(values[i]) * 0x1p-8f; // 8-bit significand
                        case Q8_0 -> amax / 127f * 0.5f * 1.01f + 1e-6f; // half a step (+ F16 scale rounding)
                        default -> amax / 8f * 1.01f + 1e-6f; // Q4_0: at most one step of d = amax/8 (clamp at 15)
                    };
                    assertThat(back[i]).as("%s[%d]", t.type(), i).isCloseTo(values[i], within(tolerance));
                }
            }
        }
    }

    private static float blockAbsMax(float[] x, int start) {
        float m = 0;
        for (int j = start; j < start + 32; j++) {
            m = Math.max(m, Math.abs(x[j]));
        }
        return m;
    }
}
