package dev.panamax.internal;

import dev.panamax.DType;

/**
 * The kernel set of one backend device. {@code dev.panamax.Ops} validates every argument, makes
 * the outputs, and hands each call here as one parameter record; a backend picks the kernel
 * variant for the shape and queues it. Every call has at least one output element (empty calls
 * never reach a backend). Offsets into memory are in elements of the stated dtype; dimensions are
 * {@code long} because products of them may pass 2^31.
 *
 * <p>Any memory may be a tensor view's ({@link BackendDevice#view}): it starts at a multiple of its
 * element size and no more, so a kernel tests alignment before any vector access. Two memories
 * may be the same bytes without being the same object: compare them with
 * {@link Memory#sameBytes}, never {@code ==}. Ops let an output be exactly the bytes of an input
 * where the call says so (softmax's out and x) and refuse every other overlap of an output with
 * an input, so a backend sees either the same bytes or disjoint ones.
 */
public interface Kernels {

    /**
     * {@code c[b] = alpha * op(a[b]) @ op(b[b or 0]) + beta * c[b]} for each of {@code batch}
     * matrices. op(a) is [m, k] (a stored [k, m] when {@code transA}), op(b) is [k, n] (b stored
     * [n, k] when {@code transB}), c is [m, n]. {@code bBatched} false means one b for every batch.
     * {@code beta == 0} ignores c's contents (NaN included). k may be 0 (then c = beta * c, or 0).
     */
    record Gemm(DType abType, DType cType, long batch, long m, long n, long k,
                float alpha, Memory a, boolean transA, Memory b, boolean transB, boolean bBatched,
                float beta, Memory c) {
    }

    /**
     * Row softmax over [rows, cols] (cols &gt;= 1) of dtype, F32 arithmetic; {@code out} may be
     * the same bytes as {@code x} ({@link Memory#sameBytes}). -inf gets 0; a row all -inf gives zeros.
     */
    record Softmax(DType dtype, long rows, long cols, Memory x, Memory out) {
    }

    /**
     * Attention: q [batch, hq, sq, d], k and v [batch, hkv, skv, d], out [batch, hq, sq, d], all of
     * dtype (out may be q). Query head h reads kv head h / (hq / hkv). {@code kvLengths}: null, or
     * I32 [batch] whose entry b, clamped to [0, skv] by the kernel, is the number L_b of keys batch
     * b uses (L_b = skv when null). {@code causal}: query i sees key j iff j &lt;= i + (L_b - sq);
     * a query that sees no key (or L_b == 0) gets zeros.
     */
    record Attention(DType dtype, long batch, long hq, long hkv, long sq, long skv, int d,
                     boolean causal, float scale, Memory q, Memory k, Memory v, Memory out, Memory kvLengths) {
        /** Every key visible to every batch: no kvLengths. */
        public Attention(DType dtype, long batch, long hq, long hkv, long sq, long skv, int d,
                         boolean causal, float scale, Memory q, Memory k, Memory v, Memory out) {
            this(dtype, batch, hq, hkv, sq, skv, d, causal, scale, q, k, v, out, null);
        }
    }

    /**
     * Top-k gating: logits [tokens, experts] of dtype; weights [tokens, k] F32, indices
     * [tokens, k] I32. Softmax of the row, the k largest probabilities descending (ties to the
     * lower index, NaN above everything), divided by their sum when {@code renormalize} (a row all
     * -inf keeps its zero weights).
     */
    record Gating(DType dtype, long tokens, int experts, int k, boolean renormalize,
                  Memory logits, Memory weights, Memory indices) {
    }

    /**
     * Top-k over rows: x [rows, n] of dtype; values [rows, k] of dtype, indices [rows, k] I32,
     * descending, ties to the lower index, NaN above everything.
     */
    record TopK(DType dtype, long rows, long n, int k, Memory x, Memory values, Memory indices) {
    }

    void gemm(Gemm call);

    void softmax(Softmax call);

    void attention(Attention call);

    void topKGating(Gating call);

    void topK(TopK call);

    /**
     * Converts {@code count} elements between floating-point dtypes (F32, F16, BF16), rounding to
     * nearest even; {@code from == to} is a copy.
     */
    void convert(Memory src, DType from, Memory dst, DType to, long count);

    // ---------------------------------------------------------------- elementwise and norm families

    /** The ops of an {@link Elementwise} call. */
    enum ElementwiseOp {
        /** a + b[i mod bSize]. */
        ADD,
        /** a * b[i mod bSize]. */
        MUL,
        /** x * Phi(x) = 0.5 x (1 + erf(x / sqrt 2)); b unused. */
        GELU_ERF,
        /** 0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3))); b unused. */
        GELU_TANH,
        /** x * sigmoid(x); b unused. */
        SILU,
        /** silu(a) * b (a the gate, b the up projection, bSize == n). */
        SWIGLU;

