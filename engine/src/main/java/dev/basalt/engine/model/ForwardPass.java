package dev.basalt.engine.model;

import dev.basalt.engine.parallel.WorkerPool;
import dev.basalt.engine.tensor.Activation;
import dev.basalt.engine.tensor.Kernels;
import dev.basalt.engine.tensor.MatMul;
import java.util.Arrays;

/**
 * The forward pass over a batch of rows, each a token at a position of some sequence ({@link KvCache}):
 * prompt chunks of one sequence and single decode tokens of many sequences go through the same pass, so one
 * read of the weights serves every row (continuous batching). Holds every buffer the pass needs, allocated
 * once for {@link #maxRows()} rows, so decoding allocates nothing.
 *
 * <p>Numerics follow llama.cpp so greedy decoding reproduces it: the KV cache holds F16-rounded values
 * (llama.cpp's default cache type), and the query and attention weights are rounded to F16 before they meet
 * it, as ggml's F16 matrix product does; RMS norms square in float and sum in double; rotary angles are built
 * by repeated float multiplication. Not thread-safe: one pass at a time.
 */
public final class ForwardPass {
    private final Transformer model;
    private final ModelConfig c;
    private final WorkerPool pool;
    private final MatMul matmul;
    private final int maxRows;

    // The current batch.
    private int rows;
    private final int[] positions;
    private final KvCache[] caches;
    private final int[] logitRows;

    // Per-row buffers.
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
    private final Activation[] finalNormed;
    private final float[][] logits;
    private final Attention attention = new Attention();
    private int attentionLayer;

    /**
     * Buffers for batches of up to {@code maxRows} rows, over sequences of up to {@code maxContext} positions,
     * with logits for up to {@code maxLogitRows} rows per pass.
     */
    public ForwardPass(Transformer model, WorkerPool pool, int maxRows, int maxLogitRows, int maxContext) {
        this.model = model;
        this.c = model.config();
        this.pool = pool;
        if (maxRows < 1 || maxLogitRows < 1 || maxLogitRows > maxRows) {
            throw new IllegalArgumentException("need 1 <= logit rows (" + maxLogitRows + ") <= rows (" + maxRows + ")");
        }
        if (maxContext < 1 || maxContext > c.contextLength()) {
            throw new IllegalArgumentException("context " + maxContext + " must be between 1 and the model's " + c.contextLength());
        }
        this.maxRows = maxRows;
        this.matmul = new MatMul(pool);
        positions = new int[maxRows];
        caches = new KvCache[maxRows];
        logitRows = new int[maxLogitRows];
        x = new float[maxRows][c.dim()];
        normed = activations(maxRows, c.dim());
        q = new float[maxRows][c.qDim()];
        k = new float[maxRows][c.kvDim()];
        v = new float[maxRows][c.kvDim()];
        attended = activations(maxRows, c.qDim());
        residualDelta = new float[maxRows][c.dim()];
        gate = new float[maxRows][c.ffnDim()];
        up = new float[maxRows][c.ffnDim()];
        hidden = activations(maxRows, c.ffnDim());
        ropeCos = new float[maxRows][c.ropeDim() / 2];
        ropeSin = new float[maxRows][c.ropeDim() / 2];
        scores = new float[c.heads()][maxContext];
        finalNormed = activations(maxLogitRows, c.dim());
        logits = new float[maxLogitRows][c.vocabSize()];
    }

    private static Activation[] activations(int n, int size) {
        Activation[] a = new Activation[n];
        for (int i = 0; i < n; i++) {
            a[i] = new Activation(size);
        }
        return a;
    }

    public int maxRows() {
        return maxRows;
    }

    public int maxLogitRows() {
        return logitRows.length;
    }

    public int maxContext() {
        return scores[0].length;
    }

    public ModelConfig config() {
        return c;
    }

