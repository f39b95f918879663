package dev.panamax.conformance;

import dev.panamax.DType;
import dev.panamax.Device;
import dev.panamax.Ops;
import dev.panamax.Tensor;
import dev.panamax.reference.Blocks64;
import dev.panamax.testing.Check;
import dev.panamax.testing.Data;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Whole transformer blocks composed from the ops on the device under test, nothing computed on the
 * host between them, against the float64 reference of the whole block ({@link Blocks64}):
 * <ul>
 *   <li>a pre-norm Llama decoder layer, run as decoding runs it: one token at a time, q, k and v by
 *       GEMMs against the [out, in] weights, rotary embedding at the token's position, k and v
 *       appended to a KV cache ({@code writeCache}), attention over the cache's first t + 1 rows
 *       ({@code kvLengths}), the fused residual add and norm ({@code addRmsNorm}), a SwiGLU MLP;
 *       every step's output against the reference layer over tokens 0..t;</li>
 *   <li>a post-norm BERT encoder layer over a padded sequence: per-head projections written
 *       through views into the [1, H, T, D] layout attention takes, biases, attention over the real
 *       tokens only ({@code kvLengths}), the output projection accumulated head by head
 *       ({@code gemm} with beta 1), residual adds, {@code layerNorm}, an exact-erf {@code gelu} MLP.</li>
 * </ul>
 * The tolerance is that of a chain of roundings, each op rounding to the dtype once: measured on
 * cpu and opencl:0 (PoCL) on 2026-12-06, the relative error of a block was 1.6e-7 to 2.1e-7 in F32
 * and 2.8e-3 to 4.9e-3 in BF16; the tolerances leave 10x and 4x of that, and a wrong rotary theta
 * (500 for 10000, on k only) gives 1.5e-2 and 6.2e-2.
 */
abstract class BlockCases extends DeviceCases {
    static final List<DType> BLOCK_DTYPES = List.of(DType.F32, DType.BF16);

    private static double tolerance(DType dtype) {
        return dtype == DType.F32 ? 2e-6 : 2e-2;
    }

    private static float[] weights(Data data, int n, int fanIn) {
        return data.normal(n, 1 / Math.sqrt(fanIn));
    }

    private static float[] around(Data data, int n, double center, double spread) {
        float[] x = data.normal(n, spread);
        for (int i = 0; i < n; i++) {
            x[i] += (float) center;
        }
        return x;
    }

