package dev.panamax.opencl;

import dev.panamax.DType;
import dev.panamax.Ops;
import dev.panamax.Tensor;
import dev.panamax.reference.Reference64;
import dev.panamax.testing.Check;
import dev.panamax.testing.Data;
import dev.panamax.testing.Tolerances;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** softmax_rows against the float64 reference: row lengths 1 to a million, -inf masks, in place, every dtype. */
class OpenClSoftmaxTest extends OpenClDeviceTest {
    @ParameterizedTest(name = "{0} [{1}, {2}]")
    @CsvSource({
        "F32, 1, 1", "F32, 7, 33", "F32, 300, 7", "F32, 3, 1000", "F32, 2, 4099", "F32, 1, 1048583",
        "F16, 5, 127", "F16, 2, 70000",
        "BF16, 33, 3", "BF16, 4, 2500",
    })
    void matchesReference(DType dtype, int rows, int cols) {
        Data data = Data.fresh();
        float[] x = Data.roundTo(dtype, data.normal(rows * cols, 3));
        // -inf masks: about one entry in five, and the whole of row 0 when there are several rows
        for (int i = 0; i < x.length; i++) {
            if (data.random().nextInt(5) == 0 || rows > 1 && i < cols) {
                x[i] = Float.NEGATIVE_INFINITY;
            }
        }
        float[] poison = new float[x.length];
        Arrays.fill(poison, Float.NaN);
        try (Tensor tx = Data.tensor(device, dtype, x, rows, cols); Tensor out = Data.tensor(device, dtype, poison, rows, cols)) {
            Ops.softmax(tx, out);
            float[] got = out.toFloatArray();
            Check.close("softmax " + dtype + " [" + rows + ", " + cols + "]", got, Reference64.softmax(x, rows, cols),
                    Tolerances.softmax(dtype), data);
            if (rows > 1) {
                assertArrayEquals(new float[cols], Arrays.copyOf(got, cols), "an all -inf row gives zeros; " + data.describe());
            }
        }
    }

    @Test
    void inPlace() {
        Data data = Data.fresh();
        int rows = 9, cols = 515;
        float[] x = data.normal(rows * cols, 2);
        try (Tensor t = device.tensor(x, 3, 3, cols)) {
            Ops.softmax(t, t);
            Check.close("softmax in place", t.toFloatArray(), Reference64.softmax(x, rows, cols), Tolerances.softmax(DType.F32), data);
        }
    }

    @Test
    void nanAndInfinityRowsAreNan() {
        float[] x = {1, Float.NaN, 2, 3, Float.POSITIVE_INFINITY, 1, 4, 5, 6};
        try (Tensor t = device.tensor(x, 3, 3); Tensor out = Ops.softmax(t)) {
            float[] got = out.toFloatArray();
            for (int i = 0; i < 6; i++) {
                assertTrue(Float.isNaN(got[i]), "element " + i + " of a row with NaN or +inf: " + got[i]);
            }
            Check.close("finite row", Arrays.copyOfRange(got, 6, 9), Reference64.softmax(Arrays.copyOfRange(x, 6, 9), 1, 3),
                    Tolerances.softmax(DType.F32), new Data(0));
        }
    }
}