    /**
     * Runs a batch: row {@code i} feeds {@code tokens[i]} to {@code caches[i]} at its next position (rows of the
     * same sequence in order); each cache must have room reserved ({@link KvCache#reserve}). Returns logits for
     * the rows listed in {@code logitsFor} (in that order), in arrays reused by the next pass.
     */
    public float[][] forward(int[] tokens, KvCache[] rowCaches, int count, int[] logitsFor, int logitCount) {
        if (count < 1 || count > maxRows) {
            throw new IllegalArgumentException("batch of " + count + " rows; must be 1.." + maxRows);
        }
        if (logitCount < 0 || logitCount > logitRows.length) {
            throw new IllegalArgumentException("logits for " + logitCount + " rows; at most " + logitRows.length);
        }
        for (int t = 0; t < count; t++) {
            int token = tokens[t];
            if (token < 0 || token >= c.vocabSize()) {
                throw new IllegalArgumentException("token id " + token + " outside the vocabulary of " + c.vocabSize());
            }
        }
        for (int i = 0; i < logitCount; i++) {
            if (logitsFor[i] < 0 || logitsFor[i] >= count) {
                throw new IllegalArgumentException("logits asked for row " + logitsFor[i] + " of " + count);
            }
        }
        for (int t = 0; t < count; t++) {
            KvCache cache = rowCaches[t];
            boolean continues = t > 0 && rowCaches[t - 1] == cache;
            if (!continues) {
                for (int u = 0; u < t; u++) {
                    if (rowCaches[u] == cache) {
                        throw new IllegalArgumentException("rows of one sequence must be contiguous in a batch (row " + t + ")");
                    }
                }
            }
            int position = continues ? positions[t - 1] + 1 : cache.length();
            if (position >= maxContext()) {
                throw new IllegalArgumentException("context full: position " + position + " is beyond " + maxContext());
            }
            if (position >= cache.capacity()) {
                throw new IllegalStateException("KV cache space was not reserved for position " + position);
            }
            positions[t] = position;
            caches[t] = cache;
        }
        rows = count;
        for (int t = 0; t < count; t++) {
            model.embedding.dequantizeRow(tokens[t], x[t]);
            ropeAngles(positions[t], ropeCos[t], ropeSin[t]);
        }
        for (int l = 0; l < c.layers(); l++) {
            layer(l, model.layers[l]);
        }
        for (int t = 0; t < count; t++) {
            if (t == count - 1 || caches[t + 1] != caches[t]) { // last row of a sequence's run
                caches[t].advance(positions[t] + 1 - caches[t].length());
            }
        }
        for (int i = 0; i < logitCount; i++) {
            rmsNorm(x[logitsFor[i]], model.outputNorm, finalNormed[i].values());
            finalNormed[i].changed();
        }
        if (logitCount > 0) {
            matmul.apply(model.output, finalNormed, logits, logitCount);
        }
        Arrays.fill(caches, 0, count, null);
        return logits;
    }

    private void layer(int l, Transformer.Layer w) {
        int n = rows;
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
            float[] keys = caches[t].keys(positions[t]);
            float[] values = caches[t].values(positions[t]);
            int base = caches[t].offset(l, positions[t]);
            for (int i = 0; i < kvDim; i++) {
                keys[base + i] = toF16(k[t][i]);
                values[base + i] = toF16(v[t][i]);
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

    /** Causal attention of every row over its own sequence; work items are query heads. */
    private final class Attention implements WorkerPool.RangeTask {
        @Override
        public void run(int from, int to) {
            int hd = c.headDim();
            int group = c.heads() / c.kvHeads();
            float scale = (float) (1.0 / Math.sqrt(hd));
            int l = attentionLayer;
            for (int h = from; h < to; h++) {
                float[] att = scores[h];
                int kvHeadOffset = (h / group) * hd;
                for (int t = 0; t < rows; t++) {
                    KvCache cache = caches[t];
                    int last = positions[t];
                    float[] qt = q[t];
                    float max = Float.NEGATIVE_INFINITY;
                    for (int p = 0; p <= last; p++) {
                        float s = Kernels.dot(qt, h * hd, cache.keys(p), cache.offset(l, p) + kvHeadOffset, hd) * scale;
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
                    Arrays.fill(out, h * hd, h * hd + hd, 0f);
                    for (int p = 0; p <= last; p++) {
                        Kernels.axpy(toF16(att[p] * inv), cache.values(p), cache.offset(l, p) + kvHeadOffset, out, h * hd, hd);
                    }
                }
            }
        }
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
