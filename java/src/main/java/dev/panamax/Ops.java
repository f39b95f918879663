package dev.panamax;

import dev.panamax.internal.Kernels;
import dev.panamax.internal.Leases;
import dev.panamax.internal.Outputs;
import dev.panamax.internal.Shapes;
import dev.panamax.internal.TensorImpl;

import java.util.Arrays;

/**
 * The ops. Each validates its arguments here, once for every backend (nulls, closed tensors,
 * devices, dtypes, shapes), before any work is queued, then hands the call to the kernel set of
 * the arguments' device. Ops may run asynchronously; reading a result waits for it.
 */
public final class Ops {
    /** Largest k of {@link #topKGating}. */
    public static final int MAX_GATING_K = 64;
    /** Largest number of experts of {@link #topKGating}. */
    public static final int MAX_EXPERTS = 4096;
    /** Largest k of {@link #topK}. */
    public static final int MAX_TOPK = 1024;
    /** Largest head dimension of {@link #attention}. */
    public static final int MAX_HEAD_DIM = 256;

    private Ops() {
    }

    /**
     * {@code c = alpha * op(a) @ op(b) + beta * c}. Rank 2: op(a) [M, K], op(b) [K, N], c [M, N];
     * {@code transA} means a is stored [K, M], {@code transB} that b is stored [N, K]. Rank 3: a
     * leading batch on a and c; b has the same batch or is rank 2 (shared). a and b are F32, F16
     * or BF16 alike; c is F32 or a's dtype. {@code beta == 0} ignores c's contents, NaN included.
     */
    public static void gemm(float alpha, Tensor a, boolean transA, Tensor b, boolean transB, float beta, Tensor c) {
        TensorImpl ta = TensorImpl.of(a, "gemm: a");
        TensorImpl tb = TensorImpl.of(b, "gemm: b");
        TensorImpl tc = TensorImpl.of(c, "gemm: c");
        try (Leases l = new Leases().add(ta, "gemm: a").add(tb, "gemm: b").add(tc, "gemm: c")) {
            sameDevice("gemm", "a", ta, "b", tb, "c", tc);
            floating("gemm", "a", ta);
            if (tb.dtype() != ta.dtype()) {
                throw new IllegalArgumentException("gemm: a and b must have the same dtype, got " + ta.dtype() + " and " + tb.dtype());
            }
            if (tc.dtype() != DType.F32 && tc.dtype() != ta.dtype()) {
                throw new IllegalArgumentException("gemm: c must be F32 or " + ta.dtype() + " (the dtype of a), got " + tc.dtype());
            }
            if (ta.allocation() == tc.allocation() || tb.allocation() == tc.allocation()) {
                throw new IllegalArgumentException("gemm: c must not be the same tensor as a or b");
            }
            int rank = ta.rank();
            if (rank != 2 && rank != 3) {
                throw new IllegalArgumentException("gemm: a must be rank 2 or 3, got " + Shapes.format(ta.shapeView()));
            }
            if (tc.rank() != rank) {
                throw new IllegalArgumentException("gemm: c must have the rank of a (" + rank + "), got a "
                        + Shapes.format(ta.shapeView()) + " and c " + Shapes.format(tc.shapeView()));
            }
            if (tb.rank() != 2 && tb.rank() != rank) {
                throw new IllegalArgumentException("gemm: b must be rank 2" + (rank == 3 ? " or 3" : "") + ", got "
                        + Shapes.format(tb.shapeView()));
            }
            long batch = rank == 3 ? ta.dim(0) : 1;
            if (rank == 3 && tc.dim(0) != batch) {
                throw new IllegalArgumentException("gemm: batch of a and c differ: a is " + Shapes.format(ta.shapeView())
                        + ", c is " + Shapes.format(tc.shapeView()));
            }
            boolean bBatched = tb.rank() == 3;
            if (bBatched && tb.dim(0) != batch) {
                throw new IllegalArgumentException("gemm: batch of a and b differ: a is " + Shapes.format(ta.shapeView())
                        + ", b is " + Shapes.format(tb.shapeView()));
            }
            long m = transA ? ta.dim(-1) : ta.dim(-2);
            long k = transA ? ta.dim(-2) : ta.dim(-1);
            long kb = transB ? tb.dim(-1) : tb.dim(-2);
            long n = transB ? tb.dim(-2) : tb.dim(-1);
            if (k != kb) {
                throw new IllegalArgumentException("gemm: inner dimensions differ: op(a) is " + Shapes.format(m, k)
                        + ", op(b) is " + Shapes.format(kb, n));
            }
            if (tc.dim(-2) != m || tc.dim(-1) != n) {
                throw new IllegalArgumentException("gemm: c is " + Shapes.format(tc.shapeView()) + " but op(a) @ op(b) is "
                        + (rank == 3 ? Shapes.format(batch, m, n) : Shapes.format(m, n)));
            }
            if (tc.size() == 0) {
                return;
            }
            ta.backendDevice().kernels().gemm(new Kernels.Gemm(ta.dtype(), tc.dtype(), batch, m, n, k,
                    alpha, ta.memory(), transA, tb.memory(), transB, bBatched, beta, tc.memory()));
        }
    }

