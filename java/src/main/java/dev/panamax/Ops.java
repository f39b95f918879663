package dev.panamax;

import dev.panamax.internal.BackendDevice;
import dev.panamax.internal.Kernels;
import dev.panamax.internal.Leases;
import dev.panamax.internal.Outputs;
import dev.panamax.internal.PackedMatrixImpl;
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
     * or BF16 alike; c is F32 or a's dtype, and shares no memory with a or b (views of one
     * allocation may not overlap). {@code beta == 0} ignores c's contents, NaN included.
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
                throw new IllegalArgumentException("gemm: c must be " + (ta.dtype() == DType.F32 ? "F32"
                        : "F32 or " + ta.dtype() + " (the dtype of a)") + ", got " + tc.dtype());
            }
            if (tc.overlaps(ta) || tc.overlaps(tb)) {
                throw new IllegalArgumentException("gemm: c overlaps " + (tc.overlaps(ta) ? "a" : "b")
                        + " (views of one allocation); c must share no memory with a or b");
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

    /**
     * Packs a constant matrix for repeated products: b rank 2, F32, F16 or BF16, op(b) [K, N]
     * ({@code transB}: b stored [N, K], the {@code nn.Linear} layout of a weight). The result is a
     * copy in the layout the device's GEMM reads fastest (see {@link PackedMatrix}), for
     * {@link #packedMatmul(Tensor, PackedMatrix)}; b may change or be closed afterwards.
     *
     * <p>b of rank 3, [E, K, N] ([E, N, K] when {@code transB}), packs each of its E matrices
     * alike: a stack of shape [E, K, N], for the experts of
     * {@link #moe(Tensor, Routing, PackedMatrix, PackedMatrix, PackedMatrix)}.
     */
    public static PackedMatrix pack(Tensor b, boolean transB) {
        String op = "pack";
        TensorImpl tb = TensorImpl.of(b, op + ": b");
        try (Leases l = new Leases().add(tb, op + ": b")) {
            floating(op, "b", tb);
            if (tb.rank() != 2 && tb.rank() != 3) {
                throw new IllegalArgumentException(op + ": b must be rank 2 (" + (transB ? "[N, K]" : "[K, N]")
                        + ") or rank 3 (" + (transB ? "[E, N, K]" : "[E, K, N]") + ", a stack), got " + Shapes.format(tb.shapeView()));
            }
            long stack = tb.rank() == 3 ? tb.dim(0) : 0;
            long k = transB ? tb.dim(-1) : tb.dim(-2);
            long n = transB ? tb.dim(-2) : tb.dim(-1);
            Kernels kernels = tb.backendDevice().kernels();
            Kernels.PackLayout layout = kernels.packLayout(tb.dtype(), k, n, transB);
            long matrices = Math.max(1, stack);
            try (Outputs o = new Outputs(tb, op)) {
                TensorImpl storage = o.add("packed", layout.dtype(), Math.multiplyExact(matrices, layout.elements()));
                if (storage.size() > 0) {
                    if (!layout.rearranged()) {
                        storage.copyFrom(tb);
                    } else if (stack == 0) {
                        kernels.pack(new Kernels.Pack(tb.dtype(), k, n, transB, tb.memory(), storage.memory()));
                    } else {
                        BackendDevice device = tb.backendDevice();
                        long from = k * n * tb.dtype().byteSize(), to = layout.elements() * layout.dtype().byteSize();
                        for (long e = 0; e < stack; e++) {
                            kernels.pack(new Kernels.Pack(tb.dtype(), k, n, transB, device.view(tb.memory(), e * from, from),
                                    device.view(storage.memory(), e * to, to)));
                        }
                    }
                }
                return o.keep(new PackedMatrixImpl(storage, tb.dtype(), stack, k, n, layout));
            }
        }
    }

    /**
     * a [..., K] (rank &gt;= 1, the packed matrix's dtype) times the packed op(b) [K, N]: a new
     * tensor [..., N] of a's dtype, accumulated in F32, as {@code matmul(a, b)} with b unpacked.
     */
    public static Tensor packedMatmul(Tensor a, PackedMatrix b) {
        return runPackedMatmul(a, b, null, false);
    }

    /**
     * {@link #packedMatmul(Tensor, PackedMatrix)} written to {@code out} ([..., N], a's dtype, on a's
     * device); out must not overlap a.
     */
    public static void packedMatmul(Tensor a, PackedMatrix b, Tensor out) {
        runPackedMatmul(a, b, out, true);
    }

    private static Tensor runPackedMatmul(Tensor a, PackedMatrix b, Tensor out, boolean intoOut) {
        String op = "packedMatmul";
        if (b == null) {
            throw new NullPointerException(op + ": b is null");
        }
        if (!(b instanceof PackedMatrixImpl pb)) {
            throw new IllegalArgumentException(op + ": b is not a Panamax packed matrix (Ops.pack makes them): "
                    + b.getClass().getName());
        }
        if (pb.stack() != 0) {
            throw new IllegalArgumentException(op + ": b is a stack of " + pb.stack() + " packed matrices (Ops.pack of a "
                    + "rank-3 tensor, for moe); packedMatmul takes one, packed from a rank-2 tensor");
        }
        TensorImpl ta = TensorImpl.of(a, op + ": a");
        TensorImpl tp = pb.storage();
        TensorImpl to = intoOut ? TensorImpl.of(out, op + ": out") : null;
        try (Leases l = new Leases().add(ta, op + ": a").add(tp, op + ": b (packed)")) {
            if (to != null) {
                l.add(to, op + ": out");
            }
            floating(op, "a", ta);
            sameDevice(op, "a", ta, "b", tp, null, null);
            if (ta.dtype() != pb.dtype()) {
                throw new IllegalArgumentException(op + ": a and b must have the same dtype, got " + ta.dtype()
                        + " and " + pb.dtype() + " (packed)");
            }
            if (ta.rank() < 1 || ta.dim(-1) != pb.k()) {
                throw new IllegalArgumentException(op + ": a must be [..., " + pb.k() + "] (b is packed "
                        + Shapes.format(pb.k(), pb.n()) + "), got " + Shapes.format(ta.shapeView()));
            }
            long[] shape = ta.shape();
            shape[shape.length - 1] = pb.n();
            try (Outputs o = new Outputs(ta, op)) {
                TensorImpl result;
                if (to != null) {
                    checkOut(op, to, shape, ta.dtype(), ta, "a", ta);
                    if (to.overlaps(ta)) {
                        throw new IllegalArgumentException(op + ": out overlaps a; a product never works in place");
                    }
                    result = to;
                } else {
                    result = o.add("result", ta.dtype(), shape);
                }
                if (result.size() > 0) {
                    long m = result.size() / pb.n();
                    ta.backendDevice().kernels().packedMatmul(new Kernels.PackedMatmul(ta.dtype(), m, pb.n(), pb.k(),
                            ta.memory(), tp.memory(), pb.layout(), result.memory()));
                }
                return to != null ? null : o.keep(result);
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
     * (x's shape and dtype; may be x, or a view of exactly x's bytes, and must not overlap x
     * otherwise). -inf gets probability 0; a row all -inf gives zeros.
     */
    public static void softmax(Tensor x, Tensor out) {
        TensorImpl tx = TensorImpl.of(x, "softmax: x");
        TensorImpl to = TensorImpl.of(out, "softmax: out");
        try (Leases l = new Leases().add(tx, "softmax: x").add(to, "softmax: out")) {
            floating("softmax", "x", tx);
            checkOut("softmax", to, tx.shapeView(), tx.dtype(), tx, "x", tx);
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
        return attention(q, k, v, causal, defaultScale(q));
    }

    /**
     * {@code out = softmax(scale * q kᵀ + mask) v}. q [B, Hq, Sq, D], k and v [B, Hkv, Skv, D], Hq a
     * multiple of Hkv (query head h reads kv head h / (Hq / Hkv)), 1 &lt;= D &lt;= 256. Causal: query
     * i sees key j iff {@code j <= i + (Skv - Sq)}; a query that sees no key gets zeros. Returns
     * [B, Hq, Sq, D] of q's dtype. Flash-style: the [Sq, Skv] scores are never held in memory.
     */
    public static Tensor attention(Tensor q, Tensor k, Tensor v, boolean causal, float scale) {
        return attention(q, k, v, causal, scale, null, false, null, false);
    }

    /**
     * Every attention overload: {@code withLengths} says kvLengths is an argument (then null is a
     * NullPointerException), {@code into} that out is; returns the new result, or null when into.
     */
    private static Tensor attention(Tensor q, Tensor k, Tensor v, boolean causal, float scale, Tensor kvLengths,
                                    boolean withLengths, Tensor out, boolean into) {
        TensorImpl tq = TensorImpl.of(q, "attention: q");
        TensorImpl tk = TensorImpl.of(k, "attention: k");
        TensorImpl tv = TensorImpl.of(v, "attention: v");
        TensorImpl tl = withLengths ? TensorImpl.of(kvLengths, "attention: kvLengths") : null;
        TensorImpl to = into ? TensorImpl.of(out, "attention: out") : null;
        try (Leases l = new Leases().add(tq, "attention: q").add(tk, "attention: k").add(tv, "attention: v")) {
            if (tl != null) {
                l.add(tl, "attention: kvLengths");
            }
            if (to != null) {
                l.add(to, "attention: out");
            }
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
            if (tl != null) {
                checkKvLengths(tl, tq, batch);
            }
            if (to != null) {
                checkOut("attention", to, tq.shapeView(), tq.dtype(), tq, "q", tq, "k", tk, "v", tv, "kvLengths", tl);
                runAttention(tq, tk, tv, causal, scale, tl, to);
                return null;
            }
            try (Outputs o = new Outputs(tq, "attention")) {
                TensorImpl result = o.add("result", tq.dtype(), tq.shapeView());
                runAttention(tq, tk, tv, causal, scale, tl, result);
                return o.keep(result);
            }
        }
    }

    /**
     * MoE router. logits [T, E] (F32, F16 or BF16), 1 &lt;= k &lt;= min(E, 64), E &lt;= 4096. Per token:
     * p = softmax(row); experts = the k indices of the largest p, descending, ties to the lower
     * index; weights = those p, divided by their sum when {@code renormalize}. weights [T, k] F32,
     * experts [T, k] I32; every index is in [0, E) whatever the input, NaN included. Experts are
     * ranked on the logits (the same order as the probabilities, without ties made by rounding);
     * NaN ranks above everything. A row that is all -inf has probabilities 0 and experts 0..k-1;
     * renormalized, its weights stay 0 (not 0/0).
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
            if (n > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("topK: rows longer than 2^31 - 1 elements are not supported (the indices"
                        + " are I32), got x " + Shapes.format(tx.shapeView()));
            }
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

    // ---------------------------------------------------------------- attention: kvLengths, out overloads

    /**
     * {@link #attention(Tensor, Tensor, Tensor, boolean)} (scale 1/sqrt(D)) written to {@code out},
     * which has q's shape and dtype and may be q itself. (The explicit-scale form has no out
     * overload of its own: {@code attention(q, k, v, causal, scale, Tensor)} is the kvLengths
     * form; its out overload with lengths of Skv computes the same.)
     */
    public static void attention(Tensor q, Tensor k, Tensor v, boolean causal, Tensor out) {
        attention(q, k, v, causal, defaultScale(q), null, false, out, true);
    }

    /**
     * Attention over a prefix of the keys of each batch: as
     * {@link #attention(Tensor, Tensor, Tensor, boolean, float)}, where {@code kvLengths} (I32 [B],
     * on the device of q) says batch b uses only keys [0, L_b) of k and v, the rest being padding
     * or the unused rows of a KV cache: L_b is kvLengths[b] clamped to [0, Skv] (the kernels
     * clamp; the lengths are never read back to the host). Keys past L_b are not part of the op:
     * their values, NaN included, never reach the result, and no work is spent on them. Causal:
     * query i sees key j iff {@code j < L_b} and {@code j <= i + (L_b - Sq)}. A query that sees no
     * key (L_b == 0 among them) gets zeros. Returns [B, Hq, Sq, D] of q's dtype.
     */
    public static Tensor attention(Tensor q, Tensor k, Tensor v, boolean causal, float scale, Tensor kvLengths) {
        return attention(q, k, v, causal, scale, kvLengths, true, null, false);
    }

    /**
     * {@link #attention(Tensor, Tensor, Tensor, boolean, float, Tensor)} written to {@code out}
     * ([B, Hq, Sq, D] of q's dtype; may be q itself, and overlaps nothing else it reads).
     */
    public static void attention(Tensor q, Tensor k, Tensor v, boolean causal, float scale, Tensor kvLengths, Tensor out) {
        attention(q, k, v, causal, scale, kvLengths, true, out, true);
    }

    /** 1/sqrt(D) of q [B, Hq, Sq, D]. */
    private static float defaultScale(Tensor q) {
        TensorImpl tq = TensorImpl.of(q, "attention: q");
        if (tq.rank() != 4) {
            throw new IllegalArgumentException("attention: q must be [B, Hq, Sq, D], got " + Shapes.format(tq.shapeView()));
        }
        return (float) (1.0 / Math.sqrt(Math.max(1, tq.dim(3))));
    }

    /** kvLengths of attention: I32 [B] on q's device. */
    private static void checkKvLengths(TensorImpl lengths, TensorImpl q, long batch) {
        sameDevice("attention", "q", q, "kvLengths", lengths, null, null);
        if (lengths.dtype() != DType.I32 || lengths.rank() != 1 || lengths.dim(0) != batch) {
            throw new IllegalArgumentException("attention: kvLengths must be I32 [" + batch + "] (B of q "
                    + Shapes.format(q.shapeView()) + "), got " + lengths.dtype() + " " + Shapes.format(lengths.shapeView()));
        }
    }

    /** Queues the validated call; nothing when out is empty. */
    private static void runAttention(TensorImpl q, TensorImpl k, TensorImpl v, boolean causal, float scale,
                                     TensorImpl lengths, TensorImpl out) {
        if (out.size() == 0) {
            return;
        }
        q.backendDevice().kernels().attention(new Kernels.Attention(q.dtype(), q.dim(0), q.dim(1), k.dim(1), q.dim(2),
                k.dim(2), (int) q.dim(3), causal, scale, q.memory(), k.memory(), v.memory(), out.memory(),
                lengths == null ? null : lengths.memory()));
    }

    // ---------------------------------------------------------------- embedding, rope, writeCache (families "gather" and "rope")

    /**
     * Rows of a table picked by index: table [V, H] (F32, F16 or BF16), ids I32 of any shape S of
     * rank 1 to 7; returns S + [H] of table's dtype whose row i (ids in row-major order) is
     * table[ids[i]], copied bit for bit. An id outside [0, V) (negative, V or more) gives a row of
     * NaN, and nothing outside the table is read. Empty ids give an empty result.
     */
    public static Tensor embedding(Tensor table, Tensor ids) {
        TensorImpl tt = TensorImpl.of(table, "embedding: table");
        TensorImpl ti = TensorImpl.of(ids, "embedding: ids");
        try (Leases l = new Leases().add(tt, "embedding: table").add(ti, "embedding: ids")) {
            long[] shape = embeddingShape(tt, ti);
            try (Outputs o = new Outputs(tt, "embedding")) {
                TensorImpl out = o.add("result", tt.dtype(), shape);
                runEmbedding(tt, ti, out);
                return o.keep(out);
            }
        }
    }

    /**
     * {@link #embedding(Tensor, Tensor)} written to {@code out}: ids.shape + [H], table's dtype. out
     * may be the table itself (then the rows are gathered into scratch memory first and copied
     * over the table); any other overlap with table or ids is an IllegalArgumentException.
     */
    public static void embedding(Tensor table, Tensor ids, Tensor out) {
        TensorImpl tt = TensorImpl.of(table, "embedding: table");
        TensorImpl ti = TensorImpl.of(ids, "embedding: ids");
        TensorImpl to = TensorImpl.of(out, "embedding: out");
        try (Leases l = new Leases().add(tt, "embedding: table").add(ti, "embedding: ids").add(to, "embedding: out")) {
            long[] shape = embeddingShape(tt, ti);
            checkOut("embedding", to, shape, tt.dtype(), tt, "table", tt, "ids", ti);
            if (to.size() > 0 && to.sameBytes(tt)) {
                // Gathering in place would overwrite rows that later rows still read.
                try (Outputs o = new Outputs(tt, "embedding")) {
                    TensorImpl scratch = o.add("scratch", tt.dtype(), shape);
                    runEmbedding(tt, ti, scratch);
                    tt.backendDevice().copy(scratch.memory(), to.memory(), to.byteSize());
                }
                return;
            }
            runEmbedding(tt, ti, to);
        }
    }

    private static long[] embeddingShape(TensorImpl table, TensorImpl ids) {
        sameDevice("embedding", "table", table, "ids", ids, null, null);
        floating("embedding", "table", table);
        if (table.rank() != 2) {
            throw new IllegalArgumentException("embedding: table must be [V, H], got " + Shapes.format(table.shapeView()));
        }
        if (ids.dtype() != DType.I32) {
            throw new IllegalArgumentException("embedding: ids must be I32, got " + ids.dtype());
        }
        if (ids.rank() > Shapes.MAX_RANK - 1) {
            throw new IllegalArgumentException("embedding: ids must have rank 1 to " + (Shapes.MAX_RANK - 1)
                    + " (the result, ids.shape + [H], has rank at most " + Shapes.MAX_RANK + "), got ids "
                    + Shapes.format(ids.shapeView()));
        }
        long[] shape = Arrays.copyOf(ids.shapeView(), ids.rank() + 1);
        shape[ids.rank()] = table.dim(1);
        return shape;
    }

    private static void runEmbedding(TensorImpl table, TensorImpl ids, TensorImpl out) {
        if (out.size() == 0) {
            return;
        }
        table.backendDevice().kernels().embedding(new Kernels.Embedding(table.dtype(), ids.size(), table.dim(1),
                table.dim(0), table.memory(), ids.memory(), out.memory()));
    }

    /**
     * Rotary position embedding, in place: x [B, H, S, D] (F32, F16 or BF16); positions I32 [S]
     * (one position per sequence index, shared by every batch) or [B, S]; inverseFrequencies F32
     * [R/2], R even and R &lt;= D, rotates the first R features of every row and leaves the other
     * D - R alone. Pair i (0 &lt;= i &lt; R/2) is the features (i, i + R/2) (the Hugging Face Llama /
     * GPT-NeoX layout), or (2i, 2i + 1) when {@code interleaved} (GPT-J / Meta layout); with angle a,
     * (x1, x2) becomes (x1 cos a - x2 sin a, x1 sin a + x2 cos a).
     *
     * <p>Angles are computed in F32, as Hugging Face computes them (its {@code freqs} is the F32
     * product of the positions and inv_freq): {@code a = (float) position * inverseFrequencies[i]},
     * one F32 product, then cos a
     * and sin a of that F32 angle, each rounded to F32 (CUDA {@code sincosf} at full precision,
     * OpenCL {@code sincos}, Java {@code Math.cos/sin}); the rotation is F32 arithmetic rounded once
     * to x's dtype. An F32 angle of size |a| is off the exact p·f by up to |a|·2^-24, so the result
     * is off the exact rotation by about that fraction of the pair's length (6e-3 at |a| = 100000).
     * Negative positions rotate by negative angles.
     */
    public static void rope(Tensor x, Tensor positions, Tensor inverseFrequencies, boolean interleaved) {
        TensorImpl tx = TensorImpl.of(x, "rope: x");
        TensorImpl tp = TensorImpl.of(positions, "rope: positions");
        TensorImpl tf = TensorImpl.of(inverseFrequencies, "rope: inverseFrequencies");
        try (Leases l = new Leases().add(tx, "rope: x").add(tp, "rope: positions").add(tf, "rope: inverseFrequencies")) {
            checkRope(tx, tp);
            sameDevice("rope", "x", tx, "inverseFrequencies", tf, null, null);
            if (tf.dtype() != DType.F32) {
                throw new IllegalArgumentException("rope: inverseFrequencies must be F32, got " + tf.dtype());
            }
            if (tf.rank() != 1 || 2 * tf.dim(0) > tx.dim(3)) {
                throw new IllegalArgumentException("rope: inverseFrequencies must be [R/2] with R <= D = " + tx.dim(3)
                        + " (x is " + Shapes.format(tx.shapeView()) + "), got " + Shapes.format(tf.shapeView()));
            }
            if (tx.overlaps(tf)) {
                throw new IllegalArgumentException("rope: x overlaps inverseFrequencies (views of one allocation)");
            }
            runRope(tx, tp, tf, tf.dim(0), interleaved);
        }
    }

    /**
     * {@link #rope(Tensor, Tensor, Tensor, boolean)} over all D features (D even, else an
     * IllegalArgumentException), not interleaved, with the inverse frequencies of base
     * {@code theta} (finite, &gt; 0) computed on the host as Hugging Face computes them, in F32:
     * {@code inverseFrequencies[i] = 1.0f / (float) pow(theta, (float) (2i) / (float) D)}, that is
     * {@code 1.0 / (theta ** (torch.arange(0, D, 2).float() / D))}; then uploaded (D/2 floats) on
     * every call: a loop over layers may build the table once and call the other overload.
     */
    public static void rope(Tensor x, Tensor positions, float theta) {
        TensorImpl tx = TensorImpl.of(x, "rope: x");
        TensorImpl tp = TensorImpl.of(positions, "rope: positions");
        try (Leases l = new Leases().add(tx, "rope: x").add(tp, "rope: positions")) {
            checkRope(tx, tp);
            long d = tx.dim(3);
            if (d % 2 != 0) {
                throw new IllegalArgumentException("rope: D must be even for the theta overload (it rotates all D features),"
                        + " got x " + Shapes.format(tx.shapeView()));
            }
            if (!(theta > 0) || !Float.isFinite(theta)) {
                throw new IllegalArgumentException("rope: theta must be finite and > 0, got " + theta);
            }
            if (d / 2 > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("rope: the theta overload takes D up to " + 2L * (Integer.MAX_VALUE - 8)
                        + ", got x " + Shapes.format(tx.shapeView()));
            }
            if (tx.size() == 0) {
                return;
            }
            float[] inv = ropeInverseFrequencies((int) (d / 2), d, theta);
            try (Outputs o = new Outputs(tx, "rope")) {
                TensorImpl tf = o.add("inverseFrequencies", DType.F32, d / 2);
                dev.panamax.internal.Staging.copyIn(tx.backendDevice(), java.lang.foreign.MemorySegment.ofArray(inv),
                        tf.memory(), tf.byteSize());
                runRope(tx, tp, tf, d / 2, false);
            }
        }
    }

    /** Hugging Face's {@code 1.0 / (theta ** (torch.arange(0, d, 2).float() / d))}, all in F32. */
    private static float[] ropeInverseFrequencies(int half, long d, float theta) {
        float[] inv = new float[half];
        for (int i = 0; i < half; i++) {
            float exponent = (float) (2L * i) / (float) d;
            inv[i] = 1.0f / (float) Math.pow(theta, exponent);
        }
        return inv;
    }

    /** x [B, H, S, D] floating; positions I32 [S] or [B, S] on x's device, not overlapping x. */
    private static void checkRope(TensorImpl x, TensorImpl positions) {
        sameDevice("rope", "x", x, "positions", positions, null, null);
        floating("rope", "x", x);
        if (x.rank() != 4) {
            throw new IllegalArgumentException("rope: x must be [B, H, S, D], got " + Shapes.format(x.shapeView()));
        }
        if (positions.dtype() != DType.I32) {
            throw new IllegalArgumentException("rope: positions must be I32, got " + positions.dtype());
        }
        long b = x.dim(0), s = x.dim(2);
        boolean shared = positions.rank() == 1 && positions.dim(0) == s;
        boolean batched = positions.rank() == 2 && positions.dim(0) == b && positions.dim(1) == s;
        if (!shared && !batched) {
            throw new IllegalArgumentException("rope: positions must be [S] = [" + s + "] or [B, S] = [" + b + ", " + s
                    + "] for x " + Shapes.format(x.shapeView()) + ", got " + Shapes.format(positions.shapeView()));
        }
        if (x.overlaps(positions)) {
            throw new IllegalArgumentException("rope: x overlaps positions (views of one allocation)");
        }
    }

    private static void runRope(TensorImpl x, TensorImpl positions, TensorImpl inv, long pairs, boolean interleaved) {
        if (x.size() == 0 || pairs == 0) {
            return;
        }
        x.backendDevice().kernels().rope(new Kernels.Rope(x.dtype(), x.dim(0), x.dim(1), x.dim(2), x.dim(3), pairs,
                interleaved, positions.rank() == 2, x.memory(), positions.memory(), inv.memory()));
    }

    /**
     * KV-cache append: src [B, H, T, D] and cache [B, H, Smax, D] of one dtype (F32, F16 or BF16),
     * starts I32 [B] on the same device: {@code cache[b, h, starts[b] + t, :] = src[b, h, t, :]},
     * copied bit for bit. A row that would land outside [0, Smax) is dropped (starts may be
     * negative or past Smax: nothing is written outside the cache and nothing is thrown; starts
     * stay on the device and are not read back). The rest of the cache is left as it was.
     */
    public static void writeCache(Tensor src, Tensor cache, Tensor starts) {
        TensorImpl ts = TensorImpl.of(src, "writeCache: src");
        TensorImpl tc = TensorImpl.of(cache, "writeCache: cache");
        TensorImpl tst = TensorImpl.of(starts, "writeCache: starts");
        try (Leases l = new Leases().add(ts, "writeCache: src").add(tc, "writeCache: cache").add(tst, "writeCache: starts")) {
            sameDevice("writeCache", "src", ts, "cache", tc, "starts", tst);
            floating("writeCache", "src", ts);
            if (tc.dtype() != ts.dtype()) {
                throw new IllegalArgumentException("writeCache: src and cache must have the same dtype, got src " + ts.dtype()
                        + " and cache " + tc.dtype());
            }
            if (ts.rank() != 4 || tc.rank() != 4) {
                throw new IllegalArgumentException("writeCache: src must be [B, H, T, D] and cache [B, H, Smax, D], got src "
                        + Shapes.format(ts.shapeView()) + " and cache " + Shapes.format(tc.shapeView()));
            }
            if (ts.dim(0) != tc.dim(0) || ts.dim(1) != tc.dim(1) || ts.dim(3) != tc.dim(3)) {
                throw new IllegalArgumentException("writeCache: src and cache must agree on B, H and D, got src "
                        + Shapes.format(ts.shapeView()) + " and cache " + Shapes.format(tc.shapeView()));
            }
            if (tst.dtype() != DType.I32) {
                throw new IllegalArgumentException("writeCache: starts must be I32, got " + tst.dtype());
            }
            if (tst.rank() != 1 || tst.dim(0) != ts.dim(0)) {
                throw new IllegalArgumentException("writeCache: starts must be [B] = [" + ts.dim(0) + "] for src "
                        + Shapes.format(ts.shapeView()) + ", got " + Shapes.format(tst.shapeView()));
            }
            if (tc.overlaps(ts) || tc.overlaps(tst)) {
                throw new IllegalArgumentException("writeCache: cache overlaps " + (tc.overlaps(ts) ? "src" : "starts")
                        + " (views of one allocation)");
            }
            if (ts.size() == 0 || tc.size() == 0) {
                return; // nothing to move, or nowhere to put it: every row is dropped
            }
            ts.backendDevice().kernels().writeCache(new Kernels.WriteCache(ts.dtype(), ts.dim(0), ts.dim(1), ts.dim(2),
                    tc.dim(2), ts.dim(3), ts.memory(), tc.memory(), tst.memory()));
        }
    }

    // ---------------------------------------------------------------- permute (family "permute")

    /**
     * The axes of x reordered, into a new contiguous tensor of x's dtype: {@code out.shape[j] =
     * x.shape[dims[j]]} and {@code out[i_0, ..., i_{n-1}]} is the element of x whose coordinate
     * {@code dims[j]} is {@code i_j}, copied bit for bit (PyTorch's
     * {@code x.permute(dims).contiguous()}). dims is a permutation of 0 .. rank - 1 (rank 1 to 8);
     * every dtype; x may be a view. Dimensions that stay adjacent and in order move as one, so
     * [B, S, H, D] to [B, H, S, D] ({@code dims = {0, 2, 1, 3}}) moves runs of D elements. An
     * empty x gives an empty result and launches nothing.
     */
    public static Tensor permute(Tensor x, int... dims) {
        TensorImpl tx = TensorImpl.of(x, "permute: x");
        try (Leases l = new Leases().add(tx, "permute: x")) {
            long[] shape = permuteShape(tx, dims);
            try (Outputs o = new Outputs(tx, "permute")) {
                TensorImpl out = o.add("result", tx.dtype(), shape);
                runPermute(tx, dims, out);
                return o.keep(out);
            }
        }
    }

    /**
     * {@link #permute(Tensor, int...)} written to {@code out}: exactly the result's shape and
     * dtype, on x's device, sharing no memory with x (any overlap, the identity permutation's
     * included, is an IllegalArgumentException).
     */
    public static void permute(Tensor x, int[] dims, Tensor out) {
        TensorImpl tx = TensorImpl.of(x, "permute: x");
        TensorImpl to = TensorImpl.of(out, "permute: out");
        try (Leases l = new Leases().add(tx, "permute: x").add(to, "permute: out")) {
            long[] shape = permuteShape(tx, dims);
            sameDevice("permute", "x", tx, "out", to, null, null);
            if (to.overlaps(tx)) {
                throw new IllegalArgumentException("permute: out overlaps x (views of one allocation); permute never works"
                        + " in place");
            }
            checkOut("permute", to, shape, tx.dtype(), tx, "x", tx);
            runPermute(tx, dims, to);
        }
    }

    /** The result's shape; dims must be a permutation of x's axes. */
    private static long[] permuteShape(TensorImpl x, int[] dims) {
        if (dims == null) {
            throw new NullPointerException("permute: dims is null");
        }
        int n = x.rank();
        boolean[] seen = new boolean[n];
        boolean ok = dims.length == n;
        for (int i = 0; ok && i < n; i++) {
            ok = dims[i] >= 0 && dims[i] < n && !seen[dims[i]];
            if (ok) {
                seen[dims[i]] = true;
            }
        }
        if (!ok) {
            throw new IllegalArgumentException("permute: dims must be a permutation of 0.." + (n - 1) + " (x is "
                    + Shapes.format(x.shapeView()) + " of rank " + n + "), got dims " + Arrays.toString(dims));
        }
        long[] shape = new long[n];
        for (int j = 0; j < n; j++) {
            shape[j] = x.dim(dims[j]);
        }
        return shape;
    }

    private static void runPermute(TensorImpl x, int[] dims, TensorImpl out) {
        if (out.size() == 0) {
            return;
        }
        x.backendDevice().kernels().permute(Kernels.Permute.of(x.dtype(), x.shapeView().clone(), dims.clone(), x.memory(),
                out.memory()));
    }

    // ---------------------------------------------------------------- groupedMatmul, moe (family "moe")

    /**
     * The grouped GEMM underneath {@link #moe}: x [N, K] (F32, F16 or BF16) with its rows sorted by
     * group, w [G, M, K] of x's dtype ({@code nn.Linear} layout, [out, in]), G &gt;= 1, groupEnds
     * I32 [G] on the same device: rows [groupEnds[g-1], groupEnds[g]) are multiplied by w[g]ᵀ into
     * out [N, M] of x's dtype, accumulated in F32. groupEnds stays on the device and is not read
     * back to validate it: the kernels clamp each end to [0, N] and give group g the rows from the
     * largest clamped end before it (0 for g = 0) up to its own clamped end (none when that is
     * smaller), so groups never overlap, whatever groupEnds holds, and nothing outside x, w and
     * out is read or written. Rows no group covers are zeros. All groups run in one pass; an empty
     * group costs nothing.
     */
    public static Tensor groupedMatmul(Tensor x, Tensor w, Tensor groupEnds) {
        return groupedMatmul(x, w, groupEnds, null, false);
    }

    /** {@link #groupedMatmul(Tensor, Tensor, Tensor)} written to {@code out} ([N, M], x's dtype; may be x itself when M = K). */
    public static void groupedMatmul(Tensor x, Tensor w, Tensor groupEnds, Tensor out) {
        groupedMatmul(x, w, groupEnds, out, true);
    }

    private static Tensor groupedMatmul(Tensor x, Tensor w, Tensor groupEnds, Tensor out, boolean intoOut) {
        String op = "groupedMatmul";
        TensorImpl tx = TensorImpl.of(x, op + ": x");
        TensorImpl tw = TensorImpl.of(w, op + ": w");
        TensorImpl te = TensorImpl.of(groupEnds, op + ": groupEnds");
        TensorImpl to = intoOut ? TensorImpl.of(out, op + ": out") : null;
        try (Leases l = new Leases().add(tx, op + ": x").add(tw, op + ": w").add(te, op + ": groupEnds")) {
            if (to != null) {
                l.add(to, op + ": out");
            }
            sameDevice(op, "x", tx, "w", tw, "groupEnds", te);
            floating(op, "x", tx);
            if (tx.rank() != 2) {
                throw new IllegalArgumentException(op + ": x must be [N, K], got " + Shapes.format(tx.shapeView()));
            }
            if (tw.dtype() != tx.dtype()) {
                throw new IllegalArgumentException(op + ": w must have the dtype of x (" + tx.dtype() + "), got " + tw.dtype());
            }
            if (tw.rank() != 3 || tw.dim(0) < 1 || tw.dim(2) != tx.dim(1)) {
                throw new IllegalArgumentException(op + ": w must be [G, M, K] with G >= 1 and K = " + tx.dim(1)
                        + " (x is " + Shapes.format(tx.shapeView()) + "), got " + Shapes.format(tw.shapeView()));
            }
            if (te.dtype() != DType.I32 || te.rank() != 1 || te.dim(0) != tw.dim(0)) {
                throw new IllegalArgumentException(op + ": groupEnds must be I32 [G] = [" + tw.dim(0) + "] (w is "
                        + Shapes.format(tw.shapeView()) + "), got " + te.dtype() + " " + Shapes.format(te.shapeView()));
            }
            long rows = tx.dim(0), inner = tx.dim(1), cols = tw.dim(1), groups = tw.dim(0);
            long[] shape = {rows, cols};
            if (to != null) {
                checkOut(op, to, shape, tx.dtype(), tx, "x", tx, "w", tw, "groupEnds", te);
                if (to.size() > 0 && to.sameBytes(tx)) {
                    // out = x: a row of out would overwrite x while other tiles still read it
                    try (Outputs o = new Outputs(tx, op)) {
                        TensorImpl scratch = o.add("scratch", tx.dtype(), shape);
                        runGroupedMatmul(tx, tw, te, scratch, rows, cols, inner, groups);
                        tx.backendDevice().copy(scratch.memory(), to.memory(), to.byteSize());
                    }
                } else {
                    runGroupedMatmul(tx, tw, te, to, rows, cols, inner, groups);
                }
                return null;
            }
            try (Outputs o = new Outputs(tx, op)) {
                TensorImpl result = o.add("result", tx.dtype(), shape);
                runGroupedMatmul(tx, tw, te, result, rows, cols, inner, groups);
                return o.keep(result);
            }
        }
    }

    private static void runGroupedMatmul(TensorImpl x, TensorImpl w, TensorImpl ends, TensorImpl out, long rows, long cols,
                                         long inner, long groups) {
        if (out.size() == 0) {
            return;
        }
        x.backendDevice().kernels().groupedMatmul(new Kernels.GroupedMatmul(x.dtype(), rows, cols, inner, groups,
                x.memory(), w.memory(), ends.memory(), out.memory()));
    }

    /**
     * A mixture-of-experts SwiGLU feed-forward layer: x [T, H] (F32, F16 or BF16); routing as
     * {@link #topKGating} makes it (weights [T, k] F32, experts [T, k] I32, k &gt;= 1); gate and up
     * [E, F, H], down [E, H, F] ({@code nn.Linear} layout, [out, in]), E &gt;= 1, x's dtype. out
     * [T, H] of x's dtype: {@code out[t] = sum_j weights[t, j] * down_e (silu(gate_e x_t) * up_e x_t)}
     * with e = experts[t, j], summed in j order in F32 (deterministic: the same bits every call).
     * An expert outside [0, E) adds nothing (a token whose experts are all outside gets zeros).
     * The intermediate activations [F] may be rounded to x's dtype. The work grows with T·k, not
     * T·E: each chosen expert's weights are read once per call, an expert no token chose not at all.
     */
    public static Tensor moe(Tensor x, Routing routing, Tensor gate, Tensor up, Tensor down) {
        return moe(x, routing, gate, up, down, null, false);
    }

    /** {@link #moe(Tensor, Routing, Tensor, Tensor, Tensor)} written to {@code out} ([T, H], x's dtype; may be x itself). */
    public static void moe(Tensor x, Routing routing, Tensor gate, Tensor up, Tensor down, Tensor out) {
        moe(x, routing, gate, up, down, out, true);
    }

    private static Tensor moe(Tensor x, Routing routing, Tensor gate, Tensor up, Tensor down, Tensor out, boolean intoOut) {
        String op = "moe";
        if (routing == null) {
            throw new IllegalArgumentException("moe: routing must not be null");
        }
        TensorImpl tg = TensorImpl.of(gate, op + ": gate");
        TensorImpl tu = TensorImpl.of(up, op + ": up");
        TensorImpl td = TensorImpl.of(down, op + ": down");
        return floatMoe(x, routing, tg, tu, td, "", out, intoOut, (tx, hidden) -> {
            for (Object[] p : new Object[][] {{"gate", tg}, {"up", tu}, {"down", td}}) {
                TensorImpl t = (TensorImpl) p[1];
                if (t.dtype() != tx.dtype()) {
                    throw new IllegalArgumentException(op + ": " + p[0] + " must have the dtype of x (" + tx.dtype() + "), got "
                            + t.dtype());
                }
            }
            if (tg.rank() != 3 || tg.dim(0) < 1 || tg.dim(2) != hidden || !Arrays.equals(tg.shapeView(), tu.shapeView())) {
                throw new IllegalArgumentException(op + ": gate and up must both be [E, F, H] with E >= 1 and H = " + hidden
                        + " (x is " + Shapes.format(tx.shapeView()) + "), got gate " + Shapes.format(tg.shapeView())
                        + " and up " + Shapes.format(tu.shapeView()));
            }
            long experts = tg.dim(0), ffn = tg.dim(1);
            if (!Arrays.equals(td.shapeView(), new long[] {experts, hidden, ffn})) {
                throw new IllegalArgumentException(op + ": down must be [E, H, F] = " + Shapes.format(new long[] {experts, hidden, ffn})
                        + " (gate is " + Shapes.format(tg.shapeView()) + "), got " + Shapes.format(td.shapeView()));
            }
            return new long[] {experts, ffn};
        }, Kernels::moe);
    }

    /**
     * {@link #moe(Tensor, Routing, Tensor, Tensor, Tensor)} with the experts packed once, for the
     * many calls of a model: gate and up from {@code pack([E, F, H], true)} (stacks [E, H, F]),
     * down from {@code pack([E, H, F], true)} ([E, F, H]), all of x's dtype and device. The same
     * layer; on the CPU the experts' products then read column strips instead of transposing each
     * expert's weights at every call (the packed copy is F32 there: twice a 16-bit expert's bytes).
     */
    public static Tensor moe(Tensor x, Routing routing, PackedMatrix gate, PackedMatrix up, PackedMatrix down) {
        return packedMoe(x, routing, gate, up, down, null, false);
    }

    /**
     * {@link #moe(Tensor, Routing, PackedMatrix, PackedMatrix, PackedMatrix)} written to {@code out}
     * ([T, H], x's dtype; may be x itself).
     */
    public static void moe(Tensor x, Routing routing, PackedMatrix gate, PackedMatrix up, PackedMatrix down, Tensor out) {
        packedMoe(x, routing, gate, up, down, out, true);
    }

    private static Tensor packedMoe(Tensor x, Routing routing, PackedMatrix gate, PackedMatrix up, PackedMatrix down,
                                    Tensor out, boolean intoOut) {
        String op = "moe";
        if (routing == null) {
            throw new IllegalArgumentException("moe: routing must not be null");
        }
        PackedMatrixImpl[] packed = new PackedMatrixImpl[3];
        String[] names = {"gate", "up", "down"};
        PackedMatrix[] given = {gate, up, down};
        for (int i = 0; i < 3; i++) {
            if (given[i] == null) {
                throw new NullPointerException(op + ": " + names[i] + " is null");
            }
            if (!(given[i] instanceof PackedMatrixImpl p)) {
                throw new IllegalArgumentException(op + ": " + names[i] + " is not a Panamax packed matrix (Ops.pack makes them): "
                        + given[i].getClass().getName());
            }
            packed[i] = p;
        }
        PackedMatrixImpl pg = packed[0], pu = packed[1], pd = packed[2];
        return floatMoe(x, routing, pg.storage(), pu.storage(), pd.storage(), " (packed)", out, intoOut, (tx, hidden) -> {
            for (int i = 0; i < 3; i++) {
                PackedMatrixImpl p = packed[i];
                if (p.dtype() != tx.dtype()) {
                    throw new IllegalArgumentException(op + ": " + names[i] + " must be packed from x's dtype (" + tx.dtype()
                            + "), got " + p.dtype());
                }
                if (p.stack() < 1 || !p.layout().transB()) {
                    throw new IllegalArgumentException(op + ": " + names[i] + " must be a stack packed from the nn.Linear layout, "
                            + "Ops.pack(" + (i < 2 ? "[E, F, H]" : "[E, H, F]") + ", true); got " + p);
                }
            }
            if (pg.k() != hidden || !Arrays.equals(pg.shape(), pu.shape())) {
                throw new IllegalArgumentException(op + ": gate and up must both be packed [E, H, F] with H = " + hidden
                        + " (x is " + Shapes.format(tx.shapeView()) + "), got gate " + Shapes.format(pg.shape())
                        + " and up " + Shapes.format(pu.shape()));
            }
            long experts = pg.stack(), ffn = pg.n();
            if (!Arrays.equals(pd.shape(), new long[] {experts, ffn, hidden})) {
                throw new IllegalArgumentException(op + ": down must be packed [E, F, H] = "
                        + Shapes.format(new long[] {experts, ffn, hidden}) + " (gate is packed " + Shapes.format(pg.shape())
                        + "), got " + Shapes.format(pd.shape()));
            }
            return new long[] {experts, ffn};
        }, (kernels, layer) -> kernels.packedMoe(new Kernels.PackedMoe(layer, pg.layout(), pd.layout())));
    }

    /** Checks the experts of a float moe against x [T, H] (hidden = H); returns {E, F}. */
    private interface ExpertShapes {
        long[] check(TensorImpl x, long hidden);
    }

    /**
     * The float moe around its experts' memory (gate, up and down tensors, or the storage of packed
     * stacks, {@code kind} naming which in the leases): checks x and the routing, then the experts
     * ({@code shapes}), and runs {@code kernel} into out or a new [T, H].
     */
    private static Tensor floatMoe(Tensor x, Routing routing, TensorImpl tg, TensorImpl tu, TensorImpl td, String kind,
                                   Tensor out, boolean intoOut, ExpertShapes shapes,
                                   java.util.function.BiConsumer<Kernels, Kernels.Moe> kernel) {
        String op = "moe";
        TensorImpl tx = TensorImpl.of(x, op + ": x");
        TensorImpl tr = TensorImpl.of(routing.weights(), op + ": routing.weights");
        TensorImpl ti = TensorImpl.of(routing.experts(), op + ": routing.experts");
        TensorImpl to = intoOut ? TensorImpl.of(out, op + ": out") : null;
        try (Leases l = new Leases().add(tx, op + ": x").add(tr, op + ": routing.weights").add(ti, op + ": routing.experts")
                .add(tg, op + ": gate" + kind).add(tu, op + ": up" + kind).add(td, op + ": down" + kind)) {
            if (to != null) {
                l.add(to, op + ": out");
            }
            sameDevice(op, "x", tx, "routing.weights", tr, "routing.experts", ti);
            sameDevice(op, "x", tx, "gate", tg, "up", tu);
            sameDevice(op, "x", tx, "down", td, null, null);
            floating(op, "x", tx);
            if (tx.rank() != 2) {
                throw new IllegalArgumentException(op + ": x must be [T, H], got " + Shapes.format(tx.shapeView()));
            }
            long tokens = tx.dim(0), hidden = tx.dim(1);
            checkRouting(op, tx, tr, ti);
            long[] ef = shapes.check(tx, hidden);
            long[] shape = {tokens, hidden};
            TensorImpl result;
            try (Outputs o = new Outputs(tx, op)) {
                if (to != null) {
                    checkOut(op, to, shape, tx.dtype(), tx, "x", tx, "routing.weights", tr, "routing.experts", ti,
                            "gate", tg, "up", tu, "down", td);
                    result = to;
                } else {
                    result = o.add("result", tx.dtype(), shape);
                }
                if (result.size() > 0) {
                    // out may be x: every backend reads all of x (the permuted copy) before it writes out
                    kernel.accept(tx.backendDevice().kernels(), new Kernels.Moe(tx.dtype(), tokens, hidden, ef[1], ef[0],
                            (int) tr.dim(1), tx.memory(), tr.memory(), ti.memory(), tg.memory(), tu.memory(), td.memory(),
                            result.memory()));
                }
                return to != null ? null : o.keep(result);
            }
        }
    }

    // ---------------------------------------------------------------- INT8 (family "int8")

    /** Largest K of a W8A8 {@link #matmul(Tensor, Quantized, boolean)}: 127 · 127 · K stays below 2^31. */
    public static final int MAX_W8A8_INNER = 131072;

    /**
     * Symmetric INT8 per row of the last dimension, bit-identical on every backend: w [..., N, K]
     * (F32, F16 or BF16, rank &gt;= 2) gives values I8 of w's shape and scales F32 [..., N]. For each
     * row, s = max|row| / 127 in F32 (IEEE, subnormals kept); when s is 0 (a zero row, an empty one,
     * or one whose max / 127 underflows) the values are 0; else q = round-half-even(w / s), a true
     * F32 division (not a multiply by 127 / max), clamped to [-127, 127]. A row holding NaN or ±Inf
     * gets scale NaN and values 0, so every product with it is NaN.
     */
    public static Quantized quantize(Tensor w) {
        String op = "quantize";
        TensorImpl tw = TensorImpl.of(w, op + ": w");
        try (Leases l = new Leases().add(tw, op + ": w")) {
            floating(op, "w", tw);
            if (tw.rank() < 2) {
                throw new IllegalArgumentException(op + ": w must have rank 2 or more ([..., N, K]), got "
                        + Shapes.format(tw.shapeView()));
            }
            long[] shape = tw.shape();
            long[] scaleShape = Arrays.copyOf(shape, shape.length - 1);
            try (Outputs o = new Outputs(tw, op)) {
                TensorImpl values = o.add("values", DType.I8, shape);
                TensorImpl scales = o.add("scales", DType.F32, scaleShape);
                long rows = scales.size(), cols = tw.dim(-1);
                if (rows > 0) {
                    tw.backendDevice().kernels().quantize(new Kernels.Quantize(tw.dtype(), rows, cols, tw.memory(),
                            values.memory(), scales.memory()));
                }
                return o.keep(new Quantized(values, scales));
            }
        }
    }

    /** values · scales as a new F32 tensor of the values' shape (each element one F32 multiply). */
    public static Tensor dequantize(Quantized q) {
        String op = "dequantize";
        if (q == null) {
            throw new NullPointerException(op + ": q is null");
        }
        TensorImpl tv = TensorImpl.of(q.values(), op + ": values");
        TensorImpl ts = TensorImpl.of(q.scales(), op + ": scales");
        try (Leases l = new Leases().add(tv, op + ": values").add(ts, op + ": scales")) {
            checkQuantized(op, "q", tv, ts, -1);
            try (Outputs o = new Outputs(tv, op)) {
                TensorImpl out = o.add("result", DType.F32, tv.shapeView());
                if (out.size() > 0) {
                    tv.backendDevice().kernels().dequantize(new Kernels.Dequantize(ts.size(), tv.dim(-1), tv.memory(),
                            ts.memory(), out.memory()));
                }
                return o.keep(out);
            }
        }
    }

    /**
     * x [..., K] (rank &gt;= 1; F32, F16 or BF16) times a quantized weight in {@code nn.Linear}
     * layout (values I8 [N, K], scales F32 [N]), transposed: a new tensor [..., N] of x's dtype.
     * {@code quantizeActivations} false (W8A16): out = x · (values · scales)ᵀ, accumulated in F32;
     * the weights stay INT8 in memory. True (W8A8, dynamic): each row of x is quantized as
     * {@link #quantize} does (scale sx), and out[m, n] = (sx[m] · scales[n]) · Σ_k qx[m, k] ·
     * values[n, k], the sum exact in I32 and the scaling two F32 multiplies, so the result has the
     * same bits on every backend; K &lt;= {@link #MAX_W8A8_INNER}. A row of x holding NaN or ±Inf
     * gives a NaN row in W8A8.
     */
    public static Tensor matmul(Tensor x, Quantized w, boolean quantizeActivations) {
        return quantizedMatmul(x, w, quantizeActivations, null, false);
    }

    /**
     * {@link #matmul(Tensor, Quantized, boolean)} written to {@code out} ([..., N], x's dtype, on x's
     * device); out must not overlap x or the weight.
     */
    public static void matmul(Tensor x, Quantized w, boolean quantizeActivations, Tensor out) {
        quantizedMatmul(x, w, quantizeActivations, out, true);
    }

    private static Tensor quantizedMatmul(Tensor x, Quantized w, boolean quantizeActivations, Tensor out, boolean intoOut) {
        String op = "matmul";
        if (w == null) {
            throw new NullPointerException(op + ": w is null");
        }
        TensorImpl tx = TensorImpl.of(x, op + ": x");
        TensorImpl tv = TensorImpl.of(w.values(), op + ": w.values");
        TensorImpl ts = TensorImpl.of(w.scales(), op + ": w.scales");
        TensorImpl to = intoOut ? TensorImpl.of(out, op + ": out") : null;
        try (Leases l = new Leases().add(tx, op + ": x").add(tv, op + ": w.values").add(ts, op + ": w.scales")) {
            if (to != null) {
                l.add(to, op + ": out");
            }
            floating(op, "x", tx);
            checkQuantized(op, "w", tv, ts, 2);
            sameDevice(op, "x", tx, "w.values", tv, null, null);
            long k = tx.dim(-1), n = tv.dim(0);
            if (tv.dim(1) != k) {
                throw new IllegalArgumentException(op + ": w.values must be [N, K] with K = " + k + " (x is "
                        + Shapes.format(tx.shapeView()) + "), got " + Shapes.format(tv.shapeView()));
            }
            if (quantizeActivations && k > MAX_W8A8_INNER) {
                throw new IllegalArgumentException(op + ": W8A8 needs K <= " + MAX_W8A8_INNER
                        + " (the I32 sums could overflow), got K = " + k);
            }
            long[] shape = tx.shape();
            shape[shape.length - 1] = n;
            try (Outputs o = new Outputs(tx, op)) {
                TensorImpl result;
                if (to != null) {
                    checkOut(op, to, shape, tx.dtype(), tx, "x", tx, "w.values", tv, "w.scales", ts);
                    if (to.overlaps(tx)) {
                        throw new IllegalArgumentException(op + ": out overlaps x; a quantized matmul never works in place");
                    }
                    result = to;
                } else {
                    result = o.add("result", tx.dtype(), shape);
                }
                long rows = Shapes.product(tx.shapeView(), 0, tx.rank() - 1);
                if (result.size() > 0) {
                    tx.backendDevice().kernels().quantizedMatmul(new Kernels.QuantizedMatmul(tx.dtype(), rows, n, k,
                            quantizeActivations, tx.memory(), tv.memory(), ts.memory(), result.memory()));
                }
                return to != null ? null : o.keep(result);
            }
        }
    }

    /**
     * {@link #moe(Tensor, Routing, Tensor, Tensor, Tensor)} with INT8 expert weights: gate and up
     * values [E, F, H] with scales [E, F], down values [E, H, F] with scales [E, H], as
     * {@link #quantize} makes them from the float weights. Each expert's products are those of
     * {@link #matmul(Tensor, Quantized, boolean)} (W8A8 also quantizes each row of the
     * activations before down); at T = 1 only the chosen experts' INT8 bytes are read.
     */
    public static Tensor moe(Tensor x, Routing routing, Quantized gate, Quantized up, Quantized down,
                             boolean quantizeActivations) {
        return quantizedMoe(x, routing, gate, up, down, quantizeActivations, null, false);
    }

    /** {@link #moe(Tensor, Routing, Quantized, Quantized, Quantized, boolean)} written to {@code out} ([T, H], x's dtype; may be x itself). */
    public static void moe(Tensor x, Routing routing, Quantized gate, Quantized up, Quantized down,
                           boolean quantizeActivations, Tensor out) {
        quantizedMoe(x, routing, gate, up, down, quantizeActivations, out, true);
    }

    private static Tensor quantizedMoe(Tensor x, Routing routing, Quantized gate, Quantized up, Quantized down,
                                       boolean quantizeActivations, Tensor out, boolean intoOut) {
        String op = "moe";
        if (routing == null) {
            throw new IllegalArgumentException("moe: routing must not be null");
        }
        for (Object[] p : new Object[][] {{"gate", gate}, {"up", up}, {"down", down}}) {
            if (p[1] == null) {
                throw new NullPointerException(op + ": " + p[0] + " is null");
            }
        }
        TensorImpl tx = TensorImpl.of(x, op + ": x");
        TensorImpl tr = TensorImpl.of(routing.weights(), op + ": routing.weights");
        TensorImpl ti = TensorImpl.of(routing.experts(), op + ": routing.experts");
        TensorImpl tg = TensorImpl.of(gate.values(), op + ": gate.values");
        TensorImpl tgs = TensorImpl.of(gate.scales(), op + ": gate.scales");
        TensorImpl tu = TensorImpl.of(up.values(), op + ": up.values");
        TensorImpl tus = TensorImpl.of(up.scales(), op + ": up.scales");
        TensorImpl td = TensorImpl.of(down.values(), op + ": down.values");
        TensorImpl tds = TensorImpl.of(down.scales(), op + ": down.scales");
        TensorImpl to = intoOut ? TensorImpl.of(out, op + ": out") : null;
        try (Leases l = new Leases().add(tx, op + ": x").add(tr, op + ": routing.weights").add(ti, op + ": routing.experts")
                .add(tg, op + ": gate.values").add(tgs, op + ": gate.scales").add(tu, op + ": up.values")
                .add(tus, op + ": up.scales").add(td, op + ": down.values").add(tds, op + ": down.scales")) {
            if (to != null) {
                l.add(to, op + ": out");
            }
            sameDevice(op, "x", tx, "routing.weights", tr, "routing.experts", ti);
            sameDevice(op, "x", tx, "gate.values", tg, "up.values", tu);
            sameDevice(op, "x", tx, "down.values", td, null, null);
            floating(op, "x", tx);
            checkQuantized(op, "gate", tg, tgs, 3);
            checkQuantized(op, "up", tu, tus, 3);
            checkQuantized(op, "down", td, tds, 3);
            if (tx.rank() != 2) {
                throw new IllegalArgumentException(op + ": x must be [T, H], got " + Shapes.format(tx.shapeView()));
            }
            long tokens = tx.dim(0), hidden = tx.dim(1);
            checkRouting(op, tx, tr, ti);
            if (tg.dim(0) < 1 || tg.dim(2) != hidden || !Arrays.equals(tg.shapeView(), tu.shapeView())) {
                throw new IllegalArgumentException(op + ": gate and up values must both be [E, F, H] with E >= 1 and H = "
                        + hidden + " (x is " + Shapes.format(tx.shapeView()) + "), got gate " + Shapes.format(tg.shapeView())
                        + " and up " + Shapes.format(tu.shapeView()));
            }
            long experts = tg.dim(0), ffn = tg.dim(1);
            if (!Arrays.equals(td.shapeView(), new long[] {experts, hidden, ffn})) {
                throw new IllegalArgumentException(op + ": down values must be [E, H, F] = "
                        + Shapes.format(new long[] {experts, hidden, ffn}) + " (gate is " + Shapes.format(tg.shapeView())
                        + "), got " + Shapes.format(td.shapeView()));
            }
            if (quantizeActivations && Math.max(hidden, ffn) > MAX_W8A8_INNER) {
                throw new IllegalArgumentException(op + ": W8A8 needs H and F <= " + MAX_W8A8_INNER + ", got H = " + hidden
                        + ", F = " + ffn);
            }
            long[] shape = {tokens, hidden};
            try (Outputs o = new Outputs(tx, op)) {
                TensorImpl result;
                if (to != null) {
                    checkOut(op, to, shape, tx.dtype(), tx, "x", tx, "routing.weights", tr, "routing.experts", ti,
                            "gate.values", tg, "gate.scales", tgs, "up.values", tu, "up.scales", tus, "down.values", td,
                            "down.scales", tds);
                    result = to;
                } else {
                    result = o.add("result", tx.dtype(), shape);
                }
                if (result.size() > 0) {
                    Kernels.Moe moe = new Kernels.Moe(tx.dtype(), tokens, hidden, ffn, experts, (int) tr.dim(1), tx.memory(),
                            tr.memory(), ti.memory(), tg.memory(), tu.memory(), td.memory(), result.memory());
                    tx.backendDevice().kernels().quantizedMoe(new Kernels.QuantizedMoe(moe, quantizeActivations,
                            tgs.memory(), tus.memory(), tds.memory()));
                }
                return to != null ? null : o.keep(result);
            }
        }
    }

    /** routing of a moe: weights F32 and experts I32, both [T, k], k &gt;= 1, T·k below 2^31. */
    private static void checkRouting(String op, TensorImpl x, TensorImpl weights, TensorImpl experts) {
        long tokens = x.dim(0);
        if (weights.dtype() != DType.F32 || experts.dtype() != DType.I32) {
            throw new IllegalArgumentException(op + ": routing must hold F32 weights and I32 experts, got "
                    + weights.dtype() + " and " + experts.dtype());
        }
        if (weights.rank() != 2 || weights.dim(0) != tokens || weights.dim(1) < 1
                || !Arrays.equals(weights.shapeView(), experts.shapeView())) {
            throw new IllegalArgumentException(op + ": routing weights and experts must both be [T, k] with T = " + tokens
                    + " (x is " + Shapes.format(x.shapeView()) + ") and k >= 1, got weights "
                    + Shapes.format(weights.shapeView()) + " and experts " + Shapes.format(experts.shapeView()));
        }
        if (tokens * weights.dim(1) > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(op + ": T·k must be below 2^31 (the rows are indexed in 32 bits), got T = "
                    + tokens + ", k = " + weights.dim(1));
        }
    }

    /**
     * A {@link Quantized} as the ops take it: values I8 of rank {@code rank} (or &gt;= 2 when
     * rank is -1), scales F32 of the values' shape without the last dimension, one device.
     */
    private static void checkQuantized(String op, String name, TensorImpl values, TensorImpl scales, int rank) {
        sameDevice(op, name + ".values", values, name + ".scales", scales, null, null);
        if (values.dtype() != DType.I8 || scales.dtype() != DType.F32) {
            throw new IllegalArgumentException(op + ": " + name + " must hold I8 values and F32 scales, got "
                    + values.dtype() + " and " + scales.dtype());
        }
        if (rank == -1 ? values.rank() < 2 : values.rank() != rank) {
            throw new IllegalArgumentException(op + ": " + name + ".values must have rank " + (rank == -1 ? "2 or more" : rank)
                    + ", got " + Shapes.format(values.shapeView()));
        }
        long[] want = Arrays.copyOf(values.shapeView(), values.rank() - 1);
        if (!Arrays.equals(scales.shapeView(), want)) {
            throw new IllegalArgumentException(op + ": " + name + ".scales must be " + Shapes.format(want) + " (values are "
                    + Shapes.format(values.shapeView()) + "), got " + Shapes.format(scales.shapeView()));
        }
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
