package dev.panamax.cpu;

import java.lang.foreign.MemorySegment;

/**
 * The arithmetic of an INT8 weight read straight from memory: dot products of a few F32 rows of A
 * with rows of I8 values, each byte widened to F32 in registers (never copied). In exact mode A
 * holds integers in [-127, 127] (quantized activations) and every sum is exact: F32 lanes add at
 * most 1024 products (each at most 127 · 127 in magnitude, so every partial sum is an integer
 * below 2^24) before they are moved into 32-bit integers. Vector API when present, scalar Java
 * otherwise.
 */
interface Int8Kernel {
    /**
     * out[i * rows + r] = sum_{p &lt; len} a[i * lda + p] · values[from + r * ldv + p] for i &lt; m,
     * r &lt; rows. Exact mode: the sums are exact integers. Otherwise F32 sums in the
     * implementation's fixed order.
     */
    void dot(int m, int len, float[] a, int lda, MemorySegment values, long from, long ldv, int rows, boolean exact,
             double[] out);

    /** The kernel of this JVM's path ({@link CpuSimd}). */
    static Int8Kernel get() {
        return CpuSimd.VECTOR ? VectorInt8.kernel() : ScalarInt8.INSTANCE;
    }
}
