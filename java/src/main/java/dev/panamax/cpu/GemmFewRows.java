package dev.panamax.cpu;

import java.util.Arrays;

/**
 * One task of a GEMM with few rows of A (m &lt;= {@link CpuGemm#FEW_ROWS}, or
 * {@link CpuGemm#FEW_ROWS_BF16} against a transposed BF16 B): its columns of C, in chunks of
 * {@link #WIDTH}, with B read once, in order, and never packed. B stored [k, n] is
 * widened {@link #ROWS} rows at a time and added into the m accumulator rows
 * ({@link FewRowsKernel#axpy}; F32 rows on the Vector API are read where they lie,
 * {@link FewRowsKernel#axpyRows}: [1, 4096] x [4096, 4096] 3.7-4.1 -> 2.1 ms on 2 threads); B
 * stored [n, k] is widened a row at a time and dotted with each row of A
 * ({@link FewRowsKernel#dot}), or, for the types the kernel reads straight from memory (F32 and
 * BF16 on the Vector API), dotted in place a few rows at a time ({@link FewRowsKernel#dotRows}).
 * The inner dimension goes in chunks of {@link #DEPTH}, with A widened once per chunk and column
 * chunk. Every output sums over p in ascending order.
 */
final class GemmFewRows {
    /** Columns of C per chunk: m x WIDTH accumulators stay in L1. */
    private static final int WIDTH = 1024;
    /** Rows of B per axpy. */
    private static final int ROWS = 8;
    /** Inner steps per chunk of widened A. */
    private static final int DEPTH = 8192;
    private static final int PAD = FewRowsKernel.PAD;

    private GemmFewRows() {
    }

    static void task(CpuGemm.Matrix mat, long j0, long cols) {
        FewRowsKernel kernel = FewRowsKernel.get();
        int m = (int) mat.m;
        long k = mat.k;
        int depth = (int) Math.min(DEPTH, Math.ceilDiv(k, PAD) * PAD);
        int width = (int) Math.min(WIDTH, Math.ceilDiv(cols, PAD) * PAD);
        float[] a = Scratch.get(Scratch.GEMM_A, m * depth);
        float[] acc = Scratch.get(Scratch.GEMM_ACC, m * width);
        boolean direct = mat.transB && kernel.readsDirect(mat.bType);
        float[] b = direct ? null : Scratch.get(Scratch.GEMM_B, mat.transB ? depth : ROWS * width);
        float[] aStep = mat.transA ? Scratch.get(Scratch.GEMM_T, m) : null;
        boolean axpyDirect = !mat.transB && kernel.axpyReadsDirect(mat.bType);
        for (long jc = j0; jc < j0 + cols; jc += width) {
            int w = (int) Math.min(width, j0 + cols - jc);
            Arrays.fill(acc, 0, m * width, 0f);
            for (long p0 = 0; p0 < k; p0 += depth) {
                int len = (int) Math.min(depth, k - p0);
                int lenPad = CpuGemm.roundUp(len, PAD);
                widenA(mat, p0, len, depth, a, aStep);
                if (direct) {
                    kernel.dotRows(mat.bType, m, len, a, 0, depth, mat.b, mat.bBase + jc * mat.ldb + p0, mat.ldb, w, acc, 0, width);
                } else if (mat.transB) {
                    Arrays.fill(b, len, lenPad, 0f);
                    for (int j = 0; j < w; j++) {
                        Elements.load(mat.b, mat.bType, mat.bBase + (jc + j) * mat.ldb + p0, b, 0, len);
                        kernel.dot(m, lenPad, a, 0, depth, b, acc, j, width);
                    }
                } else {
                    int wPad = CpuGemm.roundUp(w, PAD);
                    for (int p = 0; p < len; p += ROWS) {
                        int rows = Math.min(ROWS, len - p);
                        if (rows == ROWS && axpyDirect) { // F32 rows read where they lie, not copied first
                            kernel.axpyRows(m, a, p, depth, mat.b, mat.bBase + (p0 + p) * mat.ldb + jc, mat.ldb, w, acc, width);
                            continue;
                        }
                        for (int r = 0; r < rows; r++) {
                            Elements.load(mat.b, mat.bType, mat.bBase + (p0 + p + r) * mat.ldb + jc, b, r * wPad, w);
                            Arrays.fill(b, r * wPad + w, (r + 1) * wPad, 0f);
                        }
                        kernel.axpy(m, rows, a, p, depth, b, wPad, wPad, acc, width);
                    }
                }
            }
            mat.epilogue(acc, width, 0, m, jc, w);
        }
    }

    /** a[i * depth + p] = A(i, p0 + p) for p &lt; len, zero up to a whole PAD. */
    private static void widenA(CpuGemm.Matrix mat, long p0, int len, int depth, float[] a, float[] step) {
        int m = (int) mat.m;
        if (mat.transA) {
            // stored [k, m]: one step of the inner dimension holds every row's element
            for (int p = 0; p < len; p++) {
                Elements.load(mat.a, mat.abType, mat.aBase + (p0 + p) * m, step, 0, m);
                for (int i = 0; i < m; i++) {
                    a[i * depth + p] = step[i];
                }
            }
        } else {
            for (int i = 0; i < m; i++) {
                Elements.load(mat.a, mat.abType, mat.aBase + i * mat.k + p0, a, i * depth, len);
            }
        }
        int lenPad = CpuGemm.roundUp(len, PAD);
        for (int i = 0; i < m; i++) {
            Arrays.fill(a, i * depth + len, i * depth + lenPad, 0f);
        }
    }
}
