package dev.panamax.cpu;

import java.lang.foreign.MemorySegment;

/**
 * The innermost two loops of the BLIS loop nest: one [mc, nc] block of C from a packed A block
 * and packed B panels, for one slice of kc steps of the inner dimension. The driver
 * ({@link CpuGemm}) owns blocking, packing and threads; a kernel owns registers.
 *
 * <p>Packed layouts (see {@link GemmPacking}): A is ceil(mc / mr) panels, each [kc, mr] (element
 * (i, p) at {@code (i / mr) * mr * kc + p * mr + i % mr}), so that its panel of rows [ir, ir + mr)
 * starts at {@code ir * kc} and the mr values a step p broadcasts are adjacent: the kernel reads
 * them at constant offsets from one index (with rows kc apart, C2 kept the twelve row offsets of
 * a 12-row tile in stack slots and reloaded them every step). B is ceil(nc / nr) panels, each
 * [kc, nr] (element (p, j) of panel q at {@code q * kc * nr + p * nr + j}). Both are zero-padded
 * to whole tiles, so a kernel may compute whole tiles and store only the valid part.
 *
 * <p>Every element of C is the sum over p in ascending order of one chain of multiply-adds,
 * whatever the tile shape or position, so results do not depend on how the driver splits work.
 */
interface GemmKernel {
    /**
     * A kernel's block sizes: mr x nr register tiles; kc inner steps per block, so that a B
     * panel stays in L1 or close to it (each kernel says how it chose); mc rows of A per packed block (a multiple of mr), kept in
     * L2; nc columns of B per packed block (a multiple of nr), kept in L3.
     */
    record Blocking(int mr, int nr, int kc, int mc, int nc) {
    }

    Blocking blocking();

    /**
     * {@code c[i, j] = alpha * sum_p A(i, p) B(p, j) + beta * c[i, j]} for i &lt; mc, j &lt; nc; c
     * (F32) is {@code cSegment} (native memory) or, when that is null, {@code cArray}, from
     * element {@code cOff} with row stride {@code ldc}; beta == 0 ignores c. {@code ap} holds the
     * block's A panels from {@code aOff}, {@code bp} its B panels from {@code bOff}. Each B panel stays in
     * cache (L1 or L2, by the kernel's kc) while the A panels stream past it.
     */
    default void block(int mc, int nc, int kc, float[] ap, int aOff, float[] bp, int bOff,
                       MemorySegment cSegment, float[] cArray, long cOff, long ldc, float alpha, float beta) {
        Blocking sizes = blocking();
        int mr = sizes.mr(), nr = sizes.nr();
        float[] t = Scratch.get(Scratch.GEMM_TILE, mr * nr);
        for (int jr = 0; jr < nc; jr += nr) {
            int bBase = bOff + jr * kc;
            int cols = Math.min(nr, nc - jr);
            for (int ir = 0; ir < mc; ir += mr) {
                int rows = Math.min(mr, mc - ir);
                tile(rows, kc, ap, aOff + ir * kc, bp, bBase, nr, t);
                long at = cOff + ir * ldc + jr;
                if (cSegment != null) {
                    store(t, rows, cols, cSegment, at, ldc, alpha, beta);
                } else {
                    store(t, rows, cols, cArray, (int) at, (int) ldc, alpha, beta);
                }
            }
        }
    }

    /**
     * t [mr, nr] = the A panel [kc, mr] at aOff (mr rows, step p's values at aOff + p * mr) times the B rows [kc, nr] at bOff
     * (row stride ldb: nr for a packed panel, wider for a slice of a row-major matrix). Only the
     * first {@code rows} (&lt;= mr) rows of t are needed: a kernel may leave the others unwritten
     * (a short tile for a few rows of A). All mr rows of A must be readable.
     */
    void tile(int rows, int kc, float[] ap, int aOff, float[] bp, int bOff, int ldb, float[] t);

    /**
     * Columns of C per {@link #blockInPlace} tile, 0 where the kernel has none. A product of a
     * few row tiles then reads B's F32 rows where they are stored instead of packing them: a
     * packed panel would serve only one or two tiles, and the read of B overlaps the multiply-adds.
     */
    default int inPlaceWidth() {
        return 0;
    }

    /** Rows of A per {@link #blockInPlace} tile: its A holds whole groups of them. */
    int IN_PLACE_ROWS = 4;

    /**
     * {@link #block} with B read where it is stored: F32 rows of a row-major matrix in native
     * memory, the block's element (0, 0) at byte {@code bAt}, rows {@code ldbBytes} apart; nc a
     * multiple of {@link #inPlaceWidth}. A is row-major ({@link GemmPacking#packARows}: element
     * (i, p) at {@code i * kc + p}, rows up to a multiple of {@link #IN_PLACE_ROWS} zero), and
     * each element of C is the same chain of multiply-adds as in {@link #block}, so the bits do
     * not depend on which of the two ran.
     */
    default void blockInPlace(int mc, int nc, int kc, float[] ap, MemorySegment b, long bAt, long ldbBytes,
                              MemorySegment cSegment, float[] cArray, long cOff, long ldc, float alpha, float beta) {
        throw new UnsupportedOperationException("this GEMM kernel packs B");
    }

    /**
     * c = alpha * t + beta * c (beta == 0: c ignored) for the first rows x cols of tile t [mr, nr],
     * into native memory. Heap targets take the array form: one segment kind per call site keeps
     * the Vector API's memory access compiled to plain vector moves.
     */
    void store(float[] t, int rows, int cols, MemorySegment c, long cOff, long ldc, float alpha, float beta);

    /** {@link #store(float[], int, int, MemorySegment, long, long, float, float)} into an array. */
    void store(float[] t, int rows, int cols, float[] c, int cOff, int ldc, float alpha, float beta);

    /** The kernel set's GEMM kernel: Vector API when present, scalar Java otherwise. */
    static GemmKernel get() {
        return CpuSimd.VECTOR ? VectorGemmKernel.INSTANCE : ScalarGemmKernel.INSTANCE;
    }
}
