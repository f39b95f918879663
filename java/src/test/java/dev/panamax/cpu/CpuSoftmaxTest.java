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

    private void check(DType dtype, float[] x, int rows, int cols, boolean inPlace, Data data) {
        float[] xr = Data.roundTo(dtype, x);
        float[] out;
        try (Tensor t = Data.tensor(cpu, dtype, xr, rows, cols)) {
            if (inPlace) {
                Ops.softmax(t, t);
                out = t.toFloatArray();
            } else {
                try (Tensor o = Ops.softmax(t)) {
                    out = o.toFloatArray();
                }
            }
        }
        Check.close("softmax " + dtype + " [" + rows + ", " + cols + "]" + (inPlace ? " in place" : ""), out,
                Reference64.softmax(xr, rows, cols), Tolerances.softmax(dtype), data);
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "F16", "BF16"})
    void shapes(DType dtype) {
        int[][] shapes = {{1, 1}, {3, 7}, {33, 127}, {5, 1000}, {2, 16384}, {3, 16385}, {1, 100_003}, {70, 33}};
        for (int[] s : shapes) {
            Data data = Data.fresh();
            check(dtype, data.normal(s[0] * s[1], 3), s[0], s[1], false, data);
            check(dtype, data.normal(s[0] * s[1], 3), s[0], s[1], true, data);
        }
    }

    @Test
    void infinitiesAndNaN() {
        for (int cols : new int[] {1, 9, 1000, 40_000}) {
            Data data = Data.fresh();
            int rows = 4;
            float[] x = data.normal(rows * cols, 2);
            for (int j = 0; j < cols; j++) {
                x[j] = Float.NEGATIVE_INFINITY; // row 0 all -inf
                if (j % 3 == 0) {
                    x[cols + j] = Float.NEGATIVE_INFINITY; // row 1 partly -inf
                }
            }
            x[2 * cols + cols / 2] = Float.NaN; // row 2 NaN
            x[3 * cols + cols - 1] = 80f; // row 3 one large entry
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
}
