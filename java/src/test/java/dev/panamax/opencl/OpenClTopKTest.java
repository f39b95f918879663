package dev.panamax.opencl;

import dev.panamax.DType;
import dev.panamax.Ops;
import dev.panamax.Routing;
import dev.panamax.Tensor;
import dev.panamax.TopK;
import dev.panamax.reference.Reference64;
import dev.panamax.testing.Check;
import dev.panamax.testing.Data;
import dev.panamax.testing.Tolerances;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * topk_gating and both top-K variants against the reference: the ordering rule (larger first,
 * NaN above everything, ties to the lower index) on inputs full of ties, -inf and NaN; every
 * index in range; top-K values exact copies.
 */
class OpenClTopKTest extends OpenClDeviceTest {
    /** Values with many ties (integers), some -inf and, when asked, NaN. */
    static float[] awkward(Data data, int n, boolean nan) {
        float[] x = data.integers(n, -6, 6);
        for (int i = 0; i < n; i++) {
            int r = data.random().nextInt(40);
            if (r == 0) {
                x[i] = Float.NEGATIVE_INFINITY;
            } else if (r == 1 && nan) {
                x[i] = Float.NaN;
            } else if (r < 20) {
                x[i] += (float) data.random().nextDouble(); // distinct values too
            }
        }
        return x;
    }

    @ParameterizedTest(name = "{0} T={1} E={2} k={3} renormalize={4}")
    @CsvSource({
        "F32, 1, 1, 1, true", "F32, 7, 5, 2, false", "F32, 100, 64, 8, true", "F32, 33, 300, 64, true",
        "F32, 3, 4096, 64, false", "F32, 5, 4096, 3, true", "F16, 50, 128, 2, true", "BF16, 20, 257, 8, false",
    })
    void gatingMatchesReference(DType dtype, int tokens, int experts, int k, boolean renormalize) {
        Data data = Data.fresh();
        float[] logits = Data.roundTo(dtype, awkward(data, tokens * experts, false));
        try (Tensor t = Data.tensor(device, dtype, logits, tokens, experts); Routing r = Ops.topKGating(t, k, renormalize)) {
            Reference64.Selection ref = Reference64.topKGating(logits, tokens, experts, k, renormalize);
            assertArrayEquals(ref.indices(), r.experts().toIntArray(), "experts; " + data.describe());
            Check.close("gating weights", r.weights().toFloatArray(), ref.values(), Tolerances.softmax(DType.F32), data);
        }
    }

    @Test
    void gatingIndicesStayInRangeWithNan() {
        Data data = Data.fresh();
        int tokens = 40, experts = 70, k = 16;
        float[] logits = awkward(data, tokens * experts, true);
        for (int e = 0; e < experts; e++) {
            logits[e] = Float.NaN; // a row of NaN only
        }
        try (Tensor t = device.tensor(logits, tokens, experts); Routing r = Ops.topKGating(t, k, true)) {
            int[] got = r.experts().toIntArray();
            for (int i : got) {
                assertTrue(i >= 0 && i < experts, "index " + i + " out of range; " + data.describe());
            }
            Reference64.Selection ref = Reference64.topKGating(logits, tokens, experts, k, true);
            assertArrayEquals(ref.indices(), got, "experts; " + data.describe());
        }
    }

    @ParameterizedTest(name = "{0} rows={1} n={2} k={3}")
    @CsvSource({
        "F32, 1, 1, 1", "F32, 5, 7, 3", "F32, 300, 33, 33", "F32, 3, 2048, 1024", "F32, 2, 2049, 1",
        "F32, 2, 5000, 1024", "F32, 1, 300007, 100", "F16, 9, 1000, 17", "F16, 2, 40000, 7", "BF16, 4, 3000, 512",
        "BF16, 17, 129, 64",
    })
    void topKMatchesReference(DType dtype, int rows, int n, int k) {
        Data data = Data.fresh();
        float[] x = Data.roundTo(dtype, awkward(data, rows * n, true));
        try (Tensor t = Data.tensor(device, dtype, x, rows, n); TopK r = Ops.topK(t, k)) {
            Reference64.Selection ref = Reference64.topK(x, rows, n, k);
            assertArrayEquals(ref.indices(), r.indices().toIntArray(), "indices; " + data.describe());
            float[] values = r.values().toFloatArray();
            for (int i = 0; i < values.length; i++) {
                assertEquals(Float.floatToIntBits((float) ref.values()[i]), Float.floatToIntBits(values[i]),
                        "value " + i + " is not an exact copy; " + data.describe());
            }
        }
    }

    /** Rows that are all one value: the first k indices, in order, through the radix path's index bits. */
    @Test
    void allEqualRowsTakeTheLowestIndices() {
        int n = 3000, k = 1000;
        float[] x = new float[2 * n];
        java.util.Arrays.fill(x, n, 2 * n, -0.0f);
        try (Tensor t = device.tensor(x, 2, n); TopK r = Ops.topK(t, k)) {
            int[] got = r.indices().toIntArray();
            for (int i = 0; i < 2 * k; i++) {
                assertEquals(i % k, got[i], "index " + i);
            }
        }
    }
}
