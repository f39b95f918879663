package dev.panamax.conformance;

import dev.panamax.DType;
import dev.panamax.Ops;
import dev.panamax.Tensor;
import dev.panamax.reference.Reference64;
import dev.panamax.testing.Check;
import dev.panamax.testing.Data;
import dev.panamax.testing.Tolerances;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The row norms (layerNorm, rmsNorm, addRmsNorm) over the last dimension against the float64
 * reference: awkward widths and the widths where the backends change kernel (CUDA: a warp per
 * row to 1024, a block to 4096 and to 16384, two reads past it; OpenCL: the row in registers to
 * 8192; CPU: one buffer to 16384, chunks past it), ranks 1 to 4, every dtype with gamma and beta
 * of x's dtype, F32, or one of each; rows of equal values, of a large mean, of huge and tiny
 * magnitudes, with NaN; results into new tensors, poisoned outputs and in place.
 */
@Covers({"layerNorm", "rmsNorm", "addRmsNorm"})
abstract class NormCases extends DeviceCases {

    static final int[] WIDTHS = {1, 3, 33, 127, 1000, 1024, 1025, 4096, 4097, 8192, 8193, 16384, 16385, 50001};

    /** An op of the family as the tests call it. */
    enum Op {
        LAYER_NORM, RMS_NORM, ADD_RMS_NORM
    }

    static List<Object[]> opsAndDtypes() {
        return ElementwiseCases.withEveryFloat(Op.values());
    }

    /** The inputs and expected results of one norm call; residual is null but for addRmsNorm. */
    record Inputs(Op op, DType dtype, long[] shape, float[] x, float[] residual, DType gammaType, float[] gamma,
                  DType betaType, float[] beta, float eps) {

        int cols() {
            return (int) shape[shape.length - 1];
        }

        int rows() {
            return x.length / Math.max(1, cols());
        }

        double[] reference() {
            return switch (op) {
                case LAYER_NORM -> Reference64.layerNorm(x, rows(), cols(), gamma, beta, eps);
                case RMS_NORM -> Reference64.rmsNorm(x, rows(), cols(), gamma, eps);
                case ADD_RMS_NORM -> Reference64.addRmsNorm(x, residual, rows(), cols(), gamma, eps);
            };
        }

        /** What addRmsNorm must leave in residual: the F32 sum rounded to dtype, exactly. */
        float[] residualAfter() {
            float[] s = new float[x.length];
            for (int i = 0; i < s.length; i++) {
                s[i] = residual[i] + x[i];
            }
            return Data.roundTo(dtype, s);
        }

        String describe() {
            return op + " " + dtype + " " + Arrays.toString(shape) + " gamma " + gammaType
                    + (op == Op.LAYER_NORM ? " beta " + betaType : "") + " eps " + eps;
        }
    }

    static Inputs inputs(Data data, Op op, DType dtype, long[] shape, DType gammaType, DType betaType, float eps,
                         float[] x) {
        int cols = (int) shape[shape.length - 1];
        float[] residual = op == Op.ADD_RMS_NORM ? Data.roundTo(dtype, data.normal(x.length, 2)) : null;
        float[] gamma = Data.roundTo(gammaType, data.uniform(cols, 0.5, 1.5));
        float[] beta = op == Op.LAYER_NORM ? Data.roundTo(betaType, data.normal(cols, 1)) : null;
        return new Inputs(op, dtype, shape, Data.roundTo(dtype, x), residual, gammaType, gamma, betaType, beta, eps);
    }

    /**
     * Runs the call into a new tensor (addRmsNorm: in place) and, but for addRmsNorm, into an out
     * poisoned with NaN and into x itself; checks each against the reference.
     */
    void check(Inputs in, Data data) {
        String what = in.describe();
        double tol = Tolerances.norm(Tolerances.narrowest(in.dtype, Tolerances.narrowest(in.gammaType,
                in.betaType == null ? in.dtype : in.betaType)));
        double[] ref = in.reference();
        try (Tensor x = Data.tensor(device(), in.dtype, in.x, in.shape);
             Tensor gamma = Data.tensor(device(), in.gammaType, in.gamma, in.cols());
             Tensor beta = in.beta == null ? null : Data.tensor(device(), in.betaType, in.beta, in.cols())) {
            if (in.op == Op.ADD_RMS_NORM) {
                try (Tensor residual = Data.tensor(device(), in.dtype, in.residual, in.shape)) {
                    Ops.addRmsNorm(x, residual, gamma, in.eps);
                    Check.sameBits(what + ": residual = s rounded", residual.toFloatArray(), in.residualAfter(), data);
                    Check.close(what, x.toFloatArray(), ref, tol, data);
                }
                return;
            }
            try (Tensor made = in.op == Op.LAYER_NORM ? Ops.layerNorm(x, gamma, beta, in.eps) : Ops.rmsNorm(x, gamma, in.eps);
                 Tensor out = Data.tensor(device(), in.dtype, Data.filled(in.x.length, Float.NaN), in.shape)) {
                assertArrayEquals(in.shape, made.shape(), what + ": result shape");
                assertEquals(in.dtype, made.dtype(), what + ": result dtype");
                Check.close(what, made.toFloatArray(), ref, tol, data);
                if (in.op == Op.LAYER_NORM) {
                    Ops.layerNorm(x, gamma, beta, in.eps, out);
                } else {
                    Ops.rmsNorm(x, gamma, in.eps, out);
                }
                Check.close(what + " into out poisoned with NaN", out.toFloatArray(), ref, tol, data);
                Check.sameBits(what + " must leave x alone", x.toFloatArray(), in.x, data);
                if (in.op == Op.LAYER_NORM) {
                    Ops.layerNorm(x, gamma, beta, in.eps, x);
                } else {
                    Ops.rmsNorm(x, gamma, in.eps, x);
                }
                Check.close(what + " in place", x.toFloatArray(), ref, tol, data);
            }
        }
    }

