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

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The elementwise ops (add and mul with b repeated over a's leading dimensions, both GELUs, silu,
 * swiglu) against the float64 reference: every rank from 1 to 4, awkward widths, every dtype,
 * NaN and infinities (a NaN spoils only its own element), results into new tensors, into
 * outputs poisoned with NaN and in place.
 */
@Covers({"add", "mul", "gelu", "silu", "swiglu"})
abstract class ElementwiseCases extends DeviceCases {

    /** An op of the family as the tests call it; b is null for the unary ops. */
    enum Op {
        ADD, MUL, GELU, GELU_TANH, SILU, SWIGLU;

        boolean binary() {
            return this == ADD || this == MUL || this == SWIGLU;
        }

        Tensor call(Tensor a, Tensor b) {
            return switch (this) {
                case ADD -> Ops.add(a, b);
                case MUL -> Ops.mul(a, b);
                case GELU -> Ops.gelu(a, false);
                case GELU_TANH -> Ops.gelu(a, true);
                case SILU -> Ops.silu(a);
                case SWIGLU -> Ops.swiglu(a, b);
            };
        }

        void call(Tensor a, Tensor b, Tensor out) {
            switch (this) {
                case ADD -> Ops.add(a, b, out);
                case MUL -> Ops.mul(a, b, out);
                case GELU -> Ops.gelu(a, false, out);
                case GELU_TANH -> Ops.gelu(a, true, out);
                case SILU -> Ops.silu(a, out);
                case SWIGLU -> Ops.swiglu(a, b, out);
            }
        }

        double[] reference(float[] a, float[] b) {
            return switch (this) {
                case ADD -> Reference64.add(a, b);
                case MUL -> Reference64.mul(a, b);
                case GELU -> Reference64.gelu(a, false);
                case GELU_TANH -> Reference64.gelu(a, true);
                case SILU -> Reference64.silu(a);
                case SWIGLU -> Reference64.swiglu(a, b);
            };
        }
    }

    /** Ranks 1 to 4, the awkward widths 1, 3, 33, 127, 1000 and 4097 last. */
    static final List<long[]> SHAPES = List.of(new long[] {1}, new long[] {3}, new long[] {33}, new long[] {4097},
            new long[] {5, 127}, new long[] {3, 1000}, new long[] {2, 3, 33}, new long[] {2, 1, 3, 127},
            new long[] {3, 2, 2, 4097}, new long[] {2, 2, 7, 1});

    static List<Object[]> opsAndDtypes() {
        return withEveryFloat(Op.values());
    }

    /** (op, dtype) for every op and every floating-point dtype: the arguments of a parameterized test. */
    static List<Object[]> withEveryFloat(Enum<?>[] ops) {
        List<Object[]> cases = new ArrayList<>();
        for (Enum<?> op : ops) {
            for (DType dtype : FLOATS) {
                cases.add(new Object[] {op, dtype});
            }
        }
        return cases;
    }

