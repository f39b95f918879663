package dev.panamax.cpu;

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

    static FewRowsKernel get() {
        return CpuSimd.VECTOR ? VectorFewRows.INSTANCE : ScalarFewRows.INSTANCE;
    }
}
