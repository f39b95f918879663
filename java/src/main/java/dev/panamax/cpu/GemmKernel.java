package dev.panamax.cpu;

import java.lang.foreign.MemorySegment;

/**
 * The innermost two loops of the BLIS loop nest: one [mc, nc] block of C from a packed A block
 * and packed B panels, for one slice of kc steps of the inner dimension. The driver
 * ({@link CpuGemm}) owns blocking, packing and threads; a kernel owns registers.
 *
 * <p>Packed layouts (see {@link GemmPacking}): A is ceil(mc / mr) panels, each [kc, mr]
 * (element (i, p) of panel q at {@code q * kc * mr + p * mr + i}); B is panels of [kc, nr] the same
 * way. Panels are zero-padded to full mr and nr, so a kernel may compute whole tiles and store
 * only the valid part.
 *
 * <p>Every element of C is the sum over p in ascending order of one chain of multiply-adds,
 * whatever the tile shape or position, so results do not depend on how the driver splits work.
 */
interface GemmKernel {
    /** Rows of a register tile (and of an A panel). */
    int mr();

    /** Columns of a register tile (and of a B panel). */
    int nr();

    /** Inner-dimension block: one A panel plus one B panel of kc steps stay in L1. */
    int kc();

    /** Rows of C per packed A block (a multiple of mr): the packed block stays in L2. */
    int mc();

    /** Columns of C per packed B block (a multiple of nr): the packed block stays in L3. */
    int nc();

    /**
     * {@code c[i, j] = alpha * sum_p A(i, p) B(p, j) + beta * c[i, j]} for i &lt; mc, j &lt; nc; c
     * (F32) starts at element {@code cOff} with row stride {@code ldc}; beta == 0 ignores c.
     * {@code ap} holds the block's A panels from 0, {@code bp} its B panels from {@code bOff}.
     */
    void block(int mc, int nc, int kc, float[] ap, float[] bp, int bOff,
               MemorySegment c, long cOff, long ldc, float alpha, float beta);

    /** The kernel set's GEMM kernel: Vector API when present, scalar Java otherwise. */
    static GemmKernel get() {
        return GemmScalarKernel.INSTANCE;
    }
}
