package dev.basalt.engine.model;

import dev.basalt.engine.parallel.WorkerPool;
import dev.basalt.engine.tensor.Activation;
import dev.basalt.engine.tensor.MatMul;

/**
 * One sequence being processed by a {@link Transformer}: its key/value cache and every buffer the forward
 * pass needs, allocated once so that decoding allocates nothing. Feed tokens with {@link #forward}; prompt
 * tokens go in chunks of up to {@link #maxChunk()} (each weight matrix is read once per chunk).
 *
 * <p>Numerics follow llama.cpp so greedy decoding reproduces it: the KV cache holds F16 values (llama.cpp's
 * default cache type), and the query and attention weights are rounded to F16 before they meet it, as
 * ggml's F16 matrix product does; RMS norms sum squares in double; rotary angles are built by repeated
 * float multiplication. Not thread-safe: one forward pass at a time.
 */
public final class Session {
    private final Transformer model;
    private final ModelConfig c;
    private final WorkerPool pool;
    private final MatMul matmul;
    private final int maxContext;
    private final int maxChunk;
    private int position;

    // KV cache per layer: [position][kvHeads * headDim], values rounded to F16 precision.
    private final float[][] keyCache;
    private final float[][] valueCache;

    // Per-token buffers of the current chunk.
    private final float[][] x;
    private final Activation[] normed;
    private final float[][] q;
    private final float[][] k;
    private final float[][] v;
    private final Activation[] attended;
    private final float[][] residualDelta;
    private final float[][] gate;
    private final float[][] up;
    private final Activation[] hidden;
    private final float[][] ropeCos;
    private final float[][] ropeSin;
    private final float[][] scores; // per query head: attention weights over positions
    private final float[][] logits;
    private final Attention attention = new Attention();
    private int chunkStart;
    private int chunkSize;
    private int attentionLayer;

    public Session(Transformer model, WorkerPool pool, int maxContext, int maxChunk) {
        this.model = model;
        this.c = model.config();
        this.pool = pool;
        if (maxContext < 1 || maxContext > c.contextLength()) {
            throw new IllegalArgumentException("context " + maxContext + " must be between 1 and the model's " + c.contextLength());
        }
        if (maxChunk < 1) {
            throw new IllegalArgumentException("chunk size must be positive");
        }
        this.maxContext = maxContext;
        this.maxChunk = maxChunk;
        this.matmul = new MatMul(pool);
        keyCache = new float[c.layers()][maxContext * c.kvDim()];
        valueCache = new float[c.layers()][maxContext * c.kvDim()];
        x = new float[maxChunk][c.dim()];
        normed = activations(maxChunk, c.dim());
        q = new float[maxChunk][c.qDim()];
        k = new float[maxChunk][c.kvDim()];
        v = new float[maxChunk][c.kvDim()];
        attended = activations(maxChunk, c.qDim());
        residualDelta = new float[maxChunk][c.dim()];
        gate = new float[maxChunk][c.ffnDim()];
        up = new float[maxChunk][c.ffnDim()];
        hidden = activations(maxChunk, c.ffnDim());
        ropeCos = new float[maxChunk][c.ropeDim() / 2];
        ropeSin = new float[maxChunk][c.ropeDim() / 2];
        scores = new float[c.heads()][maxContext];
        logits = new float[1][c.vocabSize()];
    }

    private static Activation[] activations(int n, int size) {
        Activation[] a = new Activation[n];
        for (int i = 0; i < n; i++) {
            a[i] = new Activation(size);
        }
        return a;
    }

    public int position() {
        return position;
    }

    public int maxContext() {
        return maxContext;
    }

    public int maxChunk() {
        return maxChunk;
    }

    /** Forgets everything after the first {@code newPosition} tokens (prefix reuse, or a restart at 0). */
    public void truncate(int newPosition) {
        if (newPosition < 0 || newPosition > position) {
            throw new IllegalArgumentException("cannot truncate to " + newPosition + " from " + position);
        }
        position = newPosition;
    }