    /**
     * a [..., M, K] @ b [..., K, N] (the same leading dimensions) or b [K, N]; a new tensor
     * [..., M, N] of a's dtype, accumulated in F32.
     */
    public static Tensor matmul(Tensor a, Tensor b) {
        TensorImpl ta = TensorImpl.of(a, "matmul: a");
        TensorImpl tb = TensorImpl.of(b, "matmul: b");
        try (Leases l = new Leases().add(ta, "matmul: a").add(tb, "matmul: b")) {
            sameDevice("matmul", "a", ta, "b", tb, null, null);
            floating("matmul", "a", ta);
            if (tb.dtype() != ta.dtype()) {
                throw new IllegalArgumentException("matmul: a and b must have the same dtype, got " + ta.dtype() + " and " + tb.dtype());
            }
            int rank = ta.rank();
            if (rank < 2) {
                throw new IllegalArgumentException("matmul: a must have rank 2 or more, got " + Shapes.format(ta.shapeView()));
            }
            if (tb.rank() != 2 && tb.rank() != rank) {
                throw new IllegalArgumentException("matmul: b must be rank 2 or have the rank of a, got a "
                        + Shapes.format(ta.shapeView()) + " and b " + Shapes.format(tb.shapeView()));
            }
            boolean bBatched = tb.rank() > 2;
            if (bBatched && !Arrays.equals(ta.shapeView(), 0, rank - 2, tb.shapeView(), 0, rank - 2)) {
                throw new IllegalArgumentException("matmul: leading dimensions of a and b differ: a is "
                        + Shapes.format(ta.shapeView()) + ", b is " + Shapes.format(tb.shapeView()));
            }
            long m = ta.dim(-2);
            long k = ta.dim(-1);
            long kb = tb.dim(-2);
            long n = tb.dim(-1);
            if (k != kb) {
                throw new IllegalArgumentException("matmul: inner dimensions differ: a is " + Shapes.format(ta.shapeView())
                        + ", b is " + Shapes.format(tb.shapeView()));
            }
            long[] outShape = ta.shape();
            outShape[rank - 1] = n;
            try (Outputs o = new Outputs(ta, "matmul")) {
                TensorImpl out = o.add("result", ta.dtype(), outShape);
                if (out.size() > 0) {
                    long batch = Shapes.product(outShape, 0, rank - 2);
                    ta.backendDevice().kernels().gemm(new Kernels.Gemm(ta.dtype(), ta.dtype(), batch, m, n, k,
                            1f, ta.memory(), false, tb.memory(), false, bBatched, 0f, out.memory()));
                }
                return o.keep(out);
            }
        }
    }

    /** Softmax over the last dimension into a new tensor of x's shape and dtype. */
    public static Tensor softmax(Tensor x) {
        TensorImpl tx = TensorImpl.of(x, "softmax: x");
        try (Leases l = new Leases().add(tx, "softmax: x")) {
            floating("softmax", "x", tx);
            try (Outputs o = new Outputs(tx, "softmax")) {
                TensorImpl out = o.add("result", tx.dtype(), tx.shapeView());
                runSoftmax(tx, out);
                return o.keep(out);
            }
        }
    }

