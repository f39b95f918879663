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

        /**
         * Per element, how far the exact result moves when a's element is off by {@link #ARGUMENT_ULPS}
         * F32 ulps of relative size (times b for swiglu); null for add and mul, which are exact up to
         * their one rounding. An F32 kernel computes the activations' exp or erfc argument with a few
         * roundings, and the result's relative error is that of the argument times its size: tanh GELU
         * at x = -9.7 is x sigmoid(z) with z = -80, and a float32 model of the kernels' formula over
         * 2,000,000 points in [-10, -3] was off by up to 1.16e-5 of the result there (the CUDA emulator
         * once by 1.01e-5 at shape [1]), more than the elementwise tolerance, and by at most 0.92 of
         * this spread taken at 2 ulps. No F32 formula without extra precision avoids it; the spread
         * counts only where such tail elements carry the result's norm.
         */
        double[] spread(float[] a, float[] b) {
            if (!activation()) {
                return null;
            }
            double[] out = new double[a.length];
            double d = ARGUMENT_ULPS * 0x1p-24;
            for (int i = 0; i < a.length; i++) {
                double x = a[i], at = exact(x);
                double s = Math.max(Math.abs(exact(x * (1 + d)) - at), Math.abs(exact(x * (1 - d)) - at));
                s *= this == SWIGLU ? Math.abs(b[i]) : 1;
                out[i] = Double.isFinite(s) ? s : 0;
            }
            return out;
        }

        private boolean activation() {
            return this != ADD && this != MUL;
        }

        /** The activation of one double (silu for swiglu's gate). */
        private double exact(double x) {
            return switch (this) {
                case GELU -> Reference64.gelu(x, false);
                case GELU_TANH -> Reference64.gelu(x, true);
                case SILU, SWIGLU -> Reference64.silu(x);
                case ADD, MUL -> throw new IllegalStateException(name());
            };
        }
    }

    /** Results this small may be flushed to zero: 256 times F32's smallest normal, about 3e-36. */
    static final double FLUSHED = 0x1p-118;

    /** How far, in relative F32 ulps, {@link Op#spread} moves the argument of an activation. */
    static final int ARGUMENT_ULPS = 4;

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
     * which a subnormal's rounding stays within the tolerance. For the activations the tolerance
     * also takes the norm of {@link Op#spread} over the reference's norm: what an argument off by
     * a few F32 ulps moves the result, which is the most a float kernel can be held to in the tails.
     * A result below {@link #FLUSHED} may come back as zero: an exp or erfc below F32's smallest
     * normal may be flushed (as GPUs do with subnormals, and the CPU's vector exp below e^-87.3),
     * and x times it reaches about 90 times that normal (silu at -87).
     */
    static void close(String what, float[] got, double[] ref, double[] spread, DType dtype, Data data) {
        double[] flushed = ref; // ref, or a copy with the results the kernel flushed to zero taken as zero
        for (int i = 0; i < ref.length; i++) {
            if (got[i] == 0 && ref[i] != 0 && Math.abs(ref[i]) < FLUSHED) {
                flushed = flushed == ref ? ref.clone() : flushed;
                flushed[i] = 0;
            }
        }
        ref = flushed;
        double norm = 0, slack = 0;
        for (int i = 0; i < ref.length; i++) {
            double r = ref[i];
            norm += Double.isFinite(r) ? r * r : 0;
            slack += spread == null ? 0 : spread[i] * spread[i];
        }
        double floor = Math.sqrt(ref.length) * (dtype == DType.F16 ? 0x1p-14 : Float.MIN_NORMAL);
        double tol = Tolerances.elementwise(dtype) * (norm > 0 ? Math.max(1, floor / Math.sqrt(norm)) : 1);
        tol += norm > 0 ? Math.sqrt(slack / norm) : 0;
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
            double[] ref = op.reference(a, b), spread = op.spread(a, b);
            close(what, got.toFloatArray(), ref, spread, dtype, data);
            op.call(ta, tb, out);
            close(what + " into out poisoned with NaN", out.toFloatArray(), ref, spread, dtype, data);
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
     * The activations' negative tails element by element, where a result of 1e-30 is as much a
     * result as one of 1: 37 arguments in [-14, -2] (a vector's worth and a remainder) and -9.7,
     * each checked alone at the elementwise tolerance and its {@link Op#spread}. The norm-wise
     * checks above let a tail element rounded to 0 hide among larger ones (the plain-Java tanh GELU
     * once computed 1 + tanh(y), which is 0 in double below x = -9.4).
     */
    @ParameterizedTest(name = "{0} {1}, negative tails element by element")
    @MethodSource("opsAndDtypes")
    void negativeTails(Op op, DType dtype) {
        if (op.binary() && op != Op.SWIGLU) {
            return;
        }
        Data data = Data.fresh();
        float[] a = data.uniform(38, -14, -2);
        a[37] = -9.7f;
        a = Data.roundTo(dtype, a);
        float[] b = op.binary() ? Data.roundTo(dtype, data.uniform(38, 0.5, 2)) : null;
        long[] shape = {a.length};
        try (Tensor ta = Data.tensor(device(), dtype, a, shape);
             Tensor tb = op.binary() ? Data.tensor(device(), dtype, b, shape) : null;
             Tensor got = op.call(ta, tb)) {
            float[] out = got.toFloatArray();
            double[] ref = op.reference(a, b), spread = op.spread(a, b);
            for (int i = 0; i < a.length; i++) {
                close(op + " " + dtype + " at x = " + a[i], new float[] {out[i]}, new double[] {ref[i]},
                        new double[] {spread[i]}, dtype, data);
            }
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
            close(op + " " + dtype + " in place", ta.toFloatArray(), op.reference(a, b), op.spread(a, b), dtype, data);
            if (tb != null) {
                Check.sameBits(op + " in place must leave b alone", tb.toFloatArray(), b, data);
            }
        }
        if (op.binary()) {
            try (Tensor ta = Data.tensor(device(), dtype, a, shape); Tensor self = op.call(ta, ta)) {
                close(op + " " + dtype + " of (a, a)", self.toFloatArray(), op.reference(a, a), op.spread(a, a), dtype, data);
                op.call(ta, ta, ta);
                close(op + " " + dtype + " of (a, a) in place", ta.toFloatArray(), op.reference(a, a), op.spread(a, a), dtype, data);
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
