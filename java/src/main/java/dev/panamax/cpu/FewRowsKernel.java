package dev.panamax.cpu;

import dev.panamax.DType;

import java.lang.foreign.MemorySegment;

/**
 * The arithmetic of a GEMM with few rows of A (M &lt;= {@link CpuGemm#FEW_ROWS}: decoding, GEMV),
 * where packing B would cost more than using it: B streams through once, a few rows at a time.
 * Widths are whole multiples of {@link #PAD}, the caller zero-padding B, A and acc. Each output
 * sums its products in ascending p, lanes of a dot added left to right: a fixed order.
 * Vector API when present, scalar Java otherwise.
 */
interface FewRowsKernel {
    /** Width granule: enough for the widest vector (16 floats). */
    int PAD = 16;

    /**
     * acc[i * ldacc + j] += sum_{p &lt; pb} a[aOff + i * lda + p] * b[p * ldb + j] for i &lt; m,
     * j &lt; n (n a multiple of PAD): B stored [k, n] row-major, a few of its rows at a time.
     */
    void axpy(int m, int pb, float[] a, int aOff, int lda, float[] b, int ldb, int n, float[] acc, int ldacc);

    /**
     * out[outOff + i * outStride] += sum_{p &lt; len} a[aOff + i * lda + p] * b[p] for i &lt; m (len
     * a multiple of PAD): B stored [n, k], one of its rows against each row of A.
     */
    void dot(int m, int len, float[] a, int aOff, int lda, float[] b, float[] out, int outOff, int outStride);

    /** Whether {@link #axpyRows} reads B of this element type straight from memory. */
    default boolean axpyReadsDirect(DType type) {
        return false;
    }

    /**
     * {@link #axpy} of 8 rows of B read where they are stored: B(r, j) is element
     * {@code from + r * ldb + j} of b (F32), for j &lt; w, any w; the columns of acc from w up
     * to a whole PAD take zero products. The same sums, bit for bit, as axpy of the same rows
     * copied into a zero-padded buffer, without the copy.
     */
    default void axpyRows(int m, float[] a, int aOff, int lda, MemorySegment b, long from, long ldb, int w, float[] acc,
            int ldacc) {
        throw new UnsupportedOperationException("gemm: no direct axpy");
    }

    /** Whether {@link #dotRows} reads B of this element type straight from memory. */
    default boolean readsDirect(DType type) {
        return false;
    }

    /**
     * out[outOff + r + i * outStride] += sum_{p &lt; len} a[aOff + i * lda + p] * B(r, p) for
     * r &lt; rows, i &lt; m, where B(r, p) is element from + r * ldb + p of b, of the given type
     * (one {@link #readsDirect} accepts), widened in registers: B stored [n, k] read once, never
     * copied. The rows of a are the caller's scratch: they may come back reordered. Each output's
     * sum has a fixed order (the implementation's), the same whatever the rows, columns and threads.
     */
    default void dotRows(DType type, int m, int len, float[] a, int aOff, int lda, MemorySegment b, long from, long ldb,
            int rows, float[] out, int outOff, int outStride) {
        throw new UnsupportedOperationException("gemm: no direct dot for " + type);
    }

    static FewRowsKernel get() {
        return CpuSimd.VECTOR ? VectorFewRows.INSTANCE : ScalarFewRows.INSTANCE;
    }
}
