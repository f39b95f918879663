package dev.panamax.cpu;

import dev.panamax.DType;
import dev.panamax.Device;
import dev.panamax.Ops;
import dev.panamax.Routing;
import dev.panamax.Tensor;
import dev.panamax.TopK;
import dev.panamax.reference.Reference64;
import dev.panamax.testing.Check;
import dev.panamax.testing.Data;
import dev.panamax.testing.Tolerances;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The CPU top-k and gating against the reference: ties, NaN, -0.0, -inf, long rows, 16-bit. */
class CpuTopKTest {
    private final Device cpu = Device.cpu();

    /** Random values with many ties, and NaN, -0.0, 0.0 and infinities sprinkled in. */
    private static float[] awkward(Data data, int count) {
        float[] x = data.integers(count, -20, 20);
        for (int i = 0; i < count; i++) {
            int r = data.random().nextInt(100);
            if (r == 0) {
                x[i] = Float.NaN;
            } else if (r == 1) {
                x[i] = -0.0f;
            } else if (r == 2) {
                x[i] = Float.NEGATIVE_INFINITY;
            } else if (r == 3) {
                x[i] = Float.POSITIVE_INFINITY;
            } else if (r < 50) {
                x[i] += (float) data.random().nextDouble();
            }
        }
        return x;
    }

    private void checkTopK(DType dtype, int rows, int n, int k, float[] x, Data data) {
        float[] xr = Data.roundTo(dtype, x);
        Reference64.Selection ref = Reference64.topK(xr, rows, n, k);
        try (Tensor t = Data.tensor(cpu, dtype, xr, rows, n); TopK got = Ops.topK(t, k)) {
            String what = "topK " + dtype + " [" + rows + ", " + n + "] k " + k + "; " + data.describe();
            assertArrayEquals(ref.indices(), got.indices().toIntArray(), what);
            float[] values = got.values().toFloatArray();
            for (int i = 0; i < values.length; i++) {
                assertEquals(Float.floatToIntBits((float) ref.values()[i]), Float.floatToIntBits(values[i]), what + " at " + i);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "F16", "BF16"})
    void topKShapes(DType dtype) {
        int[][] shapes = {{1, 1, 1}, {3, 10, 3}, {7, 33, 33}, {5, 1000, 17}, {2, 1500, 1024}, {4, 20_000, 64}};
        for (int[] s : shapes) {
            Data data = Data.fresh();
            checkTopK(dtype, s[0], s[1], s[2], awkward(data, s[0] * s[1]), data);
        }
    }

    @Test
    void topKLongRows() {
        Data data = Data.fresh();
        checkTopK(DType.F32, 1, 300_001, 1024, data.normal(300_001, 1), data);
        checkTopK(DType.F32, 2, 200_000, 5, awkward(data, 400_000), data);
    }

    /**
     * Rows whose largest elements sit together: at the end (past the blocks whose lane maxima set
     * the vector path's floor), at the start, in one lane, and all equal but one (every element
     * passes the floor), with k in the selector's sorted array and, at 300, in its heap.
     */
    @Test
    void topKLargestTogether() {
        Data data = Data.fresh();
        for (int n : new int[] {1000, 5003}) {
            for (int k : new int[] {1, 17, 64, 300}) {
                float[] up = new float[n], down = new float[n], lane = data.normal(n, 1), flat = new float[n];
                for (int i = 0; i < n; i++) {
                    up[i] = i;
                    down[i] = n - i;
                    if (i % 16 == 3) {
                        lane[i] += 100;
                    }
                    flat[i] = 1f;
                }
                flat[n / 2] = 2f;
                for (float[] x : new float[][] {up, down, lane, flat}) {
                    checkTopK(DType.F32, 1, n, k, x, data);
                }
            }
        }
    }

    @Test
    void topKMinusZeroTiesZero() {
        float[] x = {0f, -0.0f, 0f, -1f, Float.NaN, Float.NaN};
        checkTopK(DType.F32, 1, 6, 6, x, new Data(1));
    }

    private void checkGating(DType dtype, int tokens, int experts, int k, boolean renormalize, float[] logits, Data data) {
        float[] lr = Data.roundTo(dtype, logits);
        Reference64.Selection ref = Reference64.topKGating(lr, tokens, experts, k, renormalize);
        try (Tensor t = Data.tensor(cpu, dtype, lr, tokens, experts); Routing r = Ops.topKGating(t, k, renormalize)) {
            String what = "topKGating " + dtype + " [" + tokens + ", " + experts + "] k " + k + (renormalize ? " renormalized" : "");
            assertArrayEquals(ref.indices(), r.experts().toIntArray(), what + "; " + data.describe());
            Check.close(what, r.weights().toFloatArray(), ref.values(), Tolerances.softmax(dtype), data);
        }
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "F16", "BF16"})
    void gatingShapes(DType dtype) {
        int[][] shapes = {{1, 1, 1}, {7, 64, 2}, {33, 128, 8}, {5, 4096, 64}, {100, 257, 3}};
        for (int[] s : shapes) {
            for (boolean renormalize : new boolean[] {false, true}) {
                Data data = Data.fresh();
                checkGating(dtype, s[0], s[1], s[2], renormalize, data.normal(s[0] * s[1], 2), data);
            }
        }
    }

    /**
     * Few distinct logits, so that most selections break a tie by the index, with expert counts
     * that are not multiples of the vector path's four chains and k up to E.
     */
    @Test
    void gatingTiesOfEveryExpertCount() {
        int[][] shapes = {{17, 5, 5}, {17, 7, 3}, {9, 13, 8}, {33, 64, 8}, {20, 67, 8}, {3, 2, 2}};
        for (int[] s : shapes) {
            Data data = Data.fresh();
            checkGating(DType.F32, s[0], s[1], s[2], true, data.integers(s[0] * s[1], -1, 1), data);
        }
    }

    @Test
    void gatingTiesAndNonFinite() {
        Data data = Data.fresh();
        int tokens = 6, experts = 64, k = 8;
        float[] x = data.integers(tokens * experts, -3, 3);
        for (int j = 0; j < experts; j++) {
            x[j] = Float.NEGATIVE_INFINITY; // token 0 all -inf
            if (j % 2 == 0) {
                x[experts + j] = Float.NEGATIVE_INFINITY; // token 1 half -inf
            }
        }
        x[2 * experts + 5] = Float.NaN; // token 2: NaN, still valid indices
        for (boolean renormalize : new boolean[] {false, true}) {
            checkGating(DType.F32, tokens, experts, k, renormalize, x, data);
        }
        try (Tensor t = cpu.tensor(x, tokens, experts); Routing r = Ops.topKGating(t, k, false)) {
            for (int idx : r.experts().toIntArray()) {
                assertEquals(true, idx >= 0 && idx < experts, "index " + idx);
            }
        }
    }
}
