package dev.panamax.conformance;

import dev.panamax.DType;
import dev.panamax.Ops;
import dev.panamax.Tensor;
import dev.panamax.testing.Check;
import dev.panamax.testing.Data;
import dev.panamax.testing.Tolerances;
import dev.panamax.reference.Reference64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** GEMM and matmul against the float64 reference. */
@Covers({"gemm", "matmul"})
abstract class GemmCases extends DeviceCases {

    /** Every transpose combination for every input dtype, with c F32 and c of the input dtype. */
    static List<GemmSpec> transposesAndDtypes() {
        List<GemmSpec> cases = new ArrayList<>();
        for (DType ab : FLOATS) {
            for (DType c : ab == DType.F32 ? List.of(DType.F32) : List.of(DType.F32, ab)) {
                for (int t = 0; t < 4; t++) {
                    cases.add(GemmSpec.of(ab, c, 67, 33, 129).trans(t >= 2, t % 2 == 1).scale(1.25f, 0f));
                    cases.add(GemmSpec.of(ab, c, 31, 70, 45).trans(t >= 2, t % 2 == 1).scale(-0.5f, 0.75f));
                }
            }
        }
        return cases;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transposesAndDtypes")
    void transposesAndDtypes(GemmSpec spec) {
        spec.check(device(), Data.fresh());
    }

    /** M, N, K of 1, 7, 33, 127, 1000 and other non-multiples of any tile, mixed. */
    static List<GemmSpec> awkwardShapes() {
        int[][] mnk = {
            {1, 1, 1}, {1, 7, 33}, {7, 1, 127}, {33, 127, 1}, {127, 33, 7}, {2, 3, 1000},
            {1000, 7, 33}, {7, 1000, 127}, {33, 7, 1000}, {1, 1000, 1000}, {1000, 1, 1000},
            {65, 129, 257}, {257, 255, 129}, {1000, 127, 1000}, {127, 1000, 513},
        };
        List<GemmSpec> cases = new ArrayList<>();
        for (int[] s : mnk) {
            for (int t = 0; t < 4; t++) {
                cases.add(GemmSpec.of(s[0], s[1], s[2]).trans(t >= 2, t % 2 == 1));
            }
        }
        return cases;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("awkwardShapes")
    void awkwardShapes(GemmSpec spec) {
        spec.check(device(), Data.fresh());
    }

    /**
     * 9 to 24 rows of A (one or two row tiles; the CPU reads an F32 B [k, n] in place up to 96 rows
     * instead of packing it), N of whole in-place tiles, with columns left over, and too narrow for
     * one, K past one kc block, every
     * transpose, alpha and beta, batched with b shared and batched, exact integers.
     */
    static List<GemmSpec> fewRowTiles() {
        int[][] mnk = {{9, 400, 300}, {16, 384, 384}, {24, 400, 513}, {13, 768, 1000}, {20, 1000, 70}, {11, 33, 40}};
        List<GemmSpec> cases = new ArrayList<>();
        for (int[] s : mnk) {
            for (int t = 0; t < 4; t++) {
                cases.add(GemmSpec.of(s[0], s[1], s[2]).trans(t >= 2, t % 2 == 1).scale(1.25f, -0.5f));
            }
            cases.add(GemmSpec.of(s[0], s[1], s[2]).exact());
        }
        cases.add(GemmSpec.of(17, 500, 300).batched(3, true).scale(0.5f, 1));
        cases.add(GemmSpec.of(17, 500, 300).batched(3, false).trans(true, false));
        return cases;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fewRowTiles")
    void fewRowTiles(GemmSpec spec) {
        spec.check(device(), Data.fresh());
    }

    /** alpha and beta, beta == 0 with c poisoned with NaN, alpha == 0. */
    static List<GemmSpec> alphaBeta() {
        float[][] ab = {{1, 0}, {0.5f, 0}, {-1.5f, 1}, {2, -0.5f}, {0, 0.75f}, {0, 0}, {1, 1}, {3, 2}};
        List<GemmSpec> cases = new ArrayList<>();
        for (float[] s : ab) {
            cases.add(GemmSpec.of(33, 17, 65).scale(s[0], s[1]));
            cases.add(GemmSpec.of(DType.BF16, DType.BF16, 17, 33, 40).trans(true, false).scale(s[0], s[1]));
        }
        return cases;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("alphaBeta")
    void alphaBeta(GemmSpec spec) {
        spec.check(device(), Data.fresh());
    }

    /** Rank 3, b shared and b batched, every transpose combination. */
    static List<GemmSpec> batched() {
        List<GemmSpec> cases = new ArrayList<>();
        for (boolean bBatched : new boolean[] {false, true}) {
            for (int t = 0; t < 4; t++) {
                cases.add(GemmSpec.of(37, 19, 70).batched(3, bBatched).trans(t >= 2, t % 2 == 1).scale(0.75f, 0));
                cases.add(GemmSpec.of(DType.F16, DType.F32, 5, 33, 17).batched(4, bBatched).trans(t >= 2, t % 2 == 1)
                        .scale(1, 0.5f));
            }
            cases.add(GemmSpec.of(DType.BF16, DType.BF16, 1, 7, 129).batched(7, bBatched).scale(1, -1));
            cases.add(GemmSpec.of(1, 1, 1).batched(1, bBatched));
            cases.add(GemmSpec.of(130, 65, 33).batched(2, bBatched).trans(true, true).scale(2, 1));
        }
        return cases;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("batched")
    void batched(GemmSpec spec) {
        spec.check(device(), Data.fresh());
    }

    /**
     * Small-integer inputs: every product and partial sum is an integer below 2^24, so an F32 (or
     * wider) accumulation must match the reference exactly, whatever the summation order.
     */
    static List<GemmSpec> exactIntegers() {
        List<GemmSpec> cases = new ArrayList<>();
        int[][] mnk = {{1, 1, 1}, {7, 33, 127}, {127, 7, 1000}, {65, 130, 257}, {200, 300, 1000}};
        for (int[] s : mnk) {
            for (int t = 0; t < 4; t++) {
                cases.add(GemmSpec.of(s[0], s[1], s[2]).trans(t >= 2, t % 2 == 1).exact());
            }
        }
        for (DType ab : List.of(DType.F16, DType.BF16)) {
            cases.add(GemmSpec.of(ab, DType.F32, 33, 65, 1000).exact());
            cases.add(GemmSpec.of(ab, DType.F32, 129, 31, 77).trans(true, true).scale(1, 2).exact());
            // c of the input dtype: one rounding of an exact F32 result, the same in the kernel and here
            cases.add(GemmSpec.of(ab, ab, 17, 9, 20).scale(1, 1).exact());
        }
        cases.add(GemmSpec.of(15, 31, 255).batched(3, true).scale(1, 1).exact());
        cases.add(GemmSpec.of(15, 31, 255).batched(3, false).trans(true, false).exact());
        return cases;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("exactIntegers")
    void exactIntegers(GemmSpec spec) {
        spec.check(device(), Data.fresh());
    }

    /** k == 0: c = beta * c, or zeros when beta == 0 (the NaN poison must go). */
    static List<GemmSpec> emptyInner() {
        return List.of(GemmSpec.of(7, 5, 0), GemmSpec.of(7, 5, 0).scale(2, 0.5f), GemmSpec.of(1, 1, 0).trans(true, true),
                GemmSpec.of(DType.BF16, DType.BF16, 33, 3, 0).scale(1, 1), GemmSpec.of(4, 6, 0).batched(2, true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("emptyInner")
    void emptyInner(GemmSpec spec) {
        spec.check(device(), Data.fresh());
    }

    /** a [..., M, K] @ b [..., K, N] or b [K, N], rank 2 to 5, every dtype; the result has a's dtype. */
    static List<Object[]> matmulShapes() {
        List<Object[]> cases = new ArrayList<>();
        long[][][] shapes = {
            {{33, 70}, {70, 17}},
            {{1, 1}, {1, 1}},
            {{3, 7, 129}, {129, 33}},
            {{3, 7, 129}, {3, 129, 33}},
            {{2, 3, 31, 65}, {65, 9}},
            {{2, 3, 31, 65}, {2, 3, 65, 9}},
            {{2, 1, 2, 5, 8}, {2, 1, 2, 8, 3}},
            {{1000, 33}, {33, 7}},
        };
        for (DType dtype : FLOATS) {
            for (long[][] s : shapes) {
                cases.add(new Object[] {dtype, s[0], s[1]});
            }
        }
        return cases;
    }

    @ParameterizedTest(name = "matmul {0} {1} @ {2}")
    @MethodSource("matmulShapes")
    void matmul(DType dtype, long[] aShape, long[] bShape) {
        Data data = Data.fresh();
        int rank = aShape.length;
        int m = (int) aShape[rank - 2], k = (int) aShape[rank - 1], n = (int) bShape[bShape.length - 1];
        int batch = (int) (size(aShape) / ((long) m * k));
        boolean bBatched = bShape.length > 2;
        float[] a = Data.roundTo(dtype, data.normal((int) size(aShape), 1));
        float[] b = Data.roundTo(dtype, data.normal((int) size(bShape), 1));
        long[] want = aShape.clone();
        want[rank - 1] = n;
        try (Tensor ta = Data.tensor(device(), dtype, a, aShape);
             Tensor tb = Data.tensor(device(), dtype, b, bShape);
             Tensor out = Ops.matmul(ta, tb)) {
            assertArrayEquals(want, out.shape(), "matmul result shape");
            assertEquals(dtype, out.dtype(), "matmul result dtype");
            assertEquals(device(), out.device(), "matmul result device");
            double[] ref = Reference64.gemm(batch, m, n, k, 1, a, false, b, false, bBatched, 0, null);
            // the result is rounded to its dtype once: so is the reference, so that a product that is
            // an F16 subnormal (a [1, 1] result of -1.0e-7 is -1.19e-7 in F16, 17% off) still compares
            for (int i = 0; i < ref.length; i++) {
                ref[i] = Data.roundTo(dtype, new float[] {(float) ref[i]})[0];
            }
            Check.close("matmul " + dtype + " " + Arrays.toString(aShape) + " @ " + Arrays.toString(bShape),
                    out.toFloatArray(), ref, Tolerances.accumulate(dtype), data);
        }
    }

    @Test
    void matmulWithEmptyInnerGivesZeros() {
        Data data = Data.fresh();
        try (Tensor a = device().zeros(DType.F32, 2, 3, 0);
             Tensor b = device().zeros(DType.F32, 0, 4);
             Tensor out = Ops.matmul(a, b)) {
            assertArrayEquals(new long[] {2, 3, 4}, out.shape());
            Check.equal("matmul [2, 3, 0] @ [0, 4]", out.toFloatArray(), new float[24], data);
        }
    }

    private static long size(long[] shape) {
        long s = 1;
        for (long d : shape) {
            s *= d;
        }
        return s;
    }
}
