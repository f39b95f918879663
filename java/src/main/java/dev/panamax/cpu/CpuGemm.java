package dev.panamax.cpu;

import dev.panamax.DType;
import dev.panamax.internal.Kernels;

import java.lang.foreign.MemorySegment;

/**
 * GEMM on the CPU, BLIS-style: for each block of nc columns and kc inner steps, B is packed once
 * into [kc, nr] panels (shared, packed in parallel); then blocks of mc rows of A are packed into
 * [kc, mr] panels by the worker that uses them, and {@link GemmKernel#block} runs over the
 * panels. Workers split C into disjoint blocks and never the inner dimension, so each element of
 * C sums its products in the same order on every run.
 *
 * <p>c of F32 is accumulated in place across kc blocks (beta applied on the first). A 16-bit c is
 * accumulated in an F32 buffer for a block of rows and nc columns, then rounded once with alpha
 * and beta in the epilogue. Batches of small matrices run one matrix per worker.
 */
final class CpuGemm {
    /** A matrix with fewer multiply-adds than this runs on one thread. */
    private static final long PARALLEL_WORK = 1L << 17;
    /** Size (floats) of the F32 accumulator of a 16-bit c: bounds memory for any m. */
    private static final long ACC_FLOATS = 1L << 22;

    private CpuGemm() {
    }

    static void run(CpuPool pool, Kernels.Gemm call) {
        GemmKernel kernel = GemmKernel.get();
        long work = call.m() * call.n() * Math.max(1, call.k());
        if (call.batch() > 1 && work < PARALLEL_WORK) {
            long grain = Math.max(1, PARALLEL_WORK / work);
            pool.forRange(call.batch(), grain, (lo, hi) -> {
                for (long bi = lo; bi < hi; bi++) {
                    new Matrix(kernel, null, call, bi).run();
                }
            });
        } else {
            for (long bi = 0; bi < call.batch(); bi++) {
                new Matrix(kernel, work < PARALLEL_WORK ? null : pool, call, bi).run();
            }
        }
    }

    /** One matrix of the batch; {@code pool} null runs it on the calling thread. */
    private static final class Matrix {
        private final GemmKernel kernel;
        private final CpuPool pool;
        private final DType abType;
        private final DType cType;
        private final long m;
        private final long n;
        private final long k;
        private final float alpha;
        private final float beta;
        private final MemorySegment a;
        private final MemorySegment b;
        private final MemorySegment c;
        private final boolean transA;
        private final boolean transB;
        private final long aBase;
        private final long bBase;
        private final long cBase;

        Matrix(GemmKernel kernel, CpuPool pool, Kernels.Gemm call, long bi) {
            this.kernel = kernel;
            this.pool = pool;
            this.abType = call.abType();
            this.cType = call.cType();
            this.m = call.m();
            this.n = call.n();
            this.k = call.k();
            this.alpha = call.alpha();
            this.beta = call.beta();
            this.a = CpuMemory.segment(call.a());
            this.b = CpuMemory.segment(call.b());
            this.c = CpuMemory.segment(call.c());
            this.transA = call.transA();
            this.transB = call.transB();
            this.aBase = bi * m * k;
            this.bBase = call.bBatched() ? bi * k * n : 0;
            this.cBase = bi * m * n;
        }

        private void loop(long count, long grain, CpuPool.RangeBody body) {
            if (pool == null) {
                body.run(0, count);
            } else {
                pool.forRange(count, grain, body);
            }
        }

        void run() {
            if (k == 0) {
                scaleC();
                return;
            }
            int mr = kernel.mr(), nr = kernel.nr();
            int ncMax = (int) Math.min(kernel.nc(), ceilDiv(n, nr) * nr);
            int kcMax = (int) Math.min(kernel.kc(), k);
            boolean direct = cType == DType.F32;
            // rows per pass: all of them when c is F32, else what the F32 accumulator holds
            long rowBlock = direct ? m : Math.max(kernel.mc(), ACC_FLOATS / ncMax / kernel.mc() * kernel.mc());
            float[] bp = new float[ncMax * kcMax];
            float[] acc = direct ? null : new float[(int) (Math.min(rowBlock, m) * ncMax)];
            for (long i0 = 0; i0 < m; i0 += rowBlock) {
                long rows = Math.min(rowBlock, m - i0);
                for (long jc = 0; jc < n; jc += ncMax) {
                    int nc = (int) Math.min(ncMax, n - jc);
                    for (long pc = 0; pc < k; pc += kcMax) {
                        int kc = (int) Math.min(kcMax, k - pc);
                        packB(jc, nc, pc, kc, bp);
                        boolean first = pc == 0;
                        if (direct) {
                            compute(i0, rows, pc, nc, kc, bp, c, cBase + i0 * n + jc, n, alpha, first ? beta : 1f);
                        } else {
                            compute(i0, rows, pc, nc, kc, bp, MemorySegment.ofArray(acc), 0, nc, 1f, first ? 0f : 1f);
                        }
                    }
                    if (!direct) {
                        epilogue(acc, i0, rows, jc, nc);
                    }
                }
            }
        }

