package dev.panamax.conformance;

import dev.panamax.DType;
import dev.panamax.Device;
import dev.panamax.Ops;
import dev.panamax.Tensor;
import dev.panamax.reference.Reference64;
import dev.panamax.testing.Check;
import dev.panamax.testing.Data;
import dev.panamax.testing.Placement;
import dev.panamax.testing.Tolerances;

import java.util.Arrays;

/**
 * One GEMM case, {@code c = alpha * op(a) @ op(b) + beta * c}, and its check against the float64
 * reference. {@code batch == 0} means rank 2; otherwise a, c (and b when {@code bBatched}) carry a
 * leading batch dimension. With {@code integers} the inputs are small integers, so that an F32
 * accumulation is exact and the result must match the reference exactly. When {@code beta == 0}
 * c starts as NaN, which the op must ignore. Public so that a backend's own GEMM variants (the
 * CUDA wgmma kernel) are checked by the same code as the suite's cases.
 */
public record GemmSpec(DType ab, DType cType, int batch, int m, int n, int k, boolean transA, boolean transB,
                boolean bBatched, float alpha, float beta, boolean integers) {

    /** Above this many reference multiply-adds, rows and columns of c are sampled. */
    private static final long FULL_CHECK_BUDGET = 1L << 25;

    public static GemmSpec of(DType ab, DType cType, int m, int n, int k) {
        return new GemmSpec(ab, cType, 0, m, n, k, false, false, false, 1f, 0f, false);
    }

    public static GemmSpec of(int m, int n, int k) {
        return of(DType.F32, DType.F32, m, n, k);
    }

    public GemmSpec trans(boolean a, boolean b) {
        return new GemmSpec(ab, cType, batch, m, n, k, a, b, bBatched, alpha, beta, integers);
    }

    public GemmSpec scale(float newAlpha, float newBeta) {
        return new GemmSpec(ab, cType, batch, m, n, k, transA, transB, bBatched, newAlpha, newBeta, integers);
    }

    public GemmSpec batched(int newBatch, boolean newBBatched) {
        return new GemmSpec(ab, cType, newBatch, m, n, k, transA, transB, newBBatched, alpha, beta, integers);
    }

    public GemmSpec exact() {
        return new GemmSpec(ab, cType, batch, m, n, k, transA, transB, bBatched, alpha, beta, true);
    }

    long[] aShape() {
        return shape(batch, transA ? k : m, transA ? m : k);
    }

    long[] bShape() {
        return shape(bBatched ? batch : 0, transB ? n : k, transB ? k : n);
    }

    long[] cShape() {
        return shape(batch, m, n);
    }

    private static long[] shape(int batch, int rows, int cols) {
        return batch == 0 ? new long[] {rows, cols} : new long[] {batch, rows, cols};
    }

    /** Runs the case on {@code device} with inputs from {@code data} and checks c. */
    public void check(Device device, Data data) {
        check(device, data, Placement.FRESH);
    }

    /** As {@link #check(Device, Data)}, with a, b and c made by {@code placement}. */
    public void check(Device device, Data data, Placement placement) {
        int nb = Math.max(batch, 1);
        float[] a = Data.roundTo(ab, inputs(data, nb * m * k));
        float[] b = Data.roundTo(ab, inputs(data, (bBatched ? nb : 1) * k * n));
        float[] c0 = beta == 0 ? Data.filled(nb * m * n, Float.NaN) : Data.roundTo(cType, inputs(data, nb * m * n));
        float[] out;
        try (Tensor ta = placement.tensor(device, ab, a, aShape());
             Tensor tb = placement.tensor(device, ab, b, bShape());
             Tensor tc = placement.tensor(device, cType, c0, cShape())) {
            Ops.gemm(alpha, ta, transA, tb, transB, beta, tc);
            out = tc.toFloatArray();
            if (!Arrays.equals(tc.shape(), cShape()) || tc.dtype() != cType) {
                throw new AssertionError(this + ": c changed to " + Arrays.toString(tc.shape()) + " " + tc.dtype());
            }
        }
        int[] at = Samples.matrix(nb, m, n, (long) nb * m * n * k, FULL_CHECK_BUDGET, data);
        float[] got = new float[at.length];
        double[] want = new double[at.length];
        for (int s = 0; s < at.length; s++) {
            int flat = at[s];
            int bi = flat / (m * n), i = flat / n % m, j = flat % n;
            got[s] = out[flat];
            want[s] = Reference64.gemmAt(bi, i, j, m, n, k, alpha, a, transA, b, transB, bBatched, beta, c0);
        }
        if (integers) {
            float[] exact = new float[want.length];
            for (int s = 0; s < want.length; s++) {
                exact[s] = Data.roundTo(cType, new float[] {(float) want[s]})[0];
            }
            Check.equal(toString(), got, exact, data);
        } else {
            Check.close(toString(), got, want, Tolerances.accumulate(Tolerances.narrowest(ab, cType)), data);
        }
    }

    private float[] inputs(Data data, int count) {
        return integers ? data.integers(count, -4, 4) : data.normal(count, 1.0);
    }

    @Override
    public String toString() {
        return "gemm " + ab + "->" + cType + " " + (batch == 0 ? "" : "batch " + batch + (bBatched ? " (b batched) " : " (b shared) "))
                + "M=" + m + " N=" + n + " K=" + k + (transA ? " transA" : "") + (transB ? " transB" : "")
                + " alpha=" + alpha + " beta=" + beta + (integers ? " integers" : "");
    }
}
