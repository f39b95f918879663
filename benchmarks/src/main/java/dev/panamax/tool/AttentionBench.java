package dev.panamax.tool;

import dev.panamax.Device;
import dev.panamax.Ops;
import dev.panamax.Tensor;
import dev.panamax.reference.Reference64;
import dev.panamax.testing.Data;
import dev.panamax.testing.Tolerances;

import java.util.List;

/**
 * Attention of q [B, Hq, Sq, D] over k, v [B, Hkv, Skv, D], scale 1/sqrt(D): {@code attention}
 * (not causal), {@code attention-causal}, and {@code decode} (Sq = 1 against a KV cache of Skv,
 * causal, which for one query sees every key; grouped-query when Hkv &lt; Hq). A case with a
 * dimension {@code L} runs the kvLengths overload with every batch's length L: a cache of Skv
 * rows of which the first L are in use (the rest is never read).
 *
 * <p>FLOPs: 4·B·Hq·D·P, where P is the number of (query, key) pairs a query sees: Sq·L, or
 * for causal Σ_i min(L, i + L − Sq + 1) over i in [0, Sq) (S(S+1)/2 when Sq = L = S), L = Skv
 * without lengths. Two matrix products, q·kᵀ and p·v, each a multiply-add per pair and channel;
 * the softmax's exponentials are not counted. Minimum bytes: (2·B·Hq·Sq·D + 2·B·Hkv·L·D)·
 * sizeof(dtype) (q and out, the k and v rows in use), plus 4·B for the lengths. Prefill is
 * compute-bound, decode memory-bound. Checked on 8 random query rows with
 * {@link Reference64#attentionRow}.
 */
final class AttentionBench implements BenchOp {
    private static final int SAMPLE_ROWS = 8;
    private final boolean causal;
    private final boolean decode;

    @Override
    public List<String> times() {
        return List.of("Ops.attention");
    }

    AttentionBench(boolean causal, boolean decode) {
        this.causal = causal;
        this.decode = decode;
    }

    /** The keys each batch uses: L, clamped to Skv, or Skv. */
    private static long keys(Case c) {
        return Math.clamp(c.dim("L", c.dim("Skv")), 0, c.dim("Skv"));
    }

    /** The (query, key) pairs visible to the queries of one head. */
    private long visiblePairs(Case c) {
        long sq = c.dim("Sq"), skv = keys(c);
        if (!causal) {
            return sq * skv;
        }
        long pairs = 0;
        for (long i = 0; i < sq; i++) {
            pairs += Math.max(0, Math.min(skv, i + skv - sq + 1));
        }
        return pairs;
    }

    @Override
    public double flops(Case c) {
        return 4.0 * c.dim("B") * c.dim("Hq") * c.dim("D") * visiblePairs(c);
    }

    @Override
    public double bytes(Case c) {
        long b = c.dim("B"), d = c.dim("D");
        double lengths = c.dims().containsKey("L") ? 4.0 * b : 0;
        return (2.0 * b * c.dim("Hq") * c.dim("Sq") * d + 2.0 * b * c.dim("Hkv") * keys(c) * d) * c.dtype().byteSize() + lengths;
    }

    @Override
    public Bound bound(Case c) {
        return decode ? Bound.MEMORY : Bound.COMPUTE;
    }

    @Override
    public Prepared prepare(Device device, Case c, Data data) {
        long b = c.dim("B"), hq = c.dim("Hq"), hkv = c.dim("Hkv"), sq = c.dim("Sq"), skv = c.dim("Skv"), d = c.dim("D");
        float[] q = Samples.input(data, c.dtype(), b * hq * sq * d, -1, 1);
        float[] k = Samples.input(data, c.dtype(), b * hkv * skv * d, -1, 1);
        float[] v = Samples.input(data, c.dtype(), b * hkv * skv * d, -1, 1);
        Tensor tq = null, tk = null, tv = null, tl = null;
        try {
            tq = Data.tensor(device, c.dtype(), q, b, hq, sq, d);
            tk = Data.tensor(device, c.dtype(), k, b, hkv, skv, d);
            tv = Data.tensor(device, c.dtype(), v, b, hkv, skv, d);
            if (c.dims().containsKey("L")) {
                int[] lengths = new int[Math.toIntExact(b)];
                java.util.Arrays.fill(lengths, c.intDim("L"));
                tl = device.tensor(lengths, b);
            }
            return new Run(c, data, q, k, v, tq, tk, tv, tl);
        } catch (RuntimeException | Error e) {
            Tensors.closeAll(tq, tk, tv, tl);
            throw e;
        }
    }

    private final class Run implements Prepared {
        private final Case c;
        private final Data data;
        private final float[] q, k, v;
        private final Tensor tq, tk, tv;
        /** kvLengths [B], all L; null without lengths. */
        private final Tensor tl;
        private final float scale;
        private Tensor out;

        Run(Case c, Data data, float[] q, float[] k, float[] v, Tensor tq, Tensor tk, Tensor tv, Tensor tl) {
            this.c = c;
            this.data = data;
            this.q = q;
            this.k = k;
            this.v = v;
            this.tq = tq;
            this.tk = tk;
            this.tv = tv;
            this.tl = tl;
            this.scale = (float) (1.0 / Math.sqrt(c.dim("D"))); // the float Ops passes by default
        }

        @Override
        public void run() {
            if (out != null) {
                out.close();
                out = null;
            }
            out = tl == null ? Ops.attention(tq, tk, tv, causal) : Ops.attention(tq, tk, tv, causal, scale, tl);
        }

        @Override
        public Verdict check() {
            long b = c.dim("B"), hq = c.dim("Hq"), hkv = c.dim("Hkv"), sq = c.dim("Sq"), skv = c.dim("Skv");
            int d = c.intDim("D");
            float[] result = out.toFloatArray();
            long[] rows = Samples.indices(data, b * hq * sq, SAMPLE_ROWS); // flat (b, h, i)
            float[] got = new float[rows.length * d];
            double[] ref = new double[rows.length * d];
            for (int r = 0; r < rows.length; r++) {
                long bi = rows[r] / (hq * sq), h = rows[r] / sq % hq, i = rows[r] % sq;
                double[] row = Reference64.attentionRow(q, k, v, bi, h, i, hq, hkv, sq, skv, d, causal, scale, keys(c));
                System.arraycopy(row, 0, ref, r * d, d);
                System.arraycopy(result, Math.toIntExact(rows[r] * d), got, r * d, d);
            }
            return Verdict.of(Reference64.relativeError(got, ref), Tolerances.accumulate(c.dtype()));
        }

        @Override
        public void close() {
            Tensors.closeAll(out, tq, tk, tv, tl);
        }
    }
}