        /** Whether the op reads b. */
        public boolean binary() {
            return this == ADD || this == MUL || this == SWIGLU;
        }
    }

    /**
     * One elementwise op over {@code n} elements of dtype, F32 arithmetic: out[i] = op(a[i],
     * b[i mod bSize]). b is null and bSize 0 for the unary ops; bSize divides n and is n for
     * swiglu (add and mul repeat a suffix b over a's leading dimensions). {@code out} may be
     * {@code a} (the same memory); b never overlaps out unless it is also a. One record for the
     * family: every op is the same pass over memory, one kernel per op on each backend.
     */
    record Elementwise(ElementwiseOp op, DType dtype, long n, long bSize, Memory a, Memory b, Memory out) {
    }

    /** The ops of a {@link Norm} call. */
    enum NormOp {
        /** out = (x - mean) / sqrt(var + eps) * gamma + beta, biased variance. */
        LAYER_NORM,
        /** out = x / sqrt(mean(x^2) + eps) * gamma; beta unused. */
        RMS_NORM,
        /**
         * s = residual + x in F32; residual = s rounded to dtype; x = s / sqrt(mean(s^2) + eps) *
         * gamma, from the F32 s; out is x, beta unused.
         */
        ADD_RMS_NORM
    }

    /**
     * One row norm over the last dimension: x (and residual) [rows, cols] of dtype, cols &gt;= 1;
     * gamma [cols] of gammaType and beta [cols] of betaType (LAYER_NORM only, else null), each
     * dtype or F32; F32 statistics, finite eps &gt;= 0. {@code out} may be {@code x} (and is x
     * for ADD_RMS_NORM); residual is null except for ADD_RMS_NORM; no other memory overlaps.
     */
    record Norm(NormOp op, DType dtype, DType gammaType, DType betaType, long rows, long cols, float eps,
                Memory x, Memory residual, Memory gamma, Memory beta, Memory out) {

        /**
         * How the GPU backends name the variant for the weights' dtypes: "" when they are x's,
         * "_gf32" (gamma F32), "_bf32" (beta F32) or "_gf32_bf32" when F32 weights meet 16-bit x.
         */
        public String weightSuffix() {
            boolean g = gammaType != dtype, b = betaType != null && betaType != dtype;
            return (g ? "_gf32" : "") + (b ? "_bf32" : "");
        }
    }

    void elementwise(Elementwise call);

    void norm(Norm call);

    // ---------------------------------------------------------------- embedding, writeCache (family "gather"), rope

    /**
     * Embedding: out [rows, width] of dtype; row r is row ids[r] of table [vocab, width], copied bit
     * for bit, or NaN when ids[r] (I32) is outside [0, vocab), and then the table is not read
     * (table is null when vocab == 0).
     */
    record Embedding(DType dtype, long rows, long width, long vocab, Memory table, Memory ids, Memory out) {
    }

    /**
     * Rotary embedding in place on x [batch, heads, seq, dim] of dtype: positions I32 [seq] or, when
     * {@code positionsBatched}, [batch, seq]; inverseFrequencies F32 [pairs], 2 * pairs &lt;= dim,
     * pairs &gt;= 1. Pair i is features (i, i + pairs), or (2i, 2i + 1) when {@code interleaved};
     * a = (float) position * inverseFrequencies[i] in F32, cos and sin of it in F32;
     * (x1, x2) becomes (x1 cos a - x2 sin a, x1 sin a + x2 cos a). Features from 2 * pairs on are untouched.
     */
    record Rope(DType dtype, long batch, long heads, long seq, long dim, long pairs, boolean interleaved,
                boolean positionsBatched, Memory x, Memory positions, Memory inverseFrequencies) {
    }

    /**
     * KV-cache append: src [batch, heads, tokens, width] into cache [batch, heads, capacity, width],
     * both of dtype, capacity &gt;= 1: cache[b, h, starts[b] + t] = src[b, h, t] (starts I32 [batch]),
     * bit for bit; rows landing outside [0, capacity) are dropped. Nothing else of the cache is written.
     */
    record WriteCache(DType dtype, long batch, long heads, long tokens, long capacity, long width,
                      Memory src, Memory cache, Memory starts) {
    }

    void embedding(Embedding call);

    void rope(Rope call);

    void writeCache(WriteCache call);

    // ---------------------------------------------------------------- permute (family "permute")