    /**
     * Softmax over the last dimension, numerically stable, F32 arithmetic, written to {@code out}
     * (x's shape and dtype; may be x). -inf gets probability 0; a row all -inf gives zeros.
     */
    public static void softmax(Tensor x, Tensor out) {
        TensorImpl tx = TensorImpl.of(x, "softmax: x");
        TensorImpl to = TensorImpl.of(out, "softmax: out");
        try (Leases l = new Leases().add(tx, "softmax: x").add(to, "softmax: out")) {
            sameDevice("softmax", "x", tx, "out", to, null, null);
            floating("softmax", "x", tx);
            if (to.dtype() != tx.dtype() || !Arrays.equals(to.shapeView(), tx.shapeView())) {
                throw new IllegalArgumentException("softmax: out must have x's shape and dtype: x is "
                        + Shapes.format(tx.shapeView()) + " " + tx.dtype() + ", out is " + Shapes.format(to.shapeView()) + " " + to.dtype());
            }
            runSoftmax(tx, to);
        }
    }

    private static void runSoftmax(TensorImpl x, TensorImpl out) {
        if (x.size() == 0) {
            return;
        }
        long cols = x.dim(-1);
        x.backendDevice().kernels().softmax(new Kernels.Softmax(x.dtype(), x.size() / cols, cols, x.memory(), out.memory()));
    }

    /** {@link #attention(Tensor, Tensor, Tensor, boolean, float)} with scale 1/sqrt(D). */
    public static Tensor attention(Tensor q, Tensor k, Tensor v, boolean causal) {
        TensorImpl tq = TensorImpl.of(q, "attention: q");
        if (tq.rank() != 4) {
            throw new IllegalArgumentException("attention: q must be [B, Hq, Sq, D], got " + Shapes.format(tq.shapeView()));
        }
        return attention(q, k, v, causal, (float) (1.0 / Math.sqrt(Math.max(1, tq.dim(3)))));
    }

    /**
     * {@code out = softmax(scale * q kᵀ + mask) v}. q [B, Hq, Sq, D], k and v [B, Hkv, Skv, D], Hq a
     * multiple of Hkv (query head h reads kv head h / (Hq / Hkv)), 1 &lt;= D &lt;= 256. Causal: query
     * i sees key j iff {@code j <= i + (Skv - Sq)}; a query that sees no key gets zeros. Returns
     * [B, Hq, Sq, D] of q's dtype. Flash-style: the [Sq, Skv] scores are never held in memory.
     */
    public static Tensor attention(Tensor q, Tensor k, Tensor v, boolean causal, float scale) {
        TensorImpl tq = TensorImpl.of(q, "attention: q");
        TensorImpl tk = TensorImpl.of(k, "attention: k");
        TensorImpl tv = TensorImpl.of(v, "attention: v");
        try (Leases l = new Leases().add(tq, "attention: q").add(tk, "attention: k").add(tv, "attention: v")) {
            sameDevice("attention", "q", tq, "k", tk, "v", tv);
            floating("attention", "q", tq);
            if (tk.dtype() != tq.dtype() || tv.dtype() != tq.dtype()) {
                throw new IllegalArgumentException("attention: q, k and v must have the same dtype, got "
                        + tq.dtype() + ", " + tk.dtype() + " and " + tv.dtype());
            }
            if (tq.rank() != 4 || tk.rank() != 4 || tv.rank() != 4) {
                throw new IllegalArgumentException("attention: q must be [B, Hq, Sq, D] and k, v [B, Hkv, Skv, D], got q "
                        + Shapes.format(tq.shapeView()) + ", k " + Shapes.format(tk.shapeView()) + ", v " + Shapes.format(tv.shapeView()));
            }
            if (!Arrays.equals(tk.shapeView(), tv.shapeView())) {
                throw new IllegalArgumentException("attention: k and v must have the same shape, got k "
                        + Shapes.format(tk.shapeView()) + " and v " + Shapes.format(tv.shapeView()));
            }
            long batch = tq.dim(0), hq = tq.dim(1), sq = tq.dim(2), d = tq.dim(3);
            long hkv = tk.dim(1), skv = tk.dim(2);
            if (tk.dim(0) != batch || tk.dim(3) != d) {
                throw new IllegalArgumentException("attention: q and k must agree on B and D, got q "
                        + Shapes.format(tq.shapeView()) + " and k " + Shapes.format(tk.shapeView()));
            }
            if (d < 1 || d > MAX_HEAD_DIM) {
                throw new IllegalArgumentException("attention: head dimension D must be 1 to " + MAX_HEAD_DIM + ", got q "
                        + Shapes.format(tq.shapeView()));
            }
            if (hkv == 0 ? hq != 0 : hq % hkv != 0) {
                throw new IllegalArgumentException("attention: Hq must be a multiple of Hkv, got q "
                        + Shapes.format(tq.shapeView()) + " and k " + Shapes.format(tk.shapeView()));
            }
            if (!Float.isFinite(scale)) {
                throw new IllegalArgumentException("attention: scale must be finite, got " + scale);
            }
            try (Outputs o = new Outputs(tq, "attention")) {
                TensorImpl out = o.add("result", tq.dtype(), tq.shapeView());
                if (out.size() > 0) {
                    tq.backendDevice().kernels().attention(new Kernels.Attention(tq.dtype(), batch, hq, hkv, sq, skv,
                            (int) d, causal, scale, tq.memory(), tk.memory(), tv.memory(), out.memory()));
                }
                return o.keep(out);
            }
        }
    }

