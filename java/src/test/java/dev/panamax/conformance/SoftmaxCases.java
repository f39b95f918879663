package dev.panamax.conformance;

import dev.panamax.DType;
import dev.panamax.Ops;
import dev.panamax.Tensor;
import dev.panamax.reference.Reference64;
import dev.panamax.testing.Check;
import dev.panamax.testing.Data;
import dev.panamax.testing.Tolerances;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Softmax over the last dimension against the float64 reference. */
@Covers("softmax")
abstract class SoftmaxCases extends DeviceCases {

    /** Rows of 1, 7, 1000 and 100003 elements, many rows, awkward row lengths; every dtype. */
    static List<Object[]> rowShapes() {
        long[][] shapes = {{1, 1}, {5, 1}, {3, 7}, {2, 1000}, {1, 100003}, {4099, 33}, {257, 129}, {64, 1025}, {2, 4096}};
        List<Object[]> cases = new ArrayList<>();
        for (DType dtype : FLOATS) {
            for (long[] s : shapes) {
                cases.add(new Object[] {dtype, s});
            }
        }
        return cases;
    }

    /** Normal values with outliers of +-80 (about 1 in 50): exp of them overflows F32 without the max subtracted. */
    private static float[] withOutliers(Data data, int n) {
        float[] x = data.normal(n, 2);
        for (int i = 0; i < n; i++) {
            if (data.random().nextInt(50) == 0) {
                x[i] = data.random().nextBoolean() ? 80 : -80;
            }
        }
        return x;
    }

    @ParameterizedTest(name = "softmax {0} {1}")
    @MethodSource("rowShapes")
    void rows(DType dtype, long[] shape) {
        Data data = Data.fresh();
        float[] x = Data.roundTo(dtype, withOutliers(data, (int) size(shape)));
        try (Tensor tx = Data.tensor(device(), dtype, x, shape); Tensor out = Ops.softmax(tx)) {
            assertArrayEquals(shape, out.shape(), "softmax result shape");
            assertEquals(dtype, out.dtype(), "softmax result dtype");
            check("softmax " + dtype + " " + Arrays.toString(shape), out, x, shape, data);
        }
    }

    @ParameterizedTest(name = "softmax(x, out) {0}, out poisoned with NaN")
    @FieldSource("FLOATS")
    void intoPoisonedOut(DType dtype) {
        Data data = Data.fresh();
        long[] shape = {37, 513};
        float[] x = Data.roundTo(dtype, withOutliers(data, (int) size(shape)));
        try (Tensor tx = Data.tensor(device(), dtype, x, shape);
             Tensor out = Data.tensor(device(), dtype, Data.filled((int) size(shape), Float.NaN), shape)) {
            Ops.softmax(tx, out);
            check("softmax(x, out) " + dtype, out, x, shape, data);
            Check.equal("softmax(x, out) must leave x alone", tx.toFloatArray(), x, data);
        }
    }

    @ParameterizedTest(name = "softmax(x, x) {0}")
    @FieldSource("FLOATS")
    void inPlace(DType dtype) {
        Data data = Data.fresh();
        long[] shape = {3, 70001};
        float[] x = Data.roundTo(dtype, withOutliers(data, (int) size(shape)));
        try (Tensor tx = Data.tensor(device(), dtype, x, shape)) {
            Ops.softmax(tx, tx);
            check("softmax(x, x) " + dtype, tx, x, shape, data);
        }
    }

    /**
     * -inf entries get 0; a row all -inf gives zeros; a row with one finite entry gives one 1.
     * Row lengths 1 (a lone -inf), 7, 129, 3000, 4097 and 16384 (on CUDA: the warp-per-row, the
     * block-per-row and, from 4097 to 16384, the wide block-per-row kernels).
     */
    @ParameterizedTest(name = "softmax with -inf {0}")
    @FieldSource("FLOATS")
    void negativeInfinity(DType dtype) {
        Data data = Data.fresh();
        for (int cols : new int[] {1, 7, 129, 3000, 4097, 16384}) {
            int rows = 6;
            float[] x = Data.roundTo(dtype, withOutliers(data, rows * cols));
            for (int i = 0; i < x.length; i++) {
                if (data.random().nextInt(3) == 0) {
                    x[i] = Float.NEGATIVE_INFINITY;
                }
            }
            Arrays.fill(x, 0, cols, Float.NEGATIVE_INFINITY);                   // row 0: all -inf
            Arrays.fill(x, cols, 2 * cols, Float.NEGATIVE_INFINITY);            // row 1: one finite entry
            x[cols + data.random().nextInt(cols)] = 3;
            x[(rows - 1) * cols] = Float.NEGATIVE_INFINITY;                     // last row starts with -inf
            long[] shape = {rows, cols};
            try (Tensor tx = Data.tensor(device(), dtype, x, shape);
                 Tensor out = Data.tensor(device(), dtype, Data.filled(rows * cols, Float.NaN), shape)) {
                Ops.softmax(tx, out);
                String what = "softmax with -inf " + dtype + " " + Arrays.toString(shape);
                check(what, out, x, shape, data);
                float[] got = out.toFloatArray();
                for (int i = 0; i < x.length; i++) {
                    if (x[i] == Float.NEGATIVE_INFINITY && got[i] != 0) {
                        throw new AssertionError(what + ": element " + i + " is -inf but got probability " + got[i]
                                + "; " + data.describe());
                    }
                }
            }
        }
    }