    /**
     * A permutation of the axes, in its merged form: out is contiguous [shape[0], ..., shape[r-1]]
     * of dtype and {@code out[i_0, ..., i_{r-1}] = x[i_0 * strides[0] + ... + i_{r-1} * strides[r-1]]}
     * (strides in elements of x, which is contiguous in its own shape). Made by {@link #of}, which
     * drops dimensions of size 1 and merges the output dimensions that stay adjacent and in order
     * in x, so that 1 &lt;= r &lt;= 8, every dimension but a lone one is &gt;= 2, and
     * {@code strides[r-1] == 1} exactly when out's rows of {@code shape[r-1]} elements are
     * contiguous runs of x too ({@link #run}); otherwise the last dimension moves (a transpose).
     * out and x never overlap.
     */
    record Permute(DType dtype, long[] shape, long[] strides, Memory x, Memory out) {

        /**
         * The merged form of permuting x of {@code xShape} by {@code dims} (a permutation of its
         * axes, the result's dimension j being x's dimension dims[j]); sizes all &gt;= 1.
         */
        public static Permute of(DType dtype, long[] xShape, int[] dims, Memory x, Memory out) {
            int n = xShape.length;
            long[] inStride = new long[n];
            long s = 1;
            for (int d = n - 1; d >= 0; d--) {
                inStride[d] = s;
                s *= xShape[d];
            }
            long[] shape = new long[n];
            long[] strides = new long[n];
            int r = 0;
            for (int d : dims) {
                long size = xShape[d];
                if (size == 1) {
                    continue; // moves nothing: any place is the same
                }
                if (r > 0 && strides[r - 1] == size * inStride[d]) {
                    shape[r - 1] *= size; // x's dimension right before d (past size-1 ones) came right before: one run
                    strides[r - 1] = inStride[d];
                } else {
                    shape[r] = size;
                    strides[r] = inStride[d];
                    r++;
                }
            }
            if (r == 0) {
                return new Permute(dtype, new long[] {1}, new long[] {1}, x, out);
            }
            return new Permute(dtype, java.util.Arrays.copyOf(shape, r), java.util.Arrays.copyOf(strides, r), x, out);
        }

        /** Elements of one contiguous run in both x and out: shape[r-1] when strides[r-1] == 1, else 1. */
        public long run() {
            return strides[strides.length - 1] == 1 ? shape[shape.length - 1] : 1;
        }