    /**
     * MoE router. logits [T, E] (F32, F16 or BF16), 1 &lt;= k &lt;= min(E, 64), E &lt;= 4096. Per token:
     * p = softmax(row); experts = the k indices of the largest p, descending, ties to the lower
     * index; weights = those p, divided by their sum when {@code renormalize}. weights [T, k] F32,
     * experts [T, k] I32; every index is in [0, E) whatever the input, NaN included. Experts are
     * ranked on the logits (the same order as the probabilities, without ties made by rounding);
     * NaN ranks above everything. A row that is all -inf has probabilities 0, so its renormalized
     * weights are 0/0 = NaN, as the arithmetic says.
     */
    public static Routing topKGating(Tensor logits, int k, boolean renormalize) {
        TensorImpl tl = TensorImpl.of(logits, "topKGating: logits");
        try (Leases l = new Leases().add(tl, "topKGating: logits")) {
            floating("topKGating", "logits", tl);
            if (tl.rank() != 2) {
                throw new IllegalArgumentException("topKGating: logits must be [T, E], got " + Shapes.format(tl.shapeView()));
            }
            long tokens = tl.dim(0), experts = tl.dim(1);
            if (experts < 1 || experts > MAX_EXPERTS) {
                throw new IllegalArgumentException("topKGating: E must be 1 to " + MAX_EXPERTS + ", got logits "
                        + Shapes.format(tl.shapeView()));
            }
            if (k < 1 || k > Math.min(experts, MAX_GATING_K)) {
                throw new IllegalArgumentException("topKGating: k must be 1 to min(E, " + MAX_GATING_K + ") = "
                        + Math.min(experts, MAX_GATING_K) + ", got k = " + k + " for logits " + Shapes.format(tl.shapeView()));
            }
            try (Outputs o = new Outputs(tl, "topKGating")) {
                TensorImpl weights = o.add("weights", DType.F32, tokens, k);
                TensorImpl indices = o.add("experts", DType.I32, tokens, k);
                if (tokens > 0) {
                    tl.backendDevice().kernels().topKGating(new Kernels.Gating(tl.dtype(), tokens, (int) experts, k,
                            renormalize, tl.memory(), weights.memory(), indices.memory()));
                }
                return o.keep(new Routing(weights, indices));
            }
        }
    }