    @ParameterizedTest(name = "Llama decoder layer, decoding token by token with a KV cache, {0}")
    @FieldSource("BLOCK_DTYPES")
    void llamaDecoding(DType dtype) {
        Data data = Data.fresh();
        int hd = 64, hq = 4, hkv = 2, d = 16, f = 96, tokens = 9, capacity = 16;
        Blocks64.Llama w = new Blocks64.Llama(hd, hq, hkv, d, f, 1e-5, 10000,
                round(dtype, around(data, hd, 1, 0.1)), round(dtype, weights(data, hq * d * hd, hd)),
                round(dtype, weights(data, hkv * d * hd, hd)), round(dtype, weights(data, hkv * d * hd, hd)),
                round(dtype, weights(data, hd * hq * d, hq * d)), round(dtype, around(data, hd, 1, 0.1)),
                round(dtype, weights(data, f * hd, hd)), round(dtype, weights(data, f * hd, hd)),
                round(dtype, weights(data, hd * f, f)));
        float[] x = round(dtype, data.normal(tokens * hd, 1));
        double[] want = Blocks64.llama(w, x, tokens);
        Device dev = device();
        try (Tensor inputNorm = Data.tensor(dev, dtype, w.inputNorm(), hd);
             Tensor wq = Data.tensor(dev, dtype, w.wq(), hq * d, hd);
             Tensor wk = Data.tensor(dev, dtype, w.wk(), hkv * d, hd);
             Tensor wv = Data.tensor(dev, dtype, w.wv(), hkv * d, hd);
             Tensor wo = Data.tensor(dev, dtype, w.wo(), hd, hq * d);
             Tensor postNorm = Data.tensor(dev, dtype, w.postNorm(), hd);
             Tensor wGate = Data.tensor(dev, dtype, w.wGate(), f, hd);
             Tensor wUp = Data.tensor(dev, dtype, w.wUp(), f, hd);
             Tensor wDown = Data.tensor(dev, dtype, w.wDown(), hd, f);
             Tensor cacheK = dev.zeros(dtype, 1, hkv, capacity, d);
             Tensor cacheV = dev.zeros(dtype, 1, hkv, capacity, d);
             Tensor n = dev.zeros(dtype, 1, hd);
             Tensor q = dev.zeros(dtype, 1, hq * d);
             Tensor k = dev.zeros(dtype, 1, hkv * d);
             Tensor v = dev.zeros(dtype, 1, hkv * d);
             Tensor q4 = q.reshape(1, hq, 1, d);
             Tensor k4 = k.reshape(1, hkv, 1, d);
             Tensor v4 = v.reshape(1, hkv, 1, d);
             Tensor o = dev.zeros(dtype, 1, hq, 1, d);
             Tensor o2 = o.reshape(1, hq * d);
             Tensor attn = dev.zeros(dtype, 1, hd);
             Tensor gate = dev.zeros(dtype, 1, f);
             Tensor up = dev.zeros(dtype, 1, f);
             Tensor down = dev.zeros(dtype, 1, hd)) {
            for (int t = 0; t < tokens; t++) {
                float[] row = Arrays.copyOfRange(x, t * hd, (t + 1) * hd);
                try (Tensor residual = Data.tensor(dev, dtype, row, 1, hd);
                     Tensor position = dev.tensor(new int[] {t}, 1);
                     Tensor length = dev.tensor(new int[] {t + 1}, 1)) {
                    Ops.rmsNorm(residual, inputNorm, 1e-5f, n);
                    Ops.gemm(1, n, false, wq, true, 0, q);
                    Ops.gemm(1, n, false, wk, true, 0, k);
                    Ops.gemm(1, n, false, wv, true, 0, v);
                    Ops.rope(q4, position, 10000);
                    Ops.rope(k4, position, 10000);
                    Ops.writeCache(k4, cacheK, position);
                    Ops.writeCache(v4, cacheV, position);
                    Ops.attention(q4, cacheK, cacheV, true, (float) (1 / Math.sqrt(d)), length, o);
                    Ops.gemm(1, o2, false, wo, true, 0, attn);
                    Ops.addRmsNorm(attn, residual, postNorm, 1e-5f);   // residual = x + attn; attn = rms(that)
                    Ops.gemm(1, attn, false, wGate, true, 0, gate);
                    Ops.gemm(1, attn, false, wUp, true, 0, up);
                    Ops.swiglu(gate, up, gate);
                    Ops.gemm(1, gate, false, wDown, true, 0, down);
                    Ops.add(residual, down, residual);
                    Check.close("Llama layer " + dtype + ", token " + t, residual.toFloatArray(),
                            Arrays.copyOfRange(want, t * hd, (t + 1) * hd), tolerance(dtype), data);
                }
            }
        }
    }

