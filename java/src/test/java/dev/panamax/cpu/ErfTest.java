package dev.panamax.cpu;

import dev.panamax.internal.Kernels.ElementwiseOp;
import dev.panamax.reference.Reference64;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CPU's float erf and erfc ({@link Erf}) against the float64 reference: erf within 1e-7
 * relative, erfc within 4e-7 relative wherever it is a normal float (|x| up to 9), on a dense
 * grid, on log-spaced magnitudes down to 1e-30, at the region boundary and the clamp, both signs;
 * the special values; and the Vector API GELU, which evaluates the same polynomials on lanes with
 * its own exp, against the scalar one.
 */
class ErfTest {

    private static double relative(float got, double want) {
        return Math.abs(got - want) / Math.abs(want);
    }

    @Test
    void withinTheirBoundsEverywhere() {
        double worstErf = 0, worstErfc = 0;
        float erfAt = 0, erfcAt = 0;
        SplittableRandom random = new SplittableRandom(11);
        for (int i = 0; i < 500_000; i++) {
            float x = i < 450_000 ? i * 2e-5f : (float) Math.exp(random.nextDouble(Math.log(1e-30), Math.log(9)));
            for (float v : new float[] {x, -x, Math.nextUp(Erf.SPLIT), Math.nextDown(Erf.SPLIT), -Erf.SPLIT, 9f}) {
                if (v == 0) {
                    continue;
                }
                double e = relative(Erf.erf(v), Reference64.erf(v));
                if (e > worstErf) {
                    worstErf = e;
                    erfAt = v;
                }
                double c = relative(Erf.erfc(v), Reference64.erfc(v));
                if (c > worstErfc) {
                    worstErfc = c;
                    erfcAt = v;
                }
            }
        }
        assertTrue(worstErf <= 1e-7, "erf: worst relative error " + worstErf + " at " + erfAt);
        assertTrue(worstErfc <= 4e-7, "erfc: worst relative error " + worstErfc + " at " + erfcAt);
    }

    @Test
    void specialValues() {
        assertEquals(1f, Erf.erf(Float.POSITIVE_INFINITY));
        assertEquals(-1f, Erf.erf(Float.NEGATIVE_INFINITY));
        assertEquals(1f, Erf.erf(10f));
        assertEquals(-1f, Erf.erf(-1e30f));
        assertTrue(Float.isNaN(Erf.erf(Float.NaN)));
        assertEquals(Float.floatToIntBits(-0f), Float.floatToIntBits(Erf.erf(-0f)));
        assertEquals(Float.floatToIntBits(0f), Float.floatToIntBits(Erf.erf(0f)));
        assertEquals(0f, Erf.erfc(Float.POSITIVE_INFINITY));
        assertEquals(0f, Erf.erfc(11f));
        assertEquals(2f, Erf.erfc(Float.NEGATIVE_INFINITY));
        assertEquals(1f, Erf.erfc(0f));
        assertTrue(Float.isNaN(Erf.erfc(Float.NaN)));
    }

    /** The reference's own erf on values known to 16 digits (mpmath at 30 digits). */
    @Test
    void referenceErf() {
        assertEquals(0.5204998778130465, Reference64.erf(0.5), 1e-15);
        assertEquals(0.8427007929497149, Reference64.erf(1), 1e-15);
        assertEquals(0.9953222650189527, Reference64.erf(2), 1e-15);
        assertEquals(-0.9999779095030014, Reference64.erf(-3), 1e-15);
        assertEquals(2.209049699858544e-5, Reference64.erfc(3), 1e-19);
        assertEquals(1.5374597944280349e-12, Reference64.erfc(5), 1e-25);
        assertEquals(2.088487583762545e-45, Reference64.erfc(10), 1e-58);
        assertEquals(1.9999779095030015, Reference64.erfc(-3), 1e-15);
    }

    /** The Vector API GELU (erf by lanes, exp by VectorExp) agrees with the scalar GELU within a few ulp of x. */
    @Test
    void vectorGeluAgreesWithTheScalarOne() {
        Assumptions.assumeTrue(CpuSimd.VECTOR, "the Vector API is not in use: " + CpuSimd.DESCRIPTION);
        SplittableRandom random = new SplittableRandom(5);
        int n = 100_003;
        float[] x = new float[n + ElementwiseBlock.PAD];
        for (int i = 0; i < n; i++) {
            x[i] = (float) random.nextDouble(-12, 12);
        }
        x[0] = Float.NaN;
        x[1] = Float.POSITIVE_INFINITY;
        x[2] = Float.NEGATIVE_INFINITY;
        for (ElementwiseOp op : new ElementwiseOp[] {ElementwiseOp.GELU_ERF, ElementwiseOp.GELU_TANH, ElementwiseOp.SILU}) {
            float[] vector = x.clone(), scalar = x.clone();
            float[] tmp = new float[n + ElementwiseBlock.PAD];
            VectorElementwise.INSTANCE.apply(op, vector, null, 0, tmp, n);
            ScalarElementwise.INSTANCE.apply(op, scalar, null, 0, tmp, n);
            for (int i = 0; i < n; i++) {
                boolean same = vector[i] == scalar[i] || Float.isNaN(vector[i]) && Float.isNaN(scalar[i]);
                double allowed = 4 * Math.ulp(Math.max(Math.abs(x[i]), 1f));
                assertTrue(same || Math.abs(vector[i] - scalar[i]) <= allowed,
                        op + " at x = " + x[i] + ": vector " + vector[i] + ", scalar " + scalar[i]);
            }
        }
    }
}