    /**
     * The k largest values over the last dimension of x (x's dtype), descending, ties to the lower
     * index, NaN above everything, and their I32 indices; 1 &lt;= k &lt;= min(n, 1024).
     */
    public static TopK topK(Tensor x, int k) {
        TensorImpl tx = TensorImpl.of(x, "topK: x");
        try (Leases l = new Leases().add(tx, "topK: x")) {
            floating("topK", "x", tx);
            long n = tx.dim(-1);
            if (k < 1 || k > Math.min(n, MAX_TOPK)) {
                throw new IllegalArgumentException("topK: k must be 1 to min(n, " + MAX_TOPK + ") = " + Math.min(n, MAX_TOPK)
                        + ", got k = " + k + " for x " + Shapes.format(tx.shapeView()));
            }
            long[] outShape = tx.shape();
            outShape[outShape.length - 1] = k;
            try (Outputs o = new Outputs(tx, "topK")) {
                TensorImpl values = o.add("values", tx.dtype(), outShape);
                TensorImpl indices = o.add("indices", DType.I32, outShape);
                if (values.size() > 0) {
                    tx.backendDevice().kernels().topK(new Kernels.TopK(tx.dtype(), tx.size() / n, n, k,
                            tx.memory(), values.memory(), indices.memory()));
                }
                return o.keep(new TopK(values, indices));
            }
        }
    }

    // ---------------------------------------------------------------- elementwise and norm families

    /**
     * a + b elementwise into a new tensor of a's shape and dtype, F32 arithmetic. b has a's dtype
     * and a's shape or a suffix of it, repeated over a's leading dimensions (a bias [N] on
     * [M, N]).
     */
    public static Tensor add(Tensor a, Tensor b) {
        return binary("add", Kernels.ElementwiseOp.ADD, "a", a, "b", b, null, false);
    }

    /** {@link #add(Tensor, Tensor)} written to {@code out} (a's shape and dtype; may be a itself). */
    public static void add(Tensor a, Tensor b, Tensor out) {
        binary("add", Kernels.ElementwiseOp.ADD, "a", a, "b", b, out, true);
    }

    /** a * b elementwise, b broadcast as in {@link #add(Tensor, Tensor)}. */
    public static Tensor mul(Tensor a, Tensor b) {
        return binary("mul", Kernels.ElementwiseOp.MUL, "a", a, "b", b, null, false);
    }

    /** {@link #mul(Tensor, Tensor)} written to {@code out} (a's shape and dtype; may be a itself). */
    public static void mul(Tensor a, Tensor b, Tensor out) {
        binary("mul", Kernels.ElementwiseOp.MUL, "a", a, "b", b, out, true);
    }

    /**
     * GELU, x * Phi(x), into a new tensor of x's shape and dtype: with the exact erf,
     * {@code 0.5 x (1 + erf(x / sqrt 2))}, or when {@code tanh} the approximation
     * {@code 0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3)))}. F32 arithmetic.
     */
    public static Tensor gelu(Tensor x, boolean tanh) {
        return unary("gelu", tanh ? Kernels.ElementwiseOp.GELU_TANH : Kernels.ElementwiseOp.GELU_ERF, x, null, false);
    }

    /** {@link #gelu(Tensor, boolean)} written to {@code out} (x's shape and dtype; may be x itself). */
    public static void gelu(Tensor x, boolean tanh, Tensor out) {
        unary("gelu", tanh ? Kernels.ElementwiseOp.GELU_TANH : Kernels.ElementwiseOp.GELU_ERF, x, out, true);
    }

    /** SiLU, x * sigmoid(x), into a new tensor of x's shape and dtype. */
    public static Tensor silu(Tensor x) {
        return unary("silu", Kernels.ElementwiseOp.SILU, x, null, false);
    }

    /** {@link #silu(Tensor)} written to {@code out} (x's shape and dtype; may be x itself). */
    public static void silu(Tensor x, Tensor out) {
        unary("silu", Kernels.ElementwiseOp.SILU, x, out, true);
    }

    /** SwiGLU, silu(gate) * up, into a new tensor; gate and up of one shape and dtype. */
    public static Tensor swiglu(Tensor gate, Tensor up) {
        return binary("swiglu", Kernels.ElementwiseOp.SWIGLU, "gate", gate, "up", up, null, false);
    }

    /** {@link #swiglu(Tensor, Tensor)} written to {@code out} (gate's shape and dtype; may be gate itself). */
    public static void swiglu(Tensor gate, Tensor up, Tensor out) {
        binary("swiglu", Kernels.ElementwiseOp.SWIGLU, "gate", gate, "up", up, out, true);
    }

