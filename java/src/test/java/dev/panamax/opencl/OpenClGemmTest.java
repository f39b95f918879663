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
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** gemm_tiled against the float64 reference: every transpose, dtype, c dtype, tails, batches, alpha/beta, K = 0. */
class OpenClGemmTest extends OpenClDeviceTest {
    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        int[][] shapes = {{1, 1, 1}, {7, 33, 127}, {65, 1, 17}, {33, 70, 64}, {130, 67, 9}};
        for (DType dtype : new DType[] {DType.F32, DType.F16, DType.BF16}) {
            for (DType cType : dtype == DType.F32 ? new DType[] {DType.F32} : new DType[] {DType.F32, dtype}) {
                for (int t = 0; t < 4; t++) {
                    int[] s = shapes[(t + cases.size()) % shapes.length];
                    cases.add(Arguments.of(dtype, cType, (t & 1) != 0, (t & 2) != 0, s[0], s[1], s[2]));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} -> c {1}, transA={2}, transB={3}, M={4} N={5} K={6}")
    @MethodSource("cases")
    void matchesReference(DType dtype, DType cType, boolean transA, boolean transB, int m, int n, int k) {
        run(Data.fresh(), dtype, cType, 1, m, n, k, transA, transB, true, 1.0f, 0.0f);
    }

    @Test
    void batchedWithSharedAndPerBatchB() {
        Data data = Data.fresh();
        run(data, DType.F32, DType.F32, 3, 19, 70, 45, false, true, true, 1.0f, 0.0f);
        run(data, DType.F32, DType.F32, 3, 66, 5, 31, true, false, false, 1.0f, 0.0f);
        run(data, DType.BF16, DType.BF16, 2, 17, 9, 100, true, true, false, 1.0f, 0.0f);
    }

    @Test
    void alphaAndBeta() {
        Data data = Data.fresh();
        run(data, DType.F32, DType.F32, 1, 40, 50, 60, false, false, true, 0.5f, -2.0f);
        run(data, DType.F16, DType.F32, 2, 9, 65, 3, true, false, true, -1.5f, 0.25f);
        run(data, DType.BF16, DType.BF16, 1, 70, 3, 66, false, true, true, 2.0f, 1.0f);
    }

    @Test
    void kZeroScalesC() {
        Data data = Data.fresh();
        run(data, DType.F32, DType.F32, 1, 5, 7, 0, false, false, true, 1.0f, 3.0f);
        run(data, DType.F16, DType.F16, 2, 5, 7, 0, true, true, true, 1.0f, 0.0f);
    }

    /** Small integers: every product and sum is exact in F32, so F32 must match to the bit. */
    @Test
    void smallIntegersAreExact() {
        Data data = Data.fresh();
        int m = 67, n = 45, k = 130;
        float[] a = data.integers(m * k, -4, 4);
        float[] b = data.integers(k * n, -4, 4);
        try (Tensor ta = device.tensor(a, m, k); Tensor tb = device.tensor(b, k, n); Tensor tc = Ops.matmul(ta, tb)) {
            double[] ref = Reference64.gemm(1, m, n, k, 1, a, false, b, false, false, 0, null);
            float[] want = new float[ref.length];
            for (int i = 0; i < ref.length; i++) {
                want[i] = (float) ref[i];
            }
            assertArrayEquals(want, tc.toFloatArray(), data.describe());
        }
    }

    /** The same inputs give the same bits (no order-dependent accumulation). */
    @Test
    void deterministic() {
        Data data = Data.fresh();
        float[] a = data.normal(100 * 70, 1);
        float[] b = data.normal(70 * 90, 1);
        try (Tensor ta = device.tensor(a, 100, 70); Tensor tb = device.tensor(b, 70, 90);
             Tensor c1 = Ops.matmul(ta, tb); Tensor c2 = Ops.matmul(ta, tb)) {
            assertEquals(Arrays.hashCode(c1.toFloatArray()), Arrays.hashCode(c2.toFloatArray()), data.describe());
        }
    }

    /**
     * c = alpha op(a) op(b) + beta c on opencl:0, checked against Reference64. With beta == 0, c
     * starts as NaN (ignored by BLAS rules); otherwise as random values.
     */
    static void run(Data data, DType dtype, DType cType, int batch, int m, int n, int k, boolean transA, boolean transB,
                    boolean bBatched, float alpha, float beta) {
        float[] a = Data.roundTo(dtype, data.normal(batch * m * k, 1));
        int bCount = (bBatched ? batch : 1) * k * n;
        float[] b = Data.roundTo(dtype, data.normal(bCount, 1));
        float[] c = new float[batch * m * n];
        if (beta == 0) {
            Arrays.fill(c, Float.NaN);
        } else {
            c = Data.roundTo(cType, data.normal(c.length, 1));
        }
        long[] aShape = transA ? new long[] {batch, k, m} : new long[] {batch, m, k};
        long[] bShape = transB ? new long[] {n, k} : new long[] {k, n};
        if (bBatched) {
            bShape = new long[] {batch, bShape[0], bShape[1]};
        }
        try (Tensor ta = Data.tensor(device, dtype, a, aShape);
             Tensor tb = Data.tensor(device, dtype, b, bShape);
             Tensor tc = Data.tensor(device, cType, c, batch, m, n)) {
            Ops.gemm(alpha, ta, transA, tb, transB, beta, tc);
            double[] ref = Reference64.gemm(batch, m, n, k, alpha, a, transA, b, transB, bBatched, beta, beta == 0 ? null : c);
            DType narrowest = cType == DType.F32 ? dtype : cType;
            Check.close("gemm " + dtype + "->" + cType + " transA=" + transA + " transB=" + transB + " batch=" + batch
                    + " [" + m + "," + n + "," + k + "] alpha=" + alpha + " beta=" + beta,
                    tc.toFloatArray(), ref, Tolerances.accumulate(narrowest), data);
        }
    }
}
