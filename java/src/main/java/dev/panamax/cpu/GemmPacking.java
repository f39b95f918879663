package dev.panamax.cpu;

import dev.panamax.DType;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * Packs blocks of A and B into the panel layout of {@link GemmKernel}, widening F16/BF16 to float
 * on the way, zero-padding partial panels. A is [m, k] row-major ({@code transA}: stored [k, m]);
 * B is [k, n] ({@code transB}: stored [n, k]); bases are element offsets of one batch's matrix.
 */
final class GemmPacking {
    private GemmPacking() {
    }

    /**
     * Packs A rows [i0, i0 + mc) and inner steps [p0, p0 + kc) into {@code ap} from 0 as
     * ceil(mc / mr) panels [kc, mr]. {@code row} is scratch of at least kc floats.
     */
    static void packA(MemorySegment a, DType t, long base, boolean transA, long m, long k,
                      long i0, int mc, long p0, int kc, int mr, float[] ap, float[] row) {
        for (int ir = 0; ir < mc; ir += mr) {
            int panel = ir * kc;
            int rows = Math.min(mr, mc - ir);
            if (transA) {
                // stored [k, m]: the rows of one inner step are contiguous
                for (int p = 0; p < kc; p++) {
                    int at = panel + p * mr;
                    Elements.load(a, t, base + (p0 + p) * m + i0 + ir, ap, at, rows);
                    if (rows < mr) {
                        Arrays.fill(ap, at + rows, at + mr, 0f);
                    }
                }
            } else {
                // stored [m, k]: each row is contiguous along the inner dimension
                for (int i = 0; i < rows; i++) {
                    Elements.load(a, t, base + (i0 + ir + i) * k + p0, row, 0, kc);
                    for (int p = 0; p < kc; p++) {
                        ap[panel + p * mr + i] = row[p];
                    }
                }
                for (int i = rows; i < mr; i++) {
                    for (int p = 0; p < kc; p++) {
                        ap[panel + p * mr + i] = 0f;
                    }
                }
            }
        }
    }

    /**
     * Packs B panel {@code q} of the block at columns [j0, j0 + nc), inner steps [p0, p0 + kc),
     * into {@code bp} at {@code q * kc * nr} (plus {@code bOff}). {@code row} is scratch of kc floats.
     */
    static void packBPanel(MemorySegment b, DType t, long base, boolean transB, long n, long k,
                           long j0, int nc, long p0, int kc, int nr, int q, float[] bp, int bOff, float[] row) {
        int panel = bOff + q * kc * nr;
        int jq = q * nr;
        int cols = Math.min(nr, nc - jq);
        if (transB) {
            // stored [n, k]: each column of op(b) is a contiguous row
            for (int j = 0; j < cols; j++) {
                Elements.load(b, t, base + (j0 + jq + j) * k + p0, row, 0, kc);
                for (int p = 0; p < kc; p++) {
                    bp[panel + p * nr + j] = row[p];
                }
            }
            for (int j = cols; j < nr; j++) {
                for (int p = 0; p < kc; p++) {
                    bp[panel + p * nr + j] = 0f;
                }
            }
        } else {
            for (int p = 0; p < kc; p++) {
                int at = panel + p * nr;
                Elements.load(b, t, base + (p0 + p) * n + j0 + jq, bp, at, cols);
                if (cols < nr) {
                    Arrays.fill(bp, at + cols, at + nr, 0f);
                }
            }
        }
    }
}