    /**
     * Layer norm over the last dimension N of x: {@code (x - mean) / sqrt(var + eps) * gamma + beta}
     * with the biased variance, into a new tensor of x's shape and dtype. gamma and beta are [N],
     * each of x's dtype or F32; eps finite and &gt;= 0. The statistics are F32, computed stably
     * (a row of mean 1e4 and spread 1 keeps its precision); a row of equal values gives beta
     * (eps &gt; 0); a NaN in a row makes that row NaN.
     */
    public static Tensor layerNorm(Tensor x, Tensor gamma, Tensor beta, float eps) {
        return norm("layerNorm", Kernels.NormOp.LAYER_NORM, x, null, gamma, beta, eps, null, false);
    }

    /** {@link #layerNorm(Tensor, Tensor, Tensor, float)} written to {@code out} (x's shape and dtype; may be x itself). */
    public static void layerNorm(Tensor x, Tensor gamma, Tensor beta, float eps, Tensor out) {
        norm("layerNorm", Kernels.NormOp.LAYER_NORM, x, null, gamma, beta, eps, out, true);
    }

    /**
     * RMS norm over the last dimension N of x: {@code x / sqrt(mean(x^2) + eps) * gamma}, into a
     * new tensor of x's shape and dtype; gamma [N] of x's dtype or F32; eps finite and &gt;= 0.
     */
    public static Tensor rmsNorm(Tensor x, Tensor gamma, float eps) {
        return norm("rmsNorm", Kernels.NormOp.RMS_NORM, x, null, gamma, null, eps, null, false);
    }

    /** {@link #rmsNorm(Tensor, Tensor, float)} written to {@code out} (x's shape and dtype; may be x itself). */
    public static void rmsNorm(Tensor x, Tensor gamma, float eps, Tensor out) {
        norm("rmsNorm", Kernels.NormOp.RMS_NORM, x, null, gamma, null, eps, out, true);
    }

    /**
     * The fused pre-norm step of a transformer block, in place: {@code s = residual + x} in F32;
     * {@code residual = s} (rounded to its dtype); {@code x = rmsNorm(s, gamma, eps)} computed
     * from the F32 s. x and residual of one shape and dtype, not overlapping; gamma [N] of x's
     * dtype or F32.
     */
    public static void addRmsNorm(Tensor x, Tensor residual, Tensor gamma, float eps) {
        norm("addRmsNorm", Kernels.NormOp.ADD_RMS_NORM, x, residual, gamma, null, eps, null, false);
    }

    /** add, mul, swiglu: a and b of one dtype; b of a's shape (swiglu: exactly) or a suffix of it. */
    private static Tensor binary(String op, Kernels.ElementwiseOp kind, String na, Tensor a, String nb, Tensor b,
                                 Tensor out, boolean intoOut) {
        TensorImpl ta = TensorImpl.of(a, op + ": " + na);
        TensorImpl tb = TensorImpl.of(b, op + ": " + nb);
        TensorImpl to = intoOut ? TensorImpl.of(out, op + ": out") : null;
        try (Leases l = new Leases().add(ta, op + ": " + na).add(tb, op + ": " + nb)) {
            if (to != null) {
                l.add(to, op + ": out");
            }
            sameDevice(op, na, ta, nb, tb, null, null);
            floating(op, na, ta);
            if (tb.dtype() != ta.dtype()) {
                throw new IllegalArgumentException(op + ": " + na + " and " + nb + " must have the same dtype, got "
                        + ta.dtype() + " and " + tb.dtype());
            }
            long[] as = ta.shapeView(), bs = tb.shapeView();
            if (kind == Kernels.ElementwiseOp.SWIGLU) {
                if (!Arrays.equals(as, bs)) {
                    throw new IllegalArgumentException(op + ": " + na + " and " + nb + " must have the same shape, got "
                            + na + " " + Shapes.format(as) + " and " + nb + " " + Shapes.format(bs));
                }
            } else if (bs.length > as.length || !Arrays.equals(as, as.length - bs.length, as.length, bs, 0, bs.length)) {
                throw new IllegalArgumentException(op + ": " + nb + " must have the shape of " + na + " or a suffix of it"
                        + " (repeated over " + na + "'s leading dimensions), got " + na + " " + Shapes.format(as)
                        + " and " + nb + " " + Shapes.format(bs));
            }
            return elementwise(op, kind, ta, tb, to, na, nb);
        }
    }