    /** Every width, a few rows each; weights of x's dtype and F32 in turn (F32 x: both F32). */
    @ParameterizedTest(name = "{0} {1}, widths 1 to 50001")
    @MethodSource("opsAndDtypes")
    void widths(Op op, DType dtype) {
        Data data = Data.fresh();
        for (int i = 0; i < WIDTHS.length; i++) {
            int cols = WIDTHS[i];
            int rows = cols <= 127 ? 37 : cols <= 4097 ? 5 : 2;
            DType weights = i % 2 == 0 ? dtype : DType.F32;
            long[] shape = {rows, cols};
            float[] x = data.normal(rows * cols, 2);
            check(inputs(data, op, dtype, shape, weights, weights, 1e-5f, x), data);
        }
    }

    /** Ranks 1 to 4, eps 0 and 1e-3, and for 16-bit x gamma and beta of different dtypes. */
    @ParameterizedTest(name = "{0} {1}, ranks 1 to 4")
    @MethodSource("opsAndDtypes")
    void ranks(Op op, DType dtype) {
        Data data = Data.fresh();
        List<long[]> shapes = List.of(new long[] {7}, new long[] {1000}, new long[] {3, 33}, new long[] {2, 3, 127},
                new long[] {2, 1, 3, 1000});
        for (int i = 0; i < shapes.size(); i++) {
            long[] shape = shapes.get(i);
            float[] x = data.normal((int) SoftmaxCases.size(shape), 1);
            DType gammaType = i % 2 == 0 ? DType.F32 : dtype;
            DType betaType = i % 2 == 0 ? dtype : DType.F32;
            check(inputs(data, op, dtype, shape, gammaType, betaType, i % 2 == 0 ? 0f : 1e-3f, x), data);
        }
    }

    /**
     * Rows whose values are all equal (variance 0): layerNorm gives beta exactly (eps &gt; 0), no
     * NaN; the rms norms x / sqrt(x^2 + eps) * gamma. One row of zeros among them.
     */
    @ParameterizedTest(name = "{0} {1}, rows of equal values")
    @MethodSource("opsAndDtypes")
    void equalValues(Op op, DType dtype) {
        Data data = Data.fresh();
        for (int cols : new int[] {1, 33, 1000, 4097, 16385}) {
            int rows = 3;
            float[] x = new float[rows * cols];
            for (int r = 0; r < rows; r++) {
                Arrays.fill(x, r * cols, (r + 1) * cols, r == 0 ? 0f : (float) data.random().nextDouble(-10, 10));
            }
            Inputs in = inputs(data, op, dtype, new long[] {rows, cols}, dtype, DType.F32, 1e-5f, x);
            check(in, data);
            if (op == Op.LAYER_NORM) {
                try (Tensor tx = Data.tensor(device(), dtype, in.x, rows, cols);
                     Tensor gamma = Data.tensor(device(), dtype, in.gamma, cols);
                     Tensor beta = device().tensor(in.beta, cols);
                     Tensor out = Ops.layerNorm(tx, gamma, beta, 1e-5f)) {
                    float[] want = new float[rows * cols];
                    for (int r = 0; r < rows; r++) {
                        System.arraycopy(Data.roundTo(dtype, in.beta), 0, want, r * cols, cols);
                    }
                    Check.equal(in.describe() + ": rows of equal values give beta exactly", out.toFloatArray(), want, data);
                }
            }
        }
    }

    /**
     * Rows of mean 1e4 and spread 1, in F32: statistics as E[x^2] - mean^2 lose the whole
     * variance there (1e8 against 1), and a mean rounded to float shifts every output by up to
     * 5e-4 / spread; the kernels must do neither.
     */
    @ParameterizedTest(name = "{0}, rows of a large mean")
    @MethodSource("ops")
    void largeMean(Op op) {
        Data data = Data.fresh();
        for (int cols : new int[] {33, 1000, 4097, 16385, 50001}) {
            int rows = 3;
            float[] x = data.uniform(rows * cols, -1, 1);
            for (int i = 0; i < x.length; i++) {
                x[i] += 1e4f;
            }
            check(inputs(data, op, DType.F32, new long[] {rows, cols}, DType.F32, DType.F32, 0f, x), data);
        }
    }

