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
    private GemmPacking() {
    }

    /**
     * Packs A rows [i0, i0 + mc), inner steps [p0, p0 + kc) into {@code ap} as the row-major
     * block [roundUp(mc, mr), kc] (padding rows zero). {@code scratch}: kc * mc floats when transA.
     */
    static void packA(MemorySegment a, DType t, long base, boolean transA, long m, long k,
                      long i0, int mc, long p0, int kc, int mr, float[] ap, float[] scratch) {
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
        int padded = CpuGemm.roundUp(mc, mr);
        Arrays.fill(ap, mc * kc, padded * kc, 0f);
    }

    /**
     * Packs B's block at columns [j0, j0 + nc), inner steps [p0, p0 + kc), into {@code bp} as
     * ceil(nc / nr) panels [kc, nr] (padding columns zero). A stored row of B is spread over
     * the panels in one call; a transposed B goes panel by panel through {@code scratch}
     * (nr * kc floats).
     */
    static void packB(MemorySegment b, DType t, long base, boolean transB, long n, long k,
                      long j0, int nc, long p0, int kc, int nr, float[] bp, float[] scratch) {
        int panels = Math.ceilDiv(nc, nr);
        if (transB) {
            for (int q = 0; q < panels; q++) {
                int cols = Math.min(nr, nc - q * nr);
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
}