    /**
     * Runs {@code count} tokens from {@code tokens[offset..]} at the next positions and returns the logits
     * after the last one (the returned array is reused by the next call).
     */
    public float[] forward(int[] tokens, int offset, int count) {
        if (count < 1 || count > maxChunk) {
            throw new IllegalArgumentException("chunk of " + count + " tokens; must be 1.." + maxChunk);
        }
        if (position + count > maxContext) {
            throw new IllegalArgumentException("context full: " + position + " + " + count + " tokens exceed " + maxContext);
        }
        chunkStart = position;
        chunkSize = count;
        for (int t = 0; t < count; t++) {
            int token = tokens[offset + t];
            if (token < 0 || token >= c.vocabSize()) {
                throw new IllegalArgumentException("token id " + token + " outside the vocabulary of " + c.vocabSize());
            }
            model.embedding.dequantizeRow(token, x[t]);
            ropeAngles(position + t, ropeCos[t], ropeSin[t]);
        }
        for (int l = 0; l < c.layers(); l++) {
            layer(l, model.layers[l]);
        }
        rmsNorm(x[count - 1], model.outputNorm, normed[0].values());
        normed[0].changed();
        matmul.apply(model.output, normed, logits, 1);
        position += count;
        return logits[0];
    }

    private void layer(int l, Transformer.Layer w) {
        int n = chunkSize;
        for (int t = 0; t < n; t++) {
            rmsNorm(x[t], w.attnNorm(), normed[t].values());
            normed[t].changed();
        }
        matmul.apply(w.wq(), normed, q, n);
        matmul.apply(w.wk(), normed, k, n);
        matmul.apply(w.wv(), normed, v, n);
        int kvDim = c.kvDim();
        for (int t = 0; t < n; t++) {
            if (w.bq() != null) {
                addInPlace(q[t], w.bq());
                addInPlace(k[t], w.bk());
                addInPlace(v[t], w.bv());
            }
            for (int h = 0; h < c.heads(); h++) {
                if (w.qNorm() != null) {
                    rmsNormInPlace(q[t], h * c.headDim(), c.headDim(), w.qNorm());
                }
                rope(q[t], h * c.headDim(), t);
            }
            for (int h = 0; h < c.kvHeads(); h++) {
                if (w.kNorm() != null) {
                    rmsNormInPlace(k[t], h * c.headDim(), c.headDim(), w.kNorm());
                }
                rope(k[t], h * c.headDim(), t);
            }
            int base = (chunkStart + t) * kvDim;
            for (int i = 0; i < kvDim; i++) {
                keyCache[l][base + i] = toF16(k[t][i]);
                valueCache[l][base + i] = toF16(v[t][i]);
            }
            for (int i = 0; i < c.qDim(); i++) {
                q[t][i] = toF16(q[t][i]);
            }
        }
        attentionLayer = l;
        pool.run(attention, c.heads(), 1);
        for (int t = 0; t < n; t++) {
            attended[t].changed();
        }
        matmul.apply(w.wo(), attended, residualDelta, n);
        for (int t = 0; t < n; t++) {
            addInPlace(x[t], residualDelta[t]);
            rmsNorm(x[t], w.ffnNorm(), normed[t].values());
            normed[t].changed();
        }
        matmul.apply(w.gate(), normed, gate, n);
        matmul.apply(w.up(), normed, up, n);
        for (int t = 0; t < n; t++) {
            float[] h = hidden[t].values();
            for (int i = 0; i < h.length; i++) {
                float g = gate[t][i];
                h[i] = g / (1f + (float) Math.exp(-g)) * up[t][i];
            }
            hidden[t].changed();
        }
        matmul.apply(w.down(), hidden, residualDelta, n);
        for (int t = 0; t < n; t++) {
            addInPlace(x[t], residualDelta[t]);
        }
    }