    /** gelu, silu. */
    private static Tensor unary(String op, Kernels.ElementwiseOp kind, Tensor x, Tensor out, boolean intoOut) {
        TensorImpl tx = TensorImpl.of(x, op + ": x");
        TensorImpl to = intoOut ? TensorImpl.of(out, op + ": out") : null;
        try (Leases l = new Leases().add(tx, op + ": x")) {
            if (to != null) {
                l.add(to, op + ": out");
            }
            floating(op, "x", tx);
            return elementwise(op, kind, tx, null, to, "x", null);
        }
    }

    /** Checks out (when given) or makes the result, and queues the kernel unless it is empty; returns the result made, or null. */
    private static Tensor elementwise(String op, Kernels.ElementwiseOp kind, TensorImpl a, TensorImpl b, TensorImpl out,
                                      String na, String nb) {
        if (out != null) {
            checkOut(op, out, a.shapeView(), a.dtype(), a, na, a, nb, b);
            queueElementwise(kind, a, b, out);
            return null;
        }
        try (Outputs o = new Outputs(a, op)) {
            TensorImpl result = o.add("result", a.dtype(), a.shapeView());
            queueElementwise(kind, a, b, result);
            return o.keep(result);
        }
    }

    private static void queueElementwise(Kernels.ElementwiseOp kind, TensorImpl a, TensorImpl b, TensorImpl out) {
        if (a.size() == 0) {
            return;
        }
        a.backendDevice().kernels().elementwise(new Kernels.Elementwise(kind, a.dtype(), a.size(),
                b == null ? 0 : b.size(), a.memory(), b == null ? null : b.memory(), out.memory()));
    }

    /** layerNorm (beta), rmsNorm, addRmsNorm (residual; in place, no out). */
    private static Tensor norm(String op, Kernels.NormOp kind, Tensor x, Tensor residual, Tensor gamma, Tensor beta,
                               float eps, Tensor out, boolean intoOut) {
        TensorImpl tx = TensorImpl.of(x, op + ": x");
        TensorImpl tr = kind == Kernels.NormOp.ADD_RMS_NORM ? TensorImpl.of(residual, op + ": residual") : null;
        TensorImpl tg = TensorImpl.of(gamma, op + ": gamma");
        TensorImpl tb = kind == Kernels.NormOp.LAYER_NORM ? TensorImpl.of(beta, op + ": beta") : null;
        TensorImpl to = intoOut ? TensorImpl.of(out, op + ": out") : null;
        try (Leases l = new Leases().add(tx, op + ": x").add(tg, op + ": gamma")) {
            if (tr != null) {
                l.add(tr, op + ": residual");
            }
            if (tb != null) {
                l.add(tb, op + ": beta");
            }
            if (to != null) {
                l.add(to, op + ": out");
            }
            floating(op, "x", tx);
            long n = tx.dim(-1);
            checkWeight(op, "gamma", tg, tx, n);
            if (tb != null) {
                checkWeight(op, "beta", tb, tx, n);
            }
            checkEps(op, eps);
            if (tr != null) {
                sameDevice(op, "x", tx, "residual", tr, null, null);
                if (tr.dtype() != tx.dtype() || !Arrays.equals(tr.shapeView(), tx.shapeView())) {
                    throw new IllegalArgumentException(op + ": x and residual must have the same shape and dtype, got x "
                            + Shapes.format(tx.shapeView()) + " " + tx.dtype() + " and residual "
                            + Shapes.format(tr.shapeView()) + " " + tr.dtype());
                }
                // both are written: nothing the kernel reads may share their bytes
                if (tx.overlaps(tr) || tg.overlaps(tx) || tg.overlaps(tr)) {
                    throw new IllegalArgumentException(op + ": x, residual and gamma must not overlap (views of one allocation):"
                            + " x and residual are both written in place");
                }
            }
            if (to != null) {
                checkOut(op, to, tx.shapeView(), tx.dtype(), tx, "x", tx, "gamma", tg, "beta", tb);
                queueNorm(kind, tx, tr, tg, tb, eps, to);
                return null;
            }
            if (tr != null) {
                queueNorm(kind, tx, tr, tg, null, eps, tx);
                return null;
            }
            try (Outputs o = new Outputs(tx, op)) {
                TensorImpl result = o.add("result", tx.dtype(), tx.shapeView());
                queueNorm(kind, tx, null, tg, tb, eps, result);
                return o.keep(result);
            }
        }
    }