    /**
     * Normal values of std 3 (both GELUs' tails and their middle), about 1 in 40 replaced by NaN,
     * +-inf, +-0.0 or a large value (+-1e18; +-250 in F16), whose sums and products stay finite.
     */
    static float[] values(Data data, DType dtype, int n) {
        float[] x = data.normal(n, 3);
        float big = dtype == DType.F16 ? 250f : 1e18f;
        float[] special = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f, big, -big};
        for (int i = 0; i < n; i++) {
            if (data.random().nextInt(40) == 0) {
                x[i] = special[data.random().nextInt(special.length)];
            }
        }
        return Data.roundTo(dtype, x);
    }

    /**
     * b for op(a, b): values() of the dtype, except that an infinite up under a gate below -80
     * becomes 1. silu of such a gate underflows F32 to 0, and 0 * inf is NaN, where the float64
     * reference, which does not underflow there, gives an infinity: an artifact of the F32 range,
     * not of a kernel.
     */
    static float[] second(Op op, Data data, DType dtype, float[] a) {
        float[] b = values(data, dtype, a.length);
        for (int i = 0; op == Op.SWIGLU && i < a.length; i++) {
            if (a[i] < -80 && Float.isInfinite(b[i])) {
                b[i] = 1;
            }
        }
        return b;
    }

    /**
     * {@link Check#close} at the dtype's elementwise tolerance, raised where the whole result is so
     * small that it rounds among the dtype's subnormals (a one-element F16 gelu(-6), 1e-8): the
     * reference's norm is taken as at least sqrt(n) times the dtype's smallest normal, the scale at
     * which a subnormal's rounding stays within the tolerance.
     */
    static void close(String what, float[] got, double[] ref, DType dtype, Data data) {
        double norm = 0;
        for (double r : ref) {
            norm += Double.isFinite(r) ? r * r : 0;
        }
        double floor = Math.sqrt(ref.length) * (dtype == DType.F16 ? 0x1p-14 : Float.MIN_NORMAL);
        double tol = Tolerances.elementwise(dtype) * (norm > 0 ? Math.max(1, floor / Math.sqrt(norm)) : 1);
        Check.close(what, got, ref, tol, data);
    }

    /** op(a, b) into a new tensor and into an output poisoned with NaN, checked against the reference. */
    private void check(String what, Op op, DType dtype, float[] a, long[] aShape, float[] b, long[] bShape, Data data) {
        try (Tensor ta = Data.tensor(device(), dtype, a, aShape);
             Tensor tb = op.binary() ? Data.tensor(device(), dtype, b, bShape) : null;
             Tensor got = op.call(ta, tb);
             Tensor out = Data.tensor(device(), dtype, Data.filled(a.length, Float.NaN), aShape)) {
            assertArrayEquals(aShape, got.shape(), what + ": result shape");
            assertEquals(dtype, got.dtype(), what + ": result dtype");
            double[] ref = op.reference(a, b);
            close(what, got.toFloatArray(), ref, dtype, data);
            op.call(ta, tb, out);
            close(what + " into out poisoned with NaN", out.toFloatArray(), ref, dtype, data);
            Check.sameBits(what + " must leave a alone", ta.toFloatArray(), a, data);
        }
    }

    @ParameterizedTest(name = "{0} {1}, ranks 1 to 4")
    @MethodSource("opsAndDtypes")
    void shapes(Op op, DType dtype) {
        Data data = Data.fresh();
        for (long[] shape : SHAPES) {
            int n = (int) SoftmaxCases.size(shape);
            float[] a = values(data, dtype, n);
            float[] b = op.binary() ? second(op, data, dtype, a) : null;
            check(op + " " + dtype + " " + Arrays.toString(shape), op, dtype, a, shape, b, shape, data);
        }
    }

    /**
     * add and mul with b every suffix of a's shape: [4097] on [2, 3, 5, 4097] up to a's own shape,
     * and [1] or [7, 1] on [2, 7, 1]; b of rank 1 among them.
     */
    @ParameterizedTest(name = "{0} {1}, b a suffix of a's shape")
    @MethodSource("opsAndDtypes")
    void broadcastSuffixes(Op op, DType dtype) {
        if (op != Op.ADD && op != Op.MUL) {
            return;
        }
        Data data = Data.fresh();
        for (long[] aShape : List.of(new long[] {2, 3, 5, 4097}, new long[] {2, 7, 1}, new long[] {3, 33}, new long[] {127})) {
            float[] a = values(data, dtype, (int) SoftmaxCases.size(aShape));
            for (int rank = 1; rank <= aShape.length; rank++) {
                long[] bShape = Arrays.copyOfRange(aShape, aShape.length - rank, aShape.length);
                float[] b = values(data, dtype, (int) SoftmaxCases.size(bShape));
                check(op + " " + dtype + " a " + Arrays.toString(aShape) + " b " + Arrays.toString(bShape), op, dtype,
                        a, aShape, b, bShape, data);
            }
        }
    }

    /** out = a itself: in place, every op; b as a itself too (x * x, x + x). */
    @ParameterizedTest(name = "{0} {1} in place")
    @MethodSource("opsAndDtypes")
    void inPlace(Op op, DType dtype) {
        Data data = Data.fresh();
        long[] shape = {3, 1000};
        float[] a = values(data, dtype, 3000);
        float[] b = op.binary() ? second(op, data, dtype, a) : null;
        try (Tensor ta = Data.tensor(device(), dtype, a, shape);
             Tensor tb = op.binary() ? Data.tensor(device(), dtype, b, shape) : null) {
            op.call(ta, tb, ta);
            close(op + " " + dtype + " in place", ta.toFloatArray(), op.reference(a, b), dtype, data);
            if (tb != null) {
                Check.sameBits(op + " in place must leave b alone", tb.toFloatArray(), b, data);
            }
        }
        if (op.binary()) {
            try (Tensor ta = Data.tensor(device(), dtype, a, shape); Tensor self = op.call(ta, ta)) {
                close(op + " " + dtype + " of (a, a)", self.toFloatArray(), op.reference(a, a), dtype, data);
                op.call(ta, ta, ta);
                close(op + " " + dtype + " of (a, a) in place", ta.toFloatArray(), op.reference(a, a), dtype, data);
            }
        }
    }

    /** An out that is the second input is not the first input itself: rejected, and nothing written. */
    @Test
    void outOverlappingTheSecondInputIsRejected() {
        Data data = Data.fresh();
        float[] a = data.normal(33, 1), b = data.normal(33, 1);
        for (Op op : Op.values()) {
            if (!op.binary()) {
                continue;
            }
            try (Tensor ta = device().tensor(a, 33); Tensor tb = device().tensor(b, 33)) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> op.call(ta, tb, tb));
                String name = op.name().toLowerCase(java.util.Locale.ROOT);
                org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().startsWith(name + ": out overlaps"), e.getMessage());
                Check.equal(op + ": a rejected call must not write", tb.toFloatArray(), b, data);
            }
        }
    }

    /** More than a million elements: past the work OpenCL's bounded grid covers in one stride, b a bias. */
    @Test
    void manyElements() {
        Data data = Data.fresh();
        long[] shape = {1100, 1000};
        float[] a = values(data, DType.F32, 1_100_000);
        float[] bias = values(data, DType.F32, 1000);
        check("add of a bias, many elements", Op.ADD, DType.F32, a, shape, bias, new long[] {1000}, data);
        check("gelu, many elements", Op.GELU, DType.BF16, Data.roundTo(DType.BF16, a), shape, null, null, data);
    }

    /** Tensors with a dimension of 0: empty results of the right shape, nothing launched. */
    @Test
    void empty() {
        for (long[] shape : List.of(new long[] {0}, new long[] {0, 7}, new long[] {7, 0}, new long[] {2, 0, 3})) {
            for (DType dtype : FLOATS) {
                for (Op op : Op.values()) {
                    long[] bShape = op == Op.ADD ? new long[] {shape[shape.length - 1]} : shape;
                    try (Tensor a = device().zeros(dtype, shape); Tensor b = device().zeros(dtype, bShape);
                         Tensor out = op.call(a, b); Tensor into = device().zeros(dtype, shape)) {
                        assertArrayEquals(shape, out.shape());
                        assertEquals(dtype, out.dtype());
                        op.call(a, b, into);
                        op.call(a, b, a);
                        assertEquals(0, out.toFloatArray().length);
                    }
                }
            }
        }
    }
}
