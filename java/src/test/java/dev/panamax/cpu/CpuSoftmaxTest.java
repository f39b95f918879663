package dev.panamax.cpu;

import dev.panamax.DType;
import dev.panamax.Device;
import dev.panamax.Ops;
import dev.panamax.Tensor;
import dev.panamax.reference.Reference64;
import dev.panamax.testing.Check;
import dev.panamax.testing.Data;
import dev.panamax.testing.Tolerances;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** The CPU softmax against the float64 reference: short and long rows, -inf, NaN, in place. */
class CpuSoftmaxTest {
    private final Device cpu = Device.cpu();

    /** softmax of x [rows, cols] in dtype, into a new tensor or in place. */
    private float[] softmax(DType dtype, float[] x, int rows, int cols, boolean inPlace) {
        try (Tensor t = Data.tensor(cpu, dtype, x, rows, cols)) {
            if (inPlace) {
                Ops.softmax(t, t);
                return t.toFloatArray();
            }
            try (Tensor o = Ops.softmax(t)) {
                return o.toFloatArray();
            }
        }
    }

    private void check(DType dtype, float[] x, int rows, int cols, boolean inPlace, Data data) {
        float[] xr = Data.roundTo(dtype, x);
        float[] out = softmax(dtype, xr, rows, cols, inPlace);
        Check.close("softmax " + dtype + " [" + rows + ", " + cols + "]" + (inPlace ? " in place" : ""), out,
                Reference64.softmax(xr, rows, cols), Tolerances.softmax(dtype), data);
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "F16", "BF16"})
    void shapes(DType dtype) {
        int[][] shapes = {{1, 1}, {3, 7}, {33, 127}, {5, 1000}, {2, 16384}, {3, 16385}, {1, 100_003}, {70, 33}, {9, 64},
                {3, 4096}, {41, 208}};
        for (int[] s : shapes) {
            Data data = Data.fresh();
            check(dtype, data.normal(s[0] * s[1], 3), s[0], s[1], false, data);
            check(dtype, data.normal(s[0] * s[1], 3), s[0], s[1], true, data);
        }
    }

    @Test
    void infinitiesAndNaN() {
        for (int cols : new int[] {1, 9, 64, 1000, 4096, 40_000}) {
            Data data = Data.fresh();
            int rows = 6;
            float[] x = data.normal(rows * cols, 2);
            for (int j = 0; j < cols; j++) {
                x[j] = Float.NEGATIVE_INFINITY; // row 0 all -inf
                if (j % 3 == 0) {
                    x[cols + j] = Float.NEGATIVE_INFINITY; // row 1 partly -inf
                }
            }
            x[2 * cols + cols / 2] = Float.NaN; // row 2 NaN
            x[3 * cols + cols - 1] = 80f; // row 3 one large entry
            x[4 * cols + cols / 3] = Float.POSITIVE_INFINITY; // row 4 +inf
            check(DType.F32, x, rows, cols, false, data);
            check(DType.BF16, x, rows, cols, true, data);
        }
    }

    @Test
    void sameBitsWhateverTheThreads() {
        Data data = Data.fresh();
        float[] x = data.normal(3 * 50_000, 4);
        assertArrayEquals(KernelRun.softmax(1, x, 3, 50_000), KernelRun.softmax(3, x, 3, 50_000), data.describe());
    }

    /**
     * Rows of whole vectors run pipelined (a row's exps in the pass that reads the next row and
     * writes the one before): each row of a 7-row call, in place or not, has the bits of the same
     * row softmaxed alone, special rows included; and 1 and 3 threads, whose chunks start at other
     * rows, agree.
     */
    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "BF16"})
    void pipelinedRowsSameBitsAsAlone(DType dtype) {
        for (int cols : new int[] {16, 64, 4096}) {
            Data data = Data.fresh();
            int rows = 7;
            float[] x = Data.roundTo(dtype, data.normal(rows * cols, 3));
            java.util.Arrays.fill(x, cols, 2 * cols, Float.NEGATIVE_INFINITY); // row 1 all -inf
            x[3 * cols + cols / 2] = Float.NaN;
            x[4 * cols] = Float.POSITIVE_INFINITY;
            x[5 * cols + 1] = Float.NEGATIVE_INFINITY;
            for (boolean inPlace : new boolean[] {false, true}) {
                float[] all = softmax(dtype, x, rows, cols, inPlace);
                for (int r = 0; r < rows; r++) {
                    float[] alone = softmax(dtype, java.util.Arrays.copyOfRange(x, r * cols, (r + 1) * cols), 1, cols, false);
                    assertArrayEquals(alone, java.util.Arrays.copyOfRange(all, r * cols, (r + 1) * cols),
                            dtype + " row " + r + " of [" + rows + ", " + cols + "]" + (inPlace ? " in place" : "")
                                    + "; " + data.describe());
                }
                Check.close("softmax " + dtype + " [" + rows + ", " + cols + "]", all, Reference64.softmax(x, rows, cols),
                        Tolerances.softmax(dtype), data);
            }
        }
        Data data = Data.fresh();
        float[] x = data.normal(300 * 256, 4);
        assertArrayEquals(KernelRun.softmax(1, x, 300, 256), KernelRun.softmax(3, x, 300, 256), data.describe());
    }
}