    private static void queueNorm(Kernels.NormOp kind, TensorImpl x, TensorImpl residual, TensorImpl gamma, TensorImpl beta,
                                  float eps, TensorImpl out) {
        if (x.size() == 0) {
            return;
        }
        long cols = x.dim(-1);
        x.backendDevice().kernels().norm(new Kernels.Norm(kind, x.dtype(), gamma.dtype(), beta == null ? null : beta.dtype(),
                x.size() / cols, cols, eps, x.memory(), residual == null ? null : residual.memory(), gamma.memory(),
                beta == null ? null : beta.memory(), out.memory()));
    }

    /**
     * The rule of every {@code out} overload: {@code out} is on the device of {@code first} and has
     * exactly {@code shape} and {@code dtype}; it may be {@code first} itself (the same bytes), and
     * any other overlap with an input is an IllegalArgumentException.
     *
     * @param inputs names and tensors of the op's inputs, alternating, {@code first} among them
     */
    static void checkOut(String op, TensorImpl out, long[] shape, DType dtype, TensorImpl first, Object... inputs) {
        sameDevice(op, "the inputs", first, "out", out, null, null);
        if (out.dtype() != dtype || !Arrays.equals(out.shapeView(), shape)) {
            throw new IllegalArgumentException(op + ": out must be " + Shapes.format(shape) + " " + dtype + ", got "
                    + Shapes.format(out.shapeView()) + " " + out.dtype());
        }
        for (int i = 0; i < inputs.length; i += 2) {
            TensorImpl in = (TensorImpl) inputs[i + 1];
            if (in == null || (in == first && out.sameBytes(first))) {
                continue;
            }
            if (out.overlaps(in)) {
                throw new IllegalArgumentException(op + ": out overlaps " + inputs[i] + " (views of one allocation);"
                        + " out may be the first input itself, and nothing else it reads");
            }
        }
    }

    /** eps of a norm: finite and >= 0. */
    static void checkEps(String op, float eps) {
        if (!(eps >= 0) || !Float.isFinite(eps)) {
            throw new IllegalArgumentException(op + ": eps must be finite and >= 0, got " + eps);
        }
    }

    /** A weight vector (gamma, beta) of {@code x}: [n], on x's device, x's dtype or F32. */
    static void checkWeight(String op, String name, TensorImpl w, TensorImpl x, long n) {
        sameDevice(op, "x", x, name, w, null, null);
        if (w.dtype() != x.dtype() && w.dtype() != DType.F32) {
            throw new IllegalArgumentException(op + ": " + name + " must be " + x.dtype() + " (the dtype of x) or F32, got "
                    + w.dtype());
        }
        if (w.rank() != 1 || w.dim(0) != n) {
            throw new IllegalArgumentException(op + ": " + name + " must be [" + n + "] (the last dimension of x "
                    + Shapes.format(x.shapeView()) + "), got " + Shapes.format(w.shapeView()));
        }
    }

    private static void floating(String op, String name, TensorImpl t) {
        if (!t.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException(op + ": " + name + " must be F32, F16 or BF16, got " + t.dtype());
        }
    }

    private static void sameDevice(String op, String n1, TensorImpl t1, String n2, TensorImpl t2, String n3, TensorImpl t3) {
        if (t1.backendDevice() != t2.backendDevice()) {
            throw mixed(op, n1, t1, n2, t2);
        }
        if (t3 != null && t1.backendDevice() != t3.backendDevice()) {
            throw mixed(op, n1, t1, n3, t3);
        }
    }

    private static IllegalArgumentException mixed(String op, String n1, TensorImpl t1, String n2, TensorImpl t2) {
        return new IllegalArgumentException(op + ": tensors on different devices: " + n1 + " on " + t1.backendDevice().spec()
                + ", " + n2 + " on " + t2.backendDevice().spec() + "; move one with to(Device)");
    }
}
