package dev.panamax.cpu;

import dev.panamax.DType;
import dev.panamax.internal.Kernels;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * GEMM on the CPU, BLIS-style. C is cut into a grid of independent tasks (blocks of rows and
 * columns, one per thread), so a call is one parallel loop with no barrier inside. A task runs
 * the BLIS loop nest over its block: for each nc columns and kc inner steps it packs its B block
 * into [kc, nr] panels, then for each mc rows packs A into [mc, kc] rows and runs
 * {@link GemmKernel#block}. Tasks repack the A (or B) that a neighbour also packs; that costs a
 * few percent of a large product and buys freedom from synchronization. The inner dimension is
 * never split, and tile edges fall on multiples of mr and nr, so every element of C sums its
 * products in the same order whatever the grid: results do not depend on the thread count.
 *
 * <p>A product with at most {@link #FEW_ROWS} rows of A (decoding, GEMV; {@link #FEW_ROWS_BF16}
 * against a transposed BF16 B) has nothing to reuse a packed B for: its tasks split the columns
 * and stream B once through {@link GemmFewRows}. Up to
 * {@link #IN_PLACE_ROW_TILES} row tiles per task, an F32 B stored [k, n] is read where it lies by
 * {@link GemmKernel#blockInPlace} (a sentence's worth of tokens against constant weights), its
 * columns past the last whole in-place tile packed as usual; both paths give the same bits.
 *
 * <p>c of F32 is accumulated in place across kc blocks (beta applied on the first). A 16-bit c is
 * accumulated in an F32 buffer of the task's rows by nc columns (tasks of a 16-bit c have at most
 * {@link #ACC_FLOATS} / nc rows), then rounded once with alpha and beta. Batches of small
 * matrices run one matrix per task.
 */
final class CpuGemm {
    /** Products with at most this many rows of A stream B through {@link GemmFewRows}. */
    static final int FEW_ROWS = 8;
    /**
     * ... and up to this many where B is BF16 stored [n, k] (a Hugging Face weight) and the kernel
     * reads it in place ({@link FewRowsKernel#readsDirect}): packing a transposed BF16 B costs more
     * than a few rows use it. [m, 1024] x [2816, 1024]^T out of cache, 2 threads (EPYC guest),
     * packed against streamed: m = 12 467 -> 249 us, 16 1.30 -> 0.82 ms, 24 1.63 -> 1.17 ms,
     * 32 1.95 -> 1.58 ms, 48 2.31 against 2.21 ms.
     */
    static final int FEW_ROWS_BF16 = 32;
    /** A matrix with fewer multiply-adds than this runs on one thread. */
    private static final long PARALLEL_WORK = 1L << 18;
    /**
     * Tasks of at most this many row tiles (96 rows where mr is 12) read an F32 B [k, n] in place
     * where the kernel can ({@link GemmKernel#inPlaceWidth}): packing panels that few tiles use
     * costs more than it saves (MiniLM at 1 x 16 tokens spent half its time packing weights). On
     * the machine this was tuned on, 18 distinct [384, 1536] weights (42 MB) times 36 rows took a
     * median 3.9 ms in place against 5.8 ms packed, 96 rows 9.5 against 11.3; past 192 rows in
     * cache, packing was as fast or faster (1024^3: 179 GFLOP/s in place, 246 packed).
     */
    private static final int IN_PLACE_ROW_TILES = 8;
    /**
     * ... and up to this many for strips read once per call ({@link #streamedStripsMatmul}: an MoE
     * expert's weights, out of cache). Copying a strip into panels waits on memory as long as the
     * in-place tile takes over the whole product: Mixtral's experts (F = 3584) at T = 512, 128 rows an
     * expert, 2 threads on a Zen 4 guest, 158-169 GFLOP/s packed, 188-196 read in place; at 256 rows
     * 178-184 (one run 135) against 175-192.
     */
    private static final int STREAMED_ROW_TILES = 22;
    /**
     * Most floats of a product's A packed once for all its column tasks ({@link Matrix#packAOnce}):
     * 8 MiB, A of 192 rows by 10,922 columns.
     */
    private static final int SHARED_A_FLOATS = 1 << 21;
    /** Floats of a task's F32 accumulator for a 16-bit c: bounds memory for any shape. */
    private static final long ACC_FLOATS = 1L << 22;

    private CpuGemm() {
    }

    static void run(CpuPool pool, Kernels.Gemm call) {
        run(pool, call, call.abType(), call.transB() ? call.k() : call.n());
    }

    /**
     * The GEMM with B of its own element type {@code bType} (I8 for the INT8 weights of a
     * quantized matmul, widened to F32 as B is packed: exact integers) and row stride {@code ldb}
     * in elements (k for a transposed B stored [n, k] on its own, more for a block of K's columns
     * of a wider matrix); A and C as the call says. Not batched when ldb differs from the default.
     */
    static void run(CpuPool pool, Kernels.Gemm call, DType bType, long ldb) {
        run(pool, call, bType, ldb, false);
    }

    /**
     * Columns of a packed matrix's strips ({@link #pack}): the in-place tile's width on 16-lane
     * vectors, and a multiple of every kernel's nr, so that whole strips make whole panels.
     */
    static final int STRIP = 96;

    /** The CPU's packed layout: F32 strips [ceil(n / STRIP), k, STRIP], the padding columns zero. */
    static Kernels.PackLayout packLayout(long k, long n, boolean transB) {
        return new Kernels.PackLayout(DType.F32, Math.ceilDiv(n, STRIP) * k * STRIP, transB, true);
    }

    /**
     * Packs op(b) [k, n] into strips of {@link #STRIP} columns, each [k, STRIP] row-major: strip s
     * holds columns [s * STRIP, s * STRIP + STRIP) of every row, widened to F32, the columns past n
     * zero. A tile of a few rows then reads its B as one forward stream: on a 2-vCPU Zen 4 guest
     * (2026-12-07) the in-place tile's 384-byte pieces of a row-major [k, n] weight read at 4.3 GB/s
     * a thread, a contiguous stream at 24 to 26.
     */
    static void pack(CpuPool pool, Kernels.Pack call) {
        long k = call.k(), n = call.n();
        DType t = call.dtype();
        MemorySegment b = CpuMemory.segment(call.b());
        MemorySegment out = CpuMemory.segment(call.packed());
        long strips = Math.ceilDiv(n, STRIP);
        // F32 stored [n, k] on 16-lane vectors: 16 x 16 register transposes, not a scalar scatter
        // ([8, 3584, 4096] F32 transB, 2 threads, Zen 4 guest, after warm-up: 96-131 -> 58-64 ms)
        boolean registers = t == DType.F32 && CpuSimd.VECTOR && VectorElements.TRANSPOSE16;
        pool.forRange(strips, 1, (lo, hi) -> {
            // arrays of the call, not Scratch: a pack runs once per weight, and its up to 1.5 MiB
            // strip buffer is not worth keeping on every thread
            float[] row = new float[(int) (call.transB() ? Math.min(k, 1 << 16) : STRIP)];
            float[] strip = new float[(int) Math.min((long) STRIP * k, STRIP << 12)];
            float[] tile = new float[512];
            for (long s = lo; s < hi; s++) {
                int cols = (int) Math.min(STRIP, n - s * STRIP);
                long base = s * k * STRIP;
                int rowsPerChunk = strip.length / STRIP;
                for (long p0 = 0; p0 < k; p0 += rowsPerChunk) {
                    int rows = (int) Math.min(rowsPerChunk, k - p0);
                    Arrays.fill(strip, 0, rows * STRIP, 0f);
                    if (call.transB() && registers) { // 16 rows of b at a time, turned in registers
                        for (int j = 0; j < cols; j += 16) {
                            VectorElements.packRows(b, (s * STRIP + j) * k + p0, k, Math.min(16, cols - j), rows, strip, j, STRIP,
                                    tile);
                        }
                    } else if (call.transB()) { // b stored [n, k]: column j of op(b) is row j of b
                        for (int j = 0; j < cols; j++) {
                            for (int p = 0; p < rows; p += row.length) {
                                int len = Math.min(row.length, rows - p);
                                Elements.load(b, t, (s * STRIP + j) * k + p0 + p, row, 0, len);
                                for (int i = 0; i < len; i++) {
                                    strip[(p + i) * STRIP + j] = row[i];
                                }
                            }
                        }
                    } else {
                        for (int p = 0; p < rows; p++) {
                            Elements.load(b, t, (p0 + p) * n + s * STRIP, strip, p * STRIP, cols);
                        }
                    }
                    MemorySegment.copy(strip, 0, out, ValueLayout.JAVA_FLOAT_UNALIGNED,
                            (base + p0 * STRIP) * Float.BYTES, rows * STRIP);
                }
            }
        });
    }

    /** out [m, n] = a [m, k] times the strips of {@link #pack}: the GEMM with B read from its strips. */
    static void packedMatmul(CpuPool pool, Kernels.PackedMatmul call) {
        run(pool, new Kernels.Gemm(call.dtype(), call.dtype(), 1, call.m(), call.n(), call.k(), 1f, call.a(), false,
                call.packed(), false, false, 0f, call.out()), DType.F32, STRIP, true);
    }

    /**
     * The GEMM with b the strips of {@link #pack} (call.b: the strips of op(b)'s columns [0, n) of
     * a packed matrix, from a strip's start; transB ignored), c of call's cType, for strips read
     * once per call: read in place up to {@link #STREAMED_ROW_TILES} row tiles a task.
     */
    static void streamedStripsMatmul(CpuPool pool, Kernels.Gemm call) {
        run(pool, call, DType.F32, STRIP, true, STREAMED_ROW_TILES);
    }

    private static void run(CpuPool pool, Kernels.Gemm call, DType bType, long ldb, boolean strips) {
        run(pool, call, bType, ldb, strips, IN_PLACE_ROW_TILES);
    }

    /**
     * The GEMM; {@code strips}: b holds the strips of {@link #pack} (F32, ldb = STRIP); tasks of at
     * most {@code inPlaceTiles} row tiles read B in place where they can.
     */
    private static void run(CpuPool pool, Kernels.Gemm call, DType bType, long ldb, boolean strips, int inPlaceTiles) {
        GemmKernel kernel = GemmKernel.get();
        long work = call.m() * call.n() * Math.max(1, call.k());
        if (call.batch() > 1 && work < PARALLEL_WORK) {
            long grain = Math.max(1, PARALLEL_WORK / work);
            pool.forRange(call.batch(), grain, (lo, hi) -> {
                for (long bi = lo; bi < hi; bi++) {
                    Matrix mat = new Matrix(kernel, call, bi, 1, bType, ldb, strips, inPlaceTiles);
                    for (long t = 0; t < mat.tasks(); t++) {
                        mat.task(t);
                    }
                }
            });
            return;
        }
        int threads = work < PARALLEL_WORK ? 1 : pool.threads();
        for (long bi = 0; bi < call.batch(); bi++) {
            Matrix mat = new Matrix(kernel, call, bi, threads, bType, ldb, strips, inPlaceTiles);
            mat.packAOnce(pool);
            pool.forRange(mat.tasks(), 1, (lo, hi) -> {
                for (long t = lo; t < hi; t++) {
                    mat.task(t);
                }
            });
        }
    }

    /** One matrix of the batch and its task grid. */
    static final class Matrix {
        private final GemmKernel kernel;
        private final GemmKernel.Blocking sizes;
        final DType abType;
        /** B's element type: abType, or I8 (widened while packed). */
        final DType bType;
        /** B's row stride in elements: k when transposed, n otherwise, unless a caller says more. */
        final long ldb;
        final DType cType;
        final long m;
        final long n;
        final long k;
        final float alpha;
        final float beta;
        final MemorySegment a;
        final MemorySegment b;
        final MemorySegment c;
        final boolean transA;
        final boolean transB;
        final long aBase;
        final long bBase;
        final long cBase;
        /** Rows and columns of a task (multiples of mr and nr), and the grid's shape. */
        private final long taskRows;
        private final long taskCols;
        private final long gridRows;
        private final long gridCols;
        /** Whether tasks read B in place (F32, stored [k, n], few row tiles per task) instead of packing it. */
        private final boolean bInPlace;
        /** Whether the tasks stream B through {@link GemmFewRows} (few rows of A). */
        private final boolean fewRows;
        /** Whether B is the strips of {@link CpuGemm#pack} (F32 [ceil(n / STRIP), k, STRIP]). */
        final boolean strips;

        Matrix(GemmKernel kernel, Kernels.Gemm call, long bi, int threads, DType bType, long ldb, boolean strips) {
            this(kernel, call, bi, threads, bType, ldb, strips, IN_PLACE_ROW_TILES);
        }

        Matrix(GemmKernel kernel, Kernels.Gemm call, long bi, int threads, DType bType, long ldb, boolean strips,
               int inPlaceTiles) {
            this.strips = strips;
            this.kernel = kernel;
            this.sizes = kernel.blocking();
            this.abType = call.abType();
            this.bType = bType;
            this.ldb = ldb;
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
            this.fewRows = !strips && (m <= FEW_ROWS || m <= FEW_ROWS_BF16 && transB && bType == DType.BF16
                    && FewRowsKernel.get().readsDirect(bType));
            int mr = sizes.mr(), nr = sizes.nr();
            // strips: tasks split the columns at strip edges
            int colUnit = strips ? STRIP : nr;
            long rowTiles = Math.ceilDiv(m, mr), colTiles = Math.ceilDiv(n, colUnit);
            // one task per thread: each task repacks the A or B its neighbours also pack; with kc =
            // 2048 on 2 threads, 2048^3 ran at 217 GFLOP/s with four tasks per thread (the grid of
            // kc = 384) against 243 with one in the same minutes, and at 257-259 with two against
            // 275-282 with one
            long target = threads;
            // gr x gc = target tasks of equal size (forRange then gives each thread the same
            // share), the split that repacks least: A is packed once per column of tasks, B once
            // per row of tasks
            long gr = 1, gc = 1;
            double best = Double.MAX_VALUE;
            for (long r = 1; r <= target; r++) {
                long q = target / r;
                if (target % r != 0 || r > rowTiles || q > colTiles) {
                    continue;
                }
                double repack = (double) q * m + (double) r * n;
                if (repack < best) {
                    best = repack;
                    gr = r;
                    gc = q;
                }
            }
            long rowsPerTask = Math.ceilDiv(rowTiles, gr) * mr;
            long colsPerTask = Math.ceilDiv(colTiles, gc) * colUnit;
            if (fewRows) {
                // few rows: tasks split the columns only, each streaming its part of B once
                rowsPerTask = m;
                colsPerTask = Math.ceilDiv(Math.ceilDiv(n, target), FewRowsKernel.PAD) * FewRowsKernel.PAD;
            } else if (cType != DType.F32) {
                long accRows = Math.max(mr, ACC_FLOATS / Math.min(sizes.nc(), colTiles * colUnit) / mr * mr);
                rowsPerTask = Math.min(rowsPerTask, accRows);
            }
            this.taskRows = rowsPerTask;
            this.taskCols = colsPerTask;
            this.gridRows = Math.ceilDiv(m, taskRows);
            this.gridCols = Math.ceilDiv(n, taskCols);
            this.bInPlace = strips ? kernel.inPlaceWidth() == STRIP && taskRows <= (long) inPlaceTiles * mr
                    : !fewRows && kernel.inPlaceWidth() > 0 && bType == DType.F32 && !transB
                    && taskRows <= (long) inPlaceTiles * mr;
        }

        long tasks() {
            return gridRows * gridCols;
        }

        /** A packed once for every task (see {@link #packAOnce}), else null. */
        private float[] packedA;
        /** Rows of {@link #packedA}: m rounded up to mr. */
        private long paddedRows;

        /** Whether {@link #packAOnce} packed A for the tasks to share. */
        boolean packsAOnce() {
            return packedA != null;
        }

        /**
         * When every task covers all of A's rows (one row of tasks, as an MoE expert's 128 rows
         * against a wide weight give) and B is packed, packs A once, on the pool, into a buffer of
         * the calling thread that the tasks then read, instead of each column task packing the
         * same A again (8 times for moe T = 512: 8% of its GEMM samples). The blocks sit in the
         * order the tasks visit them: slab pc (kc columns of A, rows padded to mr) at pc times
         * the padded rows, block ic within it at ic times kc. The same panels as a task packs, so
         * the same bits.
         */
        void packAOnce(CpuPool pool) {
            int mr = sizes.mr();
            long padded = Math.ceilDiv(m, mr) * mr;
            if (gridRows != 1 || gridCols < 2 || fewRows || bInPlace || k == 0 || padded * k > SHARED_A_FLOATS) {
                return;
            }
            int kcMax = (int) Math.min(sizes.kc(), k);
            int mcMax = (int) Math.min(sizes.mc(), padded);
            float[] all = Scratch.get(Scratch.GEMM_SHARED_A, (int) (padded * k));
            long blocks = Math.ceilDiv(m, mcMax);
            pool.forRange(Math.ceilDiv(k, kcMax) * blocks, 1, (lo, hi) -> {
                float[] ap = Scratch.get(Scratch.GEMM_A, mcMax * kcMax + GemmPacking.PANEL_SLACK);
                float[] scratch = Scratch.get(Scratch.GEMM_T, (mcMax + GemmPacking.PANEL_SLACK) * kcMax);
                float[] panelTile = Scratch.get(Scratch.GEMM_PANEL, 512);
                for (long t = lo; t < hi; t++) {
                    long pc = (t / blocks) * kcMax, ic = (t % blocks) * mcMax;
                    int kc = (int) Math.min(kcMax, k - pc), mc = (int) Math.min(mcMax, m - ic);
                    GemmPacking.packA(a, abType, aBase, transA, m, k, ic, mc, pc, kc, mr, ap, scratch, panelTile);
                    System.arraycopy(ap, 0, all, (int) (pc * padded + ic * kc), roundUp(mc, mr) * kc);
                }
            });
            paddedRows = padded;
            packedA = all;
        }

        /** The block of task t: rows [i0, i0 + rows), columns [j0, j0 + cols). */
        void task(long t) {
            long i0 = (t / gridCols) * taskRows, j0 = (t % gridCols) * taskCols;
            long rows = Math.min(taskRows, m - i0), cols = Math.min(taskCols, n - j0);
            if (k == 0) {
                scaleC(i0, rows, j0, cols);
                return;
            }
            if (fewRows) {
                GemmFewRows.task(this, j0, cols);
                return;
            }
            int mr = sizes.mr(), nr = sizes.nr();
            int kcMax = (int) Math.min(sizes.kc(), k);
            int mcMax = (int) Math.min(sizes.mc(), Math.ceilDiv(rows, mr) * mr);
            int ncMax = (int) Math.min(sizes.nc(), Math.ceilDiv(cols, nr) * nr);
            if (strips) { // whole strips per block
                ncMax = (int) Math.min(Math.max(STRIP, sizes.nc() / STRIP * STRIP), Math.ceilDiv(cols, STRIP) * STRIP);
            }
            boolean direct = cType == DType.F32;
            float[] bp = Scratch.get(Scratch.GEMM_B, ncMax * kcMax);
            float[] ap = Scratch.get(Scratch.GEMM_A, mcMax * kcMax + GemmPacking.PANEL_SLACK);
            float[] scratch = Scratch.get(Scratch.GEMM_T, Math.max(mcMax + GemmPacking.PANEL_SLACK, nr) * kcMax);
            float[] panelTile = Scratch.get(Scratch.GEMM_PANEL, 512);
            float[] aRows = bInPlace ? Scratch.get(Scratch.GEMM_ROWS, roundUp(mcMax, GemmKernel.IN_PLACE_ROWS) * kcMax) : null;
            float[] acc = direct ? null : Scratch.get(Scratch.GEMM_ACC, (int) (rows * ncMax));
            for (long jc = j0; jc < j0 + cols; jc += ncMax) {
                int nc = (int) Math.min(ncMax, j0 + cols - jc);
                // in place: whole in-place tiles of B straight from memory, the columns left packed
                int width = kernel.inPlaceWidth();
                int inPlace = bInPlace ? nc / width * width : 0;
                for (long pc = 0; pc < k; pc += kcMax) {
                    int kc = (int) Math.min(kcMax, k - pc);
                    if (strips && inPlace < nc) { // whole strips from the first not read in place
                        for (int j = inPlace; j < nc; j += STRIP) {
                            GemmPacking.packStrip(b, ((jc + j) / STRIP * k + pc) * STRIP, STRIP, kc, nr, bp, (j - inPlace) * kc);
                        }
                    } else if (inPlace < nc) {
                        GemmPacking.packB(b, bType, bBase, transB, transB ? n : ldb, transB ? ldb : k, jc + inPlace,
                                nc - inPlace, pc, kc, nr, bp, scratch);
                    }
                    long bAt = (bBase + pc * ldb + jc) * Float.BYTES;
                    boolean first = pc == 0;
                    for (long ic = i0; ic < i0 + rows; ic += mcMax) {
                        int mc = (int) Math.min(mcMax, i0 + rows - ic);
                        if (inPlace > 0) {
                            GemmPacking.packARows(a, abType, aBase, transA, m, k, ic, mc, pc, kc, aRows, scratch);
                        }
                        if (inPlace < nc && packedA == null) {
                            GemmPacking.packA(a, abType, aBase, transA, m, k, ic, mc, pc, kc, mr, ap, scratch, panelTile);
                        }
                        long cOff = direct ? cBase + ic * n + jc : (ic - i0) * nc;
                        long ldc = direct ? n : nc;
                        float al = direct ? alpha : 1f;
                        float be = first ? (direct ? beta : 0f) : 1f;
                        MemorySegment cSeg = direct ? c : null;
                        if (inPlace > 0 && strips) {
                            for (int j = 0; j < inPlace; j += STRIP) {
                                long stripAt = ((jc + j) / STRIP * k + pc) * STRIP * Float.BYTES;
                                kernel.blockInPlace(mc, STRIP, kc, aRows, b, stripAt, (long) STRIP * Float.BYTES, cSeg, acc,
                                        cOff + j, ldc, al, be);
                            }
                        } else if (inPlace > 0) {
                            kernel.blockInPlace(mc, inPlace, kc, aRows, b, bAt, ldb * Float.BYTES, cSeg, acc, cOff, ldc, al, be);
                        }
                        if (inPlace < nc) {
                            float[] aPanels = packedA == null ? ap : packedA;
                            int aOff = packedA == null ? 0 : (int) (pc * paddedRows + (ic - i0) * kc);
                            kernel.block(mc, nc - inPlace, kc, aPanels, aOff, bp, 0, cSeg, acc, cOff + inPlace, ldc, al, be);
                        }
                    }
                }
                if (!direct) {
                    epilogue(acc, i0, rows, jc, nc);
                }
            }
        }

        /** c = alpha * acc + beta * c (acc rows of stride nc) for a 16-bit c, rounded once. */
        void epilogue(float[] acc, long i0, long rows, long jc, int nc) {
            epilogue(acc, nc, i0, rows, jc, nc);
        }

        /** c = alpha * acc + beta * c over rows x width from (i0, jc), acc rows of stride ldacc. */
        void epilogue(float[] acc, int ldacc, long i0, long rows, long jc, int nc) {
            float[] old = Scratch.get(Scratch.GEMM_OLD, nc);
            float[] out = Scratch.get(Scratch.GEMM_OUT, nc);
            for (long r = 0; r < rows; r++) {
                long at = cBase + (i0 + r) * n + jc;
                int from = (int) (r * ldacc);
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
        }

        /** k == 0: c = beta * c, or zeros when beta == 0, over the task's block. */
        private void scaleC(long i0, long rows, long j0, long cols) {
            int width = (int) Math.min(cols, 1 << 16);
            float[] buf = Scratch.get(Scratch.GEMM_OUT, width);
            for (long r = i0; r < i0 + rows; r++) {
                for (long j = j0; j < j0 + cols; j += width) {
                    int len = (int) Math.min(width, j0 + cols - j);
                    long at = cBase + r * n + j;
                    if (beta == 0f) {
                        java.util.Arrays.fill(buf, 0, len, 0f);
                    } else {
                        Elements.load(c, cType, at, buf, 0, len);
                        for (int x = 0; x < len; x++) {
                            buf[x] *= beta;
                        }
                    }
                    Elements.store(buf, 0, c, cType, at, len);
                }
            }
        }
    }


    static int roundUp(long a, int b) {
        return (int) (Math.ceilDiv(a, b) * b);
    }
}