    /**
     * Long rows whose -inf entries fill whole stretches (a prefix, a suffix, all but the last
     * element, alternating blocks): a backend that splits a row into chunks and merges their
     * running maxima must not make NaN of a chunk that is all -inf.
     */
    @ParameterizedTest(name = "softmax of long rows with -inf stretches, {0}")
    @FieldSource("FLOATS")
    void negativeInfinityStretches(DType dtype) {
        Data data = Data.fresh();
        int cols = 100_003;
        int rows = 5;
        float[] x = Data.roundTo(dtype, data.normal(rows * cols, 2));
        Arrays.fill(x, 0, cols / 2, Float.NEGATIVE_INFINITY);                        // row 0: first half -inf
        Arrays.fill(x, cols + cols / 3, 2 * cols, Float.NEGATIVE_INFINITY);          // row 1: last two thirds -inf
        Arrays.fill(x, 2 * cols, 3 * cols - 1, Float.NEGATIVE_INFINITY);             // row 2: only the last entry finite
        for (int j = 0; j < cols; j += 2048) {                                       // row 3: alternating blocks
            if (j / 2048 % 2 == 0) {
                Arrays.fill(x, 3 * cols + j, 3 * cols + Math.min(cols, j + 2048), Float.NEGATIVE_INFINITY);
            }
        }
        Arrays.fill(x, 4 * cols, 5 * cols, Float.NEGATIVE_INFINITY);                 // row 4: all -inf
        long[] shape = {rows, cols};
        try (Tensor tx = Data.tensor(device(), dtype, x, shape);
             Tensor out = Data.tensor(device(), dtype, Data.filled(rows * cols, Float.NaN), shape)) {
            Ops.softmax(tx, out);
            check("softmax with -inf stretches " + dtype, out, x, shape, data);
        }
    }

    /** Every rank from 1 to 8, over the last dimension only. */
    static List<long[]> ranks() {
        return List.of(new long[] {7}, new long[] {1000}, new long[] {3, 33}, new long[] {2, 3, 17},
                new long[] {2, 1, 3, 9}, new long[] {1, 2, 3, 1, 5}, new long[] {2, 2, 1, 2, 3, 4},
                new long[] {1, 2, 1, 2, 1, 2, 65}, new long[] {2, 1, 2, 1, 2, 1, 3, 5});
    }

    @ParameterizedTest(name = "softmax rank {index}: {0}")
    @MethodSource("ranks")
    void ranks(long[] shape) {
        Data data = Data.fresh();
        for (DType dtype : FLOATS) {
            float[] x = Data.roundTo(dtype, data.normal((int) size(shape), 3));
            try (Tensor tx = Data.tensor(device(), dtype, x, shape); Tensor out = Ops.softmax(tx)) {
                assertArrayEquals(shape, out.shape(), "softmax result shape");
                check("softmax " + dtype + " " + Arrays.toString(shape), out, x, shape, data);
            }
        }
    }

    /** Huge magnitudes in F32: rows near +-1e4, a row of one repeated huge value, a row spanning +-3e38. */
    @ParameterizedTest(name = "softmax of huge values, {0} columns")
    @ValueSource(ints = {5, 1000})
    void hugeValues(int cols) {
        Data data = Data.fresh();
        float[] x = new float[4 * cols];
        for (int j = 0; j < cols; j++) {
            x[j] = 1e4f + (float) data.random().nextDouble(-5, 5);
            x[cols + j] = -1e4f + (float) data.random().nextDouble(-5, 5);
            x[2 * cols + j] = 3e38f;
            x[3 * cols + j] = (float) data.random().nextDouble(-3e38, 3e38);
        }
        long[] shape = {4, cols};
        try (Tensor tx = device().tensor(x, shape); Tensor out = Ops.softmax(tx)) {
            check("softmax of huge values", out, x, shape, data);
        }
    }

    private static void check(String what, Tensor out, float[] x, long[] shape, Data data) {
        int cols = (int) shape[shape.length - 1];
        int rows = x.length / cols;
        Check.close(what, out.toFloatArray(), Reference64.softmax(x, rows, cols), Tolerances.softmax(out.dtype()), data);
    }

    static long size(long[] shape) {
        long s = 1;
        for (long d : shape) {
            s *= d;
        }
        return s;
    }
}
