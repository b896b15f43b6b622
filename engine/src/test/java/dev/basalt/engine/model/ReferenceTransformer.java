package dev.basalt.engine.model;

import dev.basalt.engine.gguf.GgufFile;
import dev.basalt.engine.gguf.GgufTensor;
import dev.basalt.engine.tensor.Quantization;

/**
 * The naive forward pass: every weight dequantized to F32 up front, plain loops, double accumulation, no
 * KV cache (the whole sequence is recomputed for each call) and none of llama.cpp's F16 roundings. The
 * oracle that {@link Session} is compared with.
 */
final class ReferenceTransformer {
    private final GgufFile gguf;
    private final ModelConfig c;

    ReferenceTransformer(GgufFile gguf) {
        this.gguf = gguf;
        this.c = Transformer.load(gguf).config();
    }

    /** Logits after the last of {@code tokens}. */
    float[] logits(int[] tokens) {
        int n = tokens.length;
        int hd = c.headDim();
        float[][] x = new float[n][];
        float[] embd = weights("token_embd.weight");
        for (int t = 0; t < n; t++) {
            x[t] = java.util.Arrays.copyOfRange(embd, tokens[t] * c.dim(), (tokens[t] + 1) * c.dim());
        }
        for (int l = 0; l < c.layers(); l++) {
            String p = "blk." + l + ".";
            float[][] q = new float[n][];
            float[][] k = new float[n][];
            float[][] v = new float[n][];
            for (int t = 0; t < n; t++) {
                float[] h = norm(x[t], weights(p + "attn_norm.weight"));
                q[t] = matvec(p + "attn_q.weight", h);
                k[t] = matvec(p + "attn_k.weight", h);
                v[t] = matvec(p + "attn_v.weight", h);
                if (c.architecture().qkvBias) {
                    add(q[t], weights(p + "attn_q.bias"));
                    add(k[t], weights(p + "attn_k.bias"));
                    add(v[t], weights(p + "attn_v.bias"));
                }
                for (int head = 0; head < c.heads(); head++) {
                    if (c.architecture().qkNorm) {
                        normSlice(q[t], head * hd, weights(p + "attn_q_norm.weight"));
                    }
                    rotate(q[t], head * hd, t);
                }
                for (int head = 0; head < c.kvHeads(); head++) {
                    if (c.architecture().qkNorm) {
                        normSlice(k[t], head * hd, weights(p + "attn_k_norm.weight"));
                    }
                    rotate(k[t], head * hd, t);
                }
            }
            for (int t = 0; t < n; t++) {
                float[] out = new float[c.qDim()];
                for (int head = 0; head < c.heads(); head++) {
                    int kvh = head / (c.heads() / c.kvHeads());
                    double[] att = new double[t + 1];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int s = 0; s <= t; s++) {
                        double dot = 0;
                        for (int i = 0; i < hd; i++) {
                            dot += (double) q[t][head * hd + i] * k[s][kvh * hd + i];
                        }
                        att[s] = dot / Math.sqrt(hd);
                        max = Math.max(max, att[s]);
                    }
                    double sum = 0;
                    for (int s = 0; s <= t; s++) {
                        att[s] = Math.exp(att[s] - max);
                        sum += att[s];
                    }
                    for (int s = 0; s <= t; s++) {
                        for (int i = 0; i < hd; i++) {
                            out[head * hd + i] += (float) (att[s] / sum * v[s][kvh * hd + i]);
                        }
                    }
                }
                add(x[t], matvec(p + "attn_output.weight", out));
                float[] h = norm(x[t], weights(p + "ffn_norm.weight"));
                float[] gate = matvec(p + "ffn_gate.weight", h);
                float[] up = matvec(p + "ffn_up.weight", h);
                for (int i = 0; i < gate.length; i++) {
                    gate[i] = (float) (gate[i] / (1 + Math.exp(-gate[i])) * up[i]);
                }
                add(x[t], matvec(p + "ffn_down.weight", gate));
            }
        }
        String output = gguf.tensors().containsKey("output.weight") ? "output.weight" : "token_embd.weight";
        return matvec(output, norm(x[n - 1], weights("output_norm.weight")));
    }

    private float[] weights(String name) {
        GgufTensor t = gguf.tensor(name);
        return Quantization.dequantize(t.type(), t.data(), Math.toIntExact(t.elementCount()));
    }

    private float[] matvec(String name, float[] in) {
        float[] w = weights(name);
        float[] out = new float[w.length / in.length];
        for (int r = 0; r < out.length; r++) {
            double s = 0;
            for (int i = 0; i < in.length; i++) {
                s += (double) w[r * in.length + i] * in[i];
            }
            out[r] = (float) s;
        }
        return out;
    }

    private float[] norm(float[] in, float[] weight) {
        float[] out = in.clone();
        normSlice(out, 0, weight);
        return out;
    }

    private void normSlice(float[] v, int offset, float[] weight) {
        double ss = 0;
        for (int i = 0; i < weight.length; i++) {
            ss += (double) v[offset + i] * v[offset + i];
        }
        double scale = 1 / Math.sqrt(ss / weight.length + c.rmsEps());
        for (int i = 0; i < weight.length; i++) {
            v[offset + i] = (float) (v[offset + i] * scale * weight[i]);
        }
    }

    private void rotate(float[] v, int offset, int pos) {
        int half = c.ropeDim() / 2;
        for (int i = 0; i < half; i++) {
            double theta = pos * Math.pow(c.ropeBase(), -2.0 * i / c.ropeDim());
            int i0 = offset + (c.architecture().neoxRope ? i : 2 * i);
            int i1 = c.architecture().neoxRope ? i0 + half : i0 + 1;
            double a = v[i0];
            double b = v[i1];
            v[i0] = (float) (a * Math.cos(theta) - b * Math.sin(theta));
            v[i1] = (float) (a * Math.sin(theta) + b * Math.cos(theta));
        }
    }

    private static void add(float[] a, float[] b) {
        for (int i = 0; i < a.length; i++) {
            a[i] += b[i];
        }
    }
}
