package dev.panamax.cpu;

import dev.panamax.DType;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * Packs blocks of A and B into the layouts of {@link GemmKernel}, widening F16/BF16 to float on
 * the way and zero-padding partial panels. A is [m, k] row-major ({@code transA}: stored
 * [k, m]); B is [k, n] ({@code transB}: stored [n, k]); bases are element offsets of one batch's
 * matrix. A stored operand is either copied row by row or read into scratch and transposed in
 * 16 x 16 register blocks.
 */
final class GemmPacking {
    /**
     * Rows past mc that packA's scratch must hold: a panel is transposed 16 rows at a time; also
     * the floats that {@code ap} must hold past its last panel (a panel packed straight from
     * memory spills up to 16 - mr zeros past its end).
     */
    static final int PANEL_SLACK = 16;

    private GemmPacking() {
    }

    /**
     * Packs A rows [i0, i0 + mc), inner steps [p0, p0 + kc) into {@code ap} as ceil(mc / mr)
     * panels [kc, mr] (element (i, p) at {@code (i / mr) * mr * kc + p * mr + i % mr}; the
     * padding rows of the last panel zero). A stored [k, m] (transA) is copied a stored row at a
     * time, each spread over the panels in one call; a row-major F32 A on 16-lane vectors is
     * turned in registers straight from memory ({@link VectorElements#packRows}; ap holds
     * {@link #PANEL_SLACK} floats past its panels; {@code tile}: 512 floats); another row-major A
     * goes through {@code scratch} ((mc + {@link #PANEL_SLACK}) * kc floats) and is transposed
     * panel by panel ({@code tile}: 256 floats).
     */
    static void packA(MemorySegment a, DType t, long base, boolean transA, long m, long k,
                      long i0, int mc, long p0, int kc, int mr, float[] ap, float[] scratch, float[] tile) {
        int panels = Math.ceilDiv(mc, mr);
        int last = mc - (panels - 1) * mr;
        if (transA) {
            for (int p = 0; p < kc; p++) {
                Elements.load(a, t, base + (p0 + p) * m + i0, ap, p * mr, mc, mr, mr * kc);
            }
        } else if (t == DType.F32 && CpuSimd.VECTOR && VectorElements.TRANSPOSE16 && mr <= 16) {
            for (int q = 0; q < panels; q++) { // straight from memory, turned in registers
                VectorElements.packRows(a, base + (i0 + (long) q * mr) * k + p0, k, Math.min(mr, mc - q * mr), kc, ap,
                        q * mr * kc, mr, tile);
            }
        } else {
            for (int i = 0; i < mc; i++) {
                Elements.load(a, t, base + (i0 + i) * k + p0, scratch, i * kc, kc);
            }
            for (int q = 0; q < panels; q++) { // reads up to 16 rows from q * mr: scratch holds PANEL_SLACK rows past mc
                Elements.transposeToPanel(scratch, q * mr * kc, kc, mr, kc, ap, q * mr * kc, tile);
            }
        }
        if (last < mr) {
            zeroRows(ap, (panels - 1) * mr * kc, last, mr, kc);
        }
    }

    /**
     * Packs A rows [i0, i0 + mc), inner steps [p0, p0 + kc), row-major into {@code ap} (element
     * (i, p) at {@code i * kc + p}), for {@link GemmKernel#blockInPlace}: a copy per row, no
     * transposition; rows up to a multiple of {@link GemmKernel#IN_PLACE_ROWS} zero. A stored
     * [k, m] goes through {@code scratch} (kc * mc floats) and one transposition.
     */
    static void packARows(MemorySegment a, DType t, long base, boolean transA, long m, long k,
                          long i0, int mc, long p0, int kc, float[] ap, float[] scratch) {
        if (transA) {
            for (int p = 0; p < kc; p++) {
                Elements.load(a, t, base + (p0 + p) * m + i0, scratch, p * mc, mc);
            }
            Elements.transpose(scratch, 0, mc, kc, mc, ap, 0, kc);
        } else {
            for (int i = 0; i < mc; i++) {
                Elements.load(a, t, base + (i0 + i) * k + p0, ap, i * kc, kc);
            }
        }
        int rows = CpuGemm.roundUp(mc, GemmKernel.IN_PLACE_ROWS);
        Arrays.fill(ap, mc * kc, rows * kc, 0f);
    }

    /** Zeroes rows [from, mr) of the panel [kc, mr] at {@code at}. */
    static void zeroRows(float[] panel, int at, int from, int mr, int kc) {
        for (int p = 0; p < kc; p++) {
            Arrays.fill(panel, at + p * mr + from, at + (p + 1) * mr, 0f);
        }
    }

    /**
     * Packs B's block at columns [j0, j0 + nc), inner steps [p0, p0 + kc), into {@code bp} as
     * ceil(nc / nr) panels [kc, nr] (padding columns zero). A stored row of B is spread over
     * the panels in one call; a transposed B goes panel by panel through {@code scratch}
     * (nr * kc floats), or, for whole panels of F32 (a multiple of 16 columns) on 16-lane vectors, straight from
     * memory through registers ({@link VectorElements#packRows}).
     */
    static void packB(MemorySegment b, DType t, long base, boolean transB, long n, long k,
                      long j0, int nc, long p0, int kc, int nr, float[] bp, float[] scratch) {
        int panels = Math.ceilDiv(nc, nr);
        if (transB) {
            boolean registers = t == DType.F32 && nr % 16 == 0 && kc >= 32 && CpuSimd.VECTOR && VectorElements.TRANSPOSE16;
            for (int q = 0; q < panels; q++) {
                int cols = Math.min(nr, nc - q * nr);
                if (registers && cols == nr) { // whole panels of F32 rows: turned in registers straight from memory
                    for (int h = 0; h < nr; h += 16) {
                        VectorElements.packRows(b, base + (j0 + q * nr + h) * k + p0, k, 16, kc, bp, q * kc * nr + h, nr, scratch);
                    }
                    continue;
                }
                for (int j = 0; j < cols; j++) {
                    Elements.load(b, t, base + (j0 + q * nr + j) * k + p0, scratch, j * kc, kc);
                }
                Elements.transpose(scratch, 0, kc, cols, kc, bp, q * kc * nr, nr);
            }
        } else if (t == DType.F32 && CpuSimd.VECTOR) {
            VectorElements.packPanelsF32(b, base + p0 * n + j0, n, kc, nc, nr, bp);
            return; // the last panel's missing columns are zeros already
        } else {
            for (int p = 0; p < kc; p++) {
                Elements.load(b, t, base + (p0 + p) * n + j0, bp, p * nr, nc, nr, kc * nr);
            }
        }
        int cols = nc - (panels - 1) * nr;
        if (cols < nr) {
            int panel = (panels - 1) * kc * nr;
            for (int p = 0; p < kc; p++) {
                Arrays.fill(bp, panel + p * nr + cols, panel + (p + 1) * nr, 0f);
            }
        }
    }

    /**
     * Packs rows [0, kc) of the F32 strip [*, width] at element {@code base} (width a multiple of
     * nr: every column of it, padding included) as width / nr panels [kc, nr] from bp[at].
     */
    static void packStrip(MemorySegment strips, long base, int width, int kc, int nr, float[] bp, int at) {
        if (CpuSimd.VECTOR) {
            VectorElements.packPanelsF32(strips, base, width, kc, width, nr, bp, at);
            return;
        }
        for (int p = 0; p < kc; p++) {
            Elements.load(strips, DType.F32, base + (long) p * width, bp, at + p * nr, width, nr, kc * nr);
        }
    }
}