        /** Elements moved. */
        public long size() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return n;
        }
    }

    void permute(Permute call);

    // ---------------------------------------------------------------- groupedMatmul, moe (family "moe")

    /**
     * Grouped GEMM: x [rows, inner] and w [groups, cols, inner] of dtype, out [rows, cols] of dtype,
     * F32 accumulation. groupEnds I32 [groups] lives on the device and may hold anything: with
     * e_g = clamp(groupEnds[g], 0, rows) and s_g = max(e_0 .. e_{g-1}) (0 for g = 0), rows
     * [s_g, max(s_g, e_g)) are x · w[g]ᵀ; every other row is zeros. inner may be 0 (zeros). out
     * never overlaps x, w or groupEnds.
     */
    record GroupedMatmul(DType dtype, long rows, long cols, long inner, long groups, Memory x, Memory w, Memory groupEnds,
                         Memory out) {
    }

    /**
     * Mixture-of-experts SwiGLU layer: x [tokens, hidden] of dtype; weights [tokens, k] F32 and
     * indices [tokens, k] I32 (the routing); gate and up [experts, ffn, hidden], down
     * [experts, hidden, ffn] of dtype; out [tokens, hidden] of dtype:
     * out[t] = sum over j in order of weights[t, j] · down_e (silu(gate_e x_t) ⊙ up_e x_t),
     * e = indices[t, j]; an index outside [0, experts) adds nothing. ffn may be 0 (zeros). out may
     * be the same bytes as x (a backend reads all of x before it writes out); it overlaps nothing else.
     */
    record Moe(DType dtype, long tokens, long hidden, long ffn, long experts, int k, Memory x, Memory weights,
               Memory indices, Memory gate, Memory up, Memory down, Memory out) {
    }

    void groupedMatmul(GroupedMatmul call);

    void moe(Moe call);

    /**
     * moe with its experts packed ({@code Ops.pack} of rank 3, transB): gate, up and down of
     * {@code moe} are the stacks' storage, each expert's matrix at expert times the elements of
     * its layout ({@code gateUp} for gate and up, op(b) [H, F]; {@code down}, op(b) [F, H]).
     */
    record PackedMoe(Moe moe, PackLayout gateUp, PackLayout down) {
    }

    /** moe on packed experts; by default, for experts kept as given ([E, F, H], [E, H, F]), {@link #moe}. */
    default void packedMoe(PackedMoe call) {
        if (call.gateUp().rearranged() || call.down().rearranged()) {
            throw new UnsupportedOperationException("this backend has no packed layout of its own");
        }
        moe(call.moe());
    }

    // ---------------------------------------------------------------- INT8 (family "int8")

    /**
     * Symmetric INT8 per row: w [rows, cols] of dtype (F32, F16 or BF16) to values I8 [rows, cols]
     * and scales F32 [rows]. s = max|row| / 127 (an F32 division, subnormals kept); s == 0 (also
     * for cols == 0) gives zeros; a row holding NaN or ±Inf gets scale NaN and zeros; else
     * q = round-half-even(w / s) (a true F32 division) clamped to [-127, 127]. Bit-identical on
     * every backend. rows &gt;= 1; cols may be 0 (the scales are then 0).
     */
    record Quantize(DType dtype, long rows, long cols, Memory w, Memory values, Memory scales) {
    }

    /** out F32 [rows, cols] = values[r, c] · scales[r] (one F32 multiply, exact to the bit); rows, cols &gt;= 1. */
    record Dequantize(long rows, long cols, Memory values, Memory scales, Memory out) {
    }

    /**
     * out [rows, cols] of dtype = x [rows, inner] of dtype times the quantized weight values I8
     * [cols, inner] with scales F32 [cols], transposed. W8A16 ({@code quantizeActivations} false):
     * F32 accumulation of x·values, the scale applied per element or once per output. W8A8 (true):
     * each row of x quantized as {@link Quantize} does (scale sx), the products summed exactly
     * (inner &lt;= 131072, so the I32 sum cannot overflow) and out = (sx · scales[n]) · (float) sum,
     * two F32 multiplies in that order, then rounded to dtype: the same bits on every backend.
     * rows, cols &gt;= 1; inner may be 0 (zeros, or NaN where a scale is NaN). out never overlaps x.
     */
    record QuantizedMatmul(DType dtype, long rows, long cols, long inner, boolean quantizeActivations, Memory x,
                           Memory values, Memory scales, Memory out) {
    }

    /**
     * {@link Moe} with INT8 experts: {@code moe.gate()}, {@code up()} and {@code down()} are the
     * I8 values ([experts, ffn, hidden], [experts, ffn, hidden], [experts, hidden, ffn]) and these
     * their F32 scales ([experts, ffn], [experts, ffn], [experts, hidden]); each expert's products
     * as {@link QuantizedMatmul} computes them (W8A8 quantizes x's rows and the activations' rows).
     */
    record QuantizedMoe(Moe moe, boolean quantizeActivations, Memory gateScales, Memory upScales, Memory downScales) {
    }

    void quantize(Quantize call);

    void dequantize(Dequantize call);

    void quantizedMatmul(QuantizedMatmul call);

    void quantizedMoe(QuantizedMoe call);

    // ---------------------------------------------------------------- packed constant matrices

    /**
     * How a backend stores a packed matrix op(b) [k, n]: a one-dimensional tensor of {@code dtype}
     * and {@code elements}. {@code rearranged} false: the matrix as given (b's dtype, stored [n, k]
     * when {@code transB}), copied by the op itself; true: the backend's own layout, filled by
     * {@link #pack}.
     */
    record PackLayout(DType dtype, long elements, boolean transB, boolean rearranged) {
    }

    /** Fills {@code packed} (of {@link #packLayout}) from b of dtype, op(b) [k, n] (b stored [n, k] when transB); k, n &gt;= 1. */
    record Pack(DType dtype, long k, long n, boolean transB, Memory b, Memory packed) {
    }

    /**
     * out [m, n] of dtype = a [m, k] of dtype times the packed op(b) [k, n] of {@code packed}
     * ({@code layout}); F32 accumulation; m, n &gt;= 1, k may be 0 (zeros). out never overlaps a.
     */
    record PackedMatmul(DType dtype, long m, long n, long k, Memory a, Memory packed, PackLayout layout, Memory out) {
    }

    /** The layout of a packed op(b) [k, n] of dtype here; by default the matrix as given. */
    default PackLayout packLayout(DType dtype, long k, long n, boolean transB) {
        return new PackLayout(dtype, k * n, transB, false);
    }

    /** Rearranges b into a layout of {@link #packLayout} that says {@code rearranged}. */
    default void pack(Pack call) {
        throw new UnsupportedOperationException("this backend keeps packed matrices as given");
    }

    /** A product with a packed matrix; by default the backend's GEMM on the matrix as given. */
    default void packedMatmul(PackedMatmul call) {
        PackLayout layout = call.layout();
        if (layout.rearranged()) {
            throw new UnsupportedOperationException("this backend has no packed layout of its own");
        }
        gemm(new Gemm(call.dtype(), call.dtype(), 1, call.m(), call.n(), call.k(), 1f, call.a(), false,
                call.packed(), layout.transB(), false, 0f, call.out()));
    }
}