    /** Causal attention of every query head of the chunk; work items are query heads. */
    private final class Attention implements WorkerPool.RangeTask {
        @Override
        public void run(int from, int to) {
            int hd = c.headDim();
            int kvDim = c.kvDim();
            int group = c.heads() / c.kvHeads();
            float scale = (float) (1.0 / Math.sqrt(hd));
            float[] keys = keyCache[attentionLayer];
            float[] values = valueCache[attentionLayer];
            for (int h = from; h < to; h++) {
                float[] att = scores[h];
                int kvOffset = (h / group) * hd;
                for (int t = 0; t < chunkSize; t++) {
                    int last = chunkStart + t;
                    float[] qt = q[t];
                    float max = Float.NEGATIVE_INFINITY;
                    for (int p = 0; p <= last; p++) {
                        float s = dot(qt, h * hd, keys, p * kvDim + kvOffset, hd) * scale;
                        att[p] = s;
                        max = Math.max(max, s);
                    }
                    double sum = 0;
                    for (int p = 0; p <= last; p++) {
                        float e = (float) Math.exp(att[p] - max);
                        att[p] = e;
                        sum += e;
                    }
                    float inv = (float) (1.0 / sum);
                    float[] out = attended[t].values();
                    java.util.Arrays.fill(out, h * hd, h * hd + hd, 0f);
                    for (int p = 0; p <= last; p++) {
                        float a = toF16(att[p] * inv);
                        int vo = p * kvDim + kvOffset;
                        for (int i = 0; i < hd; i++) {
                            out[h * hd + i] += a * values[vo + i];
                        }
                    }
                }
            }
        }
    }

    private static float dot(float[] a, int ao, float[] b, int bo, int n) {
        float s = 0;
        for (int i = 0; i < n; i++) {
            s += a[ao + i] * b[bo + i];
        }
        return s;
    }

    /** cos/sin of every rotary pair at {@code pos}: theta_i = pos * base^(-2i/ropeDim) / freqFactor_i. */
    private void ropeAngles(int pos, float[] cos, float[] sin) {
        float thetaScale = (float) Math.pow(c.ropeBase(), -2.0 / c.ropeDim());
        float theta = pos;
        float[] factors = model.ropeFreqFactors;
        for (int i = 0; i < cos.length; i++) {
            float t = c.ropeScale() * (factors == null ? theta : theta / factors[i]);
            cos[i] = (float) Math.cos(t);
            sin[i] = (float) Math.sin(t);
            theta *= thetaScale;
        }
    }

    /** Rotates one head in place; pairs are (2i, 2i+1) for llama, (i, i + ropeDim/2) for NEOX-style models. */
    private void rope(float[] vec, int offset, int t) {
        float[] cos = ropeCos[t];
        float[] sin = ropeSin[t];
        boolean neox = c.architecture().neoxRope;
        int half = c.ropeDim() / 2;
        for (int i = 0; i < half; i++) {
            int i0 = offset + (neox ? i : 2 * i);
            int i1 = neox ? i0 + half : i0 + 1;
            float x0 = vec[i0];
            float x1 = vec[i1];
            vec[i0] = x0 * cos[i] - x1 * sin[i];
            vec[i1] = x0 * sin[i] + x1 * cos[i];
        }
    }

    private void rmsNorm(float[] in, float[] weight, float[] out) {
        float scale = rmsScale(in, 0, in.length);
        for (int i = 0; i < in.length; i++) {
            out[i] = in[i] * scale * weight[i];
        }
    }

    private void rmsNormInPlace(float[] vec, int offset, int n, float[] weight) {
        float scale = rmsScale(vec, offset, n);
        for (int i = 0; i < n; i++) {
            vec[offset + i] = vec[offset + i] * scale * weight[i];
        }
    }

    private float rmsScale(float[] vec, int offset, int n) {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            float v = vec[offset + i];
            sum += v * v; // squared in float, summed in double: ggml_compute_forward_rms_norm_f32
        }
        float mean = (float) (sum / n);
        return 1f / (float) Math.sqrt(mean + c.rmsEps());
    }

    private static void addInPlace(float[] a, float[] b) {
        for (int i = 0; i < a.length; i++) {
            a[i] += b[i];
        }
    }

    private static float toF16(float f) {
        return Float.float16ToFloat(Float.floatToFloat16(f));
    }
}
