package dev.panamax.cpu;

import dev.panamax.DType;
import dev.panamax.internal.Kernels;
import dev.panamax.internal.Kernels.NormOp;
import dev.panamax.testing.Data;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * The CPU row norms give the same bits whatever the number of threads, short rows and long
 * (chunked) ones alike, and a row gives the same bits whichever rows come with it: a thread's
 * first row is read alone, the later ones in the pass that writes the row before them.
 */
class CpuNormTest {

    /** out (addRmsNorm: x, then residual after it) of one call. */
    private static float[] norm(int threads, NormOp op, DType t, float[] x, float[] residual, float[] gamma, float[] beta,
                                int rows, int cols) {
        try (Arena arena = Arena.ofShared()) {
            CpuMemory mx = KernelRun.memory(arena, t, x);
            CpuMemory mr = op == NormOp.ADD_RMS_NORM ? KernelRun.memory(arena, t, residual) : null;
            CpuMemory out = op == NormOp.ADD_RMS_NORM ? mx : KernelRun.memory(arena, t, new float[rows * cols]);
            new CpuKernels(new CpuPool(threads)).norm(new Kernels.Norm(op, t, t, t, rows, cols, 1e-5f, mx, mr,
                    KernelRun.memory(arena, t, gamma), op == NormOp.LAYER_NORM ? KernelRun.memory(arena, t, beta) : null, out));
            float[] o = KernelRun.floats(out, t);
            if (mr == null) {
                return o;
            }
            float[] both = Arrays.copyOf(o, 2 * o.length);
            System.arraycopy(KernelRun.floats(mr, t), 0, both, o.length, o.length);
            return both;
        }
    }

    @Test
    void sameBitsWhateverTheThreads() {
        Data data = Data.fresh();
        for (NormOp op : NormOp.values()) {
            for (DType t : new DType[] {DType.F32, DType.BF16}) {
                // 1000: short rows, chunks of 10 rows on one thread and 8 on three; 50_001: long rows
                for (int cols : new int[] {1000, 50_001}) {
                    int rows = cols < 2000 ? 40 : 5;
                    float[] x = data.normal(rows * cols, 3), r = data.normal(rows * cols, 3);
                    float[] gamma = data.normal(cols, 1), beta = data.normal(cols, 1);
                    assertArrayEquals(norm(1, op, t, x, r, gamma, beta, rows, cols), norm(3, op, t, x, r, gamma, beta, rows, cols),
                            op + " " + t + " cols " + cols + " " + data.describe());
                }
            }
        }
    }

    @Test
    void eachRowAsAlone() {
        Data data = Data.fresh();
        for (NormOp op : NormOp.values()) {
            for (DType t : new DType[] {DType.F32, DType.BF16}) {
                for (int cols : new int[] {1, 17, 1000, 4099}) {
                    int rows = 7;
                    float[] x = data.normal(rows * cols, 3), r = data.normal(rows * cols, 3);
                    float[] gamma = data.normal(cols, 1), beta = data.normal(cols, 1);
                    float[] all = norm(1, op, t, x, r, gamma, beta, rows, cols);
                    int n = all.length / (op == NormOp.ADD_RMS_NORM ? 2 : 1);
                    for (int row = 0; row < rows; row++) {
                        float[] xr = Arrays.copyOfRange(x, row * cols, (row + 1) * cols);
                        float[] rr = Arrays.copyOfRange(r, row * cols, (row + 1) * cols);
                        float[] alone = norm(1, op, t, xr, rr, gamma, beta, 1, cols);
                        String what = op + " " + t + " cols " + cols + " row " + row + " " + data.describe();
                        assertArrayEquals(Arrays.copyOfRange(alone, 0, cols), Arrays.copyOfRange(all, row * cols, (row + 1) * cols),
                                what);
                        if (op == NormOp.ADD_RMS_NORM) {
                            assertArrayEquals(Arrays.copyOfRange(alone, cols, 2 * cols),
                                    Arrays.copyOfRange(all, n + row * cols, n + (row + 1) * cols), what + " (residual)");
                        }
                    }
                }
            }
        }
    }
}
