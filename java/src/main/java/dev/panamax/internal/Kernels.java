package dev.panamax.internal;

import dev.panamax.DType;

/**
 * The kernel set of one backend device. {@code dev.panamax.Ops} validates every argument, makes
 * the outputs, and hands each call here as one parameter record; a backend picks the kernel
 * variant for the shape and queues it. Every call has at least one output element (empty calls
 * never reach a backend). Offsets into memory are in elements of the stated dtype; dimensions are
 * {@code long} because products of them may pass 2^31.
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
     * {@code x}. -inf gets 0; a row all -inf gives zeros.
     */
    record Softmax(DType dtype, long rows, long cols, Memory x, Memory out) {
    }

    /**
     * Attention: q [batch, hq, sq, d], k and v [batch, hkv, skv, d], out [batch, hq, sq, d], all of
     * dtype. Query head h reads kv head h / (hq / hkv). {@code causal}: query i sees key j iff
     * j &lt;= i + (skv - sq); a query that sees no key (or skv == 0) gets zeros.
     */
    record Attention(DType dtype, long batch, long hq, long hkv, long sq, long skv, int d,
                     boolean causal, float scale, Memory q, Memory k, Memory v, Memory out) {
    }

    /**
     * Top-k gating: logits [tokens, experts] of dtype; weights [tokens, k] F32, indices
     * [tokens, k] I32. Softmax of the row, the k largest probabilities descending (ties to the
     * lower index, NaN above everything), divided by their sum when {@code renormalize}.
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
}