    static List<Op> ops() {
        return List.of(Op.values());
    }

    /** Huge and tiny magnitudes, eps 0: rows scaled by 1e15 and 1e-15 (F32, BF16), 1e3 and 1e-3 (F16). */
    @ParameterizedTest(name = "{0} {1}, huge and tiny magnitudes")
    @MethodSource("opsAndDtypes")
    void magnitudes(Op op, DType dtype) {
        Data data = Data.fresh();
        double big = dtype == DType.F16 ? 1e3 : 1e15;
        for (int cols : new int[] {3, 1000, 4097, 16385}) {
            for (double scale : new double[] {big, 1 / big}) {
                int rows = 2;
                float[] x = data.normal(rows * cols, scale);
                Inputs in = inputs(data, op, dtype, new long[] {rows, cols}, DType.F32, DType.F32, 0f, x);
                if (in.residual != null) {
                    float[] r = Data.roundTo(dtype, data.normal(x.length, scale));
                    in = new Inputs(in.op, dtype, in.shape, in.x, r, in.gammaType, in.gamma, in.betaType, in.beta, 0f);
                }
                check(in, data);
            }
        }
    }

    /**
     * A NaN in a row makes that row NaN and no other; an infinity gives what the reference gives
     * (layerNorm: a row of NaN; the rms norms: zeros, and NaN at the infinity). addRmsNorm's
     * residual gets NaN only where s is NaN.
     */
    @ParameterizedTest(name = "{0} {1}, rows holding NaN")
    @MethodSource("opsAndDtypes")
    void nan(Op op, DType dtype) {
        Data data = Data.fresh();
        for (int cols : new int[] {1, 33, 1025, 4097, 8193, 16385}) {
            int rows = 4;
            float[] x = data.normal(rows * cols, 1);
            x[data.random().nextInt(cols)] = Float.NaN;                             // row 0
            x[2 * cols + data.random().nextInt(cols)] = Float.POSITIVE_INFINITY;   // row 2
            x[3 * cols + cols - 1] = Float.NaN;                                    // row 3, its last element
            check(inputs(data, op, dtype, new long[] {rows, cols}, dtype, dtype, 1e-5f, x), data);
        }
    }

    /** Outputs that overlap an input other than x, and addRmsNorm's x and residual of one allocation, are rejected. */
    @Test
    void overlapsAreRejected() {
        try (Tensor x = device().zeros(DType.F32, 33); Tensor gamma = device().zeros(DType.F32, 33);
             Tensor beta = device().zeros(DType.F32, 33); Tensor x2 = device().zeros(DType.F32, 2, 33)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Ops.layerNorm(x, gamma, beta, 1e-5f, gamma));
            assertTrue(e.getMessage().startsWith("layerNorm: out overlaps gamma"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> Ops.layerNorm(x, gamma, beta, 1e-5f, beta));
            assertTrue(e.getMessage().startsWith("layerNorm: out overlaps beta"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> Ops.rmsNorm(x, gamma, 1e-5f, gamma));
            assertTrue(e.getMessage().startsWith("rmsNorm: out overlaps gamma"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> Ops.addRmsNorm(x2, x2, gamma, 1e-5f));
            assertTrue(e.getMessage().startsWith("addRmsNorm: x, residual and gamma must not overlap"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> Ops.addRmsNorm(x, gamma, gamma, 1e-5f));
            assertTrue(e.getMessage().startsWith("addRmsNorm: x, residual and gamma must not overlap"), e.getMessage());
        }
    }

    /** Tensors with a dimension of 0: empty results of the right shape, nothing launched. */
    @Test
    void empty() {
        for (long[] shape : List.of(new long[] {0}, new long[] {0, 7}, new long[] {7, 0}, new long[] {2, 0, 3})) {
            long n = shape[shape.length - 1];
            for (DType dtype : FLOATS) {
                try (Tensor x = device().zeros(dtype, shape); Tensor residual = device().zeros(dtype, shape);
                     Tensor gamma = device().zeros(DType.F32, n); Tensor beta = device().zeros(dtype, n);
                     Tensor layer = Ops.layerNorm(x, gamma, beta, 1e-5f); Tensor rms = Ops.rmsNorm(x, gamma, 0f);
                     Tensor into = device().zeros(dtype, shape)) {
                    assertArrayEquals(shape, layer.shape());
                    assertArrayEquals(shape, rms.shape());
                    assertEquals(dtype, rms.dtype());
                    Ops.layerNorm(x, gamma, beta, 1e-5f, into);
                    Ops.rmsNorm(x, gamma, 1e-5f, x);
                    Ops.addRmsNorm(x, residual, gamma, 1e-5f);
                    assertEquals(0, layer.toFloatArray().length);
                }
            }
        }
    }
}