    @ParameterizedTest(name = "BERT encoder layer over a padded sequence, {0}")
    @FieldSource("BLOCK_DTYPES")
    void bertPadded(DType dtype) {
        Data data = Data.fresh();
        int hd = 48, heads = 3, d = 16, f = 80, t = 11, length = 8;
        Blocks64.Bert w = new Blocks64.Bert(hd, heads, d, f, 1e-12,
                round(dtype, weights(data, heads * d * hd, hd)), round(dtype, data.normal(heads * d, 0.1)),
                round(dtype, weights(data, heads * d * hd, hd)), round(dtype, data.normal(heads * d, 0.1)),
                round(dtype, weights(data, heads * d * hd, hd)), round(dtype, data.normal(heads * d, 0.1)),
                round(dtype, weights(data, hd * heads * d, heads * d)), round(dtype, data.normal(hd, 0.1)),
                round(dtype, around(data, hd, 1, 0.1)), round(dtype, data.normal(hd, 0.1)),
                round(dtype, weights(data, f * hd, hd)), round(dtype, data.normal(f, 0.1)),
                round(dtype, weights(data, hd * f, f)), round(dtype, data.normal(hd, 0.1)),
                round(dtype, around(data, hd, 1, 0.1)), round(dtype, data.normal(hd, 0.1)));
        float[] x = round(dtype, data.normal(t * hd, 1));
        double[] want = Blocks64.bert(w, x, t, length);
        // the output projection is accumulated head by head from row slices of Woᵀ [H * D, Hd]
        float[] woT = new float[heads * d * hd];
        for (int o = 0; o < hd; o++) {
            for (int i = 0; i < heads * d; i++) {
                woT[i * hd + o] = w.wo()[o * heads * d + i];
            }
        }
        Device dev = device();
        List<Tensor> open = new ArrayList<>();
        try (Tensor tx = Data.tensor(dev, dtype, x, t, hd);
             Tensor wq = Data.tensor(dev, dtype, w.wq(), heads * d, hd);
             Tensor wk = Data.tensor(dev, dtype, w.wk(), heads * d, hd);
             Tensor wv = Data.tensor(dev, dtype, w.wv(), heads * d, hd);
             Tensor bq = Data.tensor(dev, dtype, w.bq(), heads * d);
             Tensor bk = Data.tensor(dev, dtype, w.bk(), heads * d);
             Tensor bv = Data.tensor(dev, dtype, w.bv(), heads * d);
             Tensor wot = Data.tensor(dev, dtype, woT, heads * d, hd);
             Tensor bo = Data.tensor(dev, dtype, w.bo(), hd);
             Tensor g1 = Data.tensor(dev, dtype, w.ln1Gamma(), hd);
             Tensor b1 = Data.tensor(dev, dtype, w.ln1Beta(), hd);
             Tensor w1 = Data.tensor(dev, dtype, w.w1(), f, hd);
             Tensor bf1 = Data.tensor(dev, dtype, w.b1(), f);
             Tensor w2 = Data.tensor(dev, dtype, w.w2(), hd, f);
             Tensor bf2 = Data.tensor(dev, dtype, w.b2(), hd);
             Tensor g2 = Data.tensor(dev, dtype, w.ln2Gamma(), hd);
             Tensor b2 = Data.tensor(dev, dtype, w.ln2Beta(), hd);
             Tensor q = dev.zeros(dtype, 1, heads, t, d);
             Tensor k = dev.zeros(dtype, 1, heads, t, d);
             Tensor v = dev.zeros(dtype, 1, heads, t, d);
             Tensor lengths = dev.tensor(new int[] {length}, 1);
             Tensor attn = dev.zeros(dtype, t, hd);
             Tensor mid = dev.zeros(dtype, t, f);
             Tensor ffn = dev.zeros(dtype, t, hd)) {
            Tensor[][] qkv = {{q, wq, bq}, {k, wk, bk}, {v, wv, bv}};
            for (Tensor[] p : qkv) {
                Tensor byHead = view(open, p[0].reshape(heads, t, d));
                for (int h = 0; h < heads; h++) {
                    Tensor out = view(open, view(open, byHead.slice(h, h + 1)).reshape(t, d));
                    Tensor rows = view(open, p[1].slice((long) h * d, (long) (h + 1) * d));   // [D, Hd] of [out, in]
                    Tensor bias = view(open, p[2].slice((long) h * d, (long) (h + 1) * d));
                    Ops.gemm(1, tx, false, rows, true, 0, out);
                    Ops.add(out, bias, out);
                }
            }
            try (Tensor o = Ops.attention(q, k, v, false, (float) (1 / Math.sqrt(d)), lengths)) {
                Tensor byHead = view(open, o.reshape(heads, t, d));
                for (int h = 0; h < heads; h++) {
                    Tensor oh = view(open, view(open, byHead.slice(h, h + 1)).reshape(t, d));
                    Tensor rows = view(open, wot.slice((long) h * d, (long) (h + 1) * d));      // [D, Hd]
                    Ops.gemm(1, oh, false, rows, false, h == 0 ? 0 : 1, attn);
                }
            }
            Ops.add(attn, bo, attn);
            Ops.add(attn, tx, attn);
            try (Tensor h = Ops.layerNorm(attn, g1, b1, 1e-12f)) {
                Ops.gemm(1, h, false, w1, true, 0, mid);
                Ops.add(mid, bf1, mid);
                Ops.gelu(mid, false, mid);
                Ops.gemm(1, mid, false, w2, true, 0, ffn);
                Ops.add(ffn, bf2, ffn);
                Ops.add(ffn, h, ffn);
                try (Tensor y = Ops.layerNorm(ffn, g2, b2, 1e-12f)) {
                    Check.close("BERT layer " + dtype + ", " + length + " of " + t + " tokens real", y.toFloatArray(), want,
                            tolerance(dtype), data);
                }
            }
        } finally {
            for (Tensor view : open) {
                view.close();
            }
        }
    }

    /** Keeps a view to close at the end (a view holds its allocation until it is closed). */
    private static Tensor view(List<Tensor> open, Tensor view) {
        open.add(view);
        return view;
    }

    private static float[] round(DType dtype, float[] x) {
        return Data.roundTo(dtype, x);
    }
}