        private void packB(long jc, int nc, long pc, int kc, float[] bp) {
            int nr = kernel.nr();
            int panels = ceilDiv(nc, nr);
            loop(panels, Math.max(1, 16384 / ((long) kc * nr)), (lo, hi) -> {
                float[] row = new float[kc];
                for (long q = lo; q < hi; q++) {
                    GemmPacking.packBPanel(b, abType, bBase, transB, n, k, jc, nc, pc, kc, nr, (int) q, bp, 0, row);
                }
            });
        }

        /**
         * Rows [i0, i0 + rows) of C times the packed B block, into {@code cs} at {@code cOff} (row i0,
         * the block's first column) with row stride {@code ldc}. Work items are blocks of mc rows,
         * cut also into column groups when there are too few row blocks to share out.
         */
        private void compute(long i0, long rows, long pc, int nc, int kc, float[] bp, MemorySegment cs, long cOff, long ldc,
                             float al, float be) {
            int mcMax = kernel.mc(), mr = kernel.mr(), nr = kernel.nr();
            int panels = ceilDiv(nc, nr);
            long rowBlocks = ceilDiv(rows, mcMax);
            int threads = pool == null ? 1 : pool.threads();
            int colGroups = rowBlocks >= 2L * threads ? 1 : (int) Math.min(panels, ceilDiv(2L * threads, rowBlocks));
            loop(rowBlocks * colGroups, 1, (lo, hi) -> {
                float[] ap = new float[roundUp(Math.min(mcMax, rows), mr) * kc];
                float[] row = new float[kc];
                long packed = -1;
                for (long item = lo; item < hi; item++) {
                    long rb = item / colGroups;
                    int g = (int) (item % colGroups);
                    long ic = rb * mcMax;
                    int mc = (int) Math.min(mcMax, rows - ic);
                    if (packed != rb) {
                        GemmPacking.packA(a, abType, aBase, transA, m, k, i0 + ic, mc, pc, kc, mr, ap, row);
                        packed = rb;
                    }
                    int q0 = (int) ((long) panels * g / colGroups);
                    int q1 = (int) ((long) panels * (g + 1) / colGroups);
                    if (q0 == q1) {
                        continue;
                    }
                    int cols = Math.min(nc, q1 * nr) - q0 * nr;
                    kernel.block(mc, cols, kc, ap, bp, q0 * kc * nr, cs, cOff + ic * ldc + (long) q0 * nr, ldc, al, be);
                }
            });
        }

        /** c = alpha * acc + beta * c for a 16-bit c, rounded once. */
        private void epilogue(float[] acc, long i0, long rows, long jc, int nc) {
            loop(rows, Math.max(1, 16384 / nc), (lo, hi) -> {
                float[] old = new float[nc];
                float[] out = new float[nc];
                for (long r = lo; r < hi; r++) {
                    long at = cBase + (i0 + r) * n + jc;
                    int from = (int) (r * nc);
                    if (beta != 0f) {
                        Elements.load(c, cType, at, old, 0, nc);
                        for (int j = 0; j < nc; j++) {
                            out[j] = Math.fma(beta, old[j], alpha * acc[from + j]);
                        }
                    } else {
                        for (int j = 0; j < nc; j++) {
                            out[j] = alpha * acc[from + j];
                        }
                    }
                    Elements.store(out, 0, c, cType, at, nc);
                }
            });
        }

        /** k == 0: c = beta * c, or zeros when beta == 0. */
        private void scaleC() {
            long rows = m;
            int cols = (int) Math.min(n, 1 << 16);
            loop(rows, 1, (lo, hi) -> {
                float[] buf = new float[cols];
                for (long r = lo; r < hi; r++) {
                    for (long j0 = 0; j0 < n; j0 += cols) {
                        int len = (int) Math.min(cols, n - j0);
                        long at = cBase + r * n + j0;
                        if (beta == 0f) {
                            java.util.Arrays.fill(buf, 0, len, 0f);
                        } else {
                            Elements.load(c, cType, at, buf, 0, len);
                            for (int j = 0; j < len; j++) {
                                buf[j] *= beta;
                            }
                        }
                        Elements.store(buf, 0, c, cType, at, len);
                    }
                }
            });
        }
    }

    static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    static int roundUp(long a, int b) {
        return (int) (ceilDiv(a, b) * b);
    }
}
