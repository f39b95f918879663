package dev.panamax.reference;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The oracle on inputs whose answers are known by hand. */
class Reference64Test {

    @Test
    void gemm() {
        float[] a = {1, 2, 3, 4, 5, 6};          // [2, 3]
        float[] b = {1, 0, 0, 1, 1, 1};          // [3, 2]
        float[] c = {10, 20, 30, 40};
        assertArrayEquals(new double[] {18, 30, 50, 62}, Reference64.gemm(1, 2, 2, 3, 2, a, false, b, false, false, 1, c));
        // op(a) = aᵀ with a stored [3, 2]: [[1, 3, 5], [2, 4, 6]] @ b
        assertArrayEquals(new double[] {6, 8, 8, 10}, Reference64.gemm(1, 2, 2, 3, 1, a, true, b, false, false, 0, null));
        // transB: b stored [2, 3] = [[1, 0, 0], [1, 1, 1]]
        assertArrayEquals(new double[] {1, 6, 4, 15}, Reference64.gemm(1, 2, 2, 3, 1, a, false, b, true, false, 0, null));
        float[] nan = {Float.NaN, Float.NaN, Float.NaN, Float.NaN};
        assertArrayEquals(new double[] {4, 5, 10, 11}, Reference64.gemm(1, 2, 2, 3, 1, a, false, b, false, false, 0, nan));
        // b shared by two batches
        float[] a2 = {1, 2, 3, 4, 5, 6, 1, 1, 1, 1, 1, 1};
        assertArrayEquals(new double[] {4, 5, 10, 11, 2, 2, 2, 2}, Reference64.gemm(2, 2, 2, 3, 1, a2, false, b, false, false, 0, null));
    }

    @Test
    void softmax() {
        float ln3 = (float) Math.log(3);
        double[] p = Reference64.softmax(new float[] {0, ln3, Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY, 1000}, 2, 3);
        assertEquals(0.25, p[0], 1e-8);
        assertEquals(0.75, p[1], 1e-8);
        assertEquals(0, p[2]);
        assertArrayEquals(new double[] {0, 0, 1}, new double[] {p[3], p[4], p[5]});
        assertArrayEquals(new double[] {0, 0}, Reference64.softmax(new float[] {Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY}, 1, 2));
    }

    @Test
    void attention() {
        float ln3 = (float) Math.log(3);
        float[] q = {ln3, 0, 0, 0};               // [1, 1, 2, 2]
        float[] k = {1, 0, 0, 1};                 // [1, 1, 2, 2]
        float[] v = {4, 8, 0, 4};
        double[] o = Reference64.attention(q, k, v, 1, 1, 1, 2, 2, 2, false, 1);
        assertArrayEquals(new double[] {3, 7, 2, 6}, o, 1e-6);
        double[] causal = Reference64.attention(q, k, v, 1, 1, 1, 2, 2, 2, true, 1);
        assertArrayEquals(new double[] {4, 8, 2, 6}, causal, 1e-6);       // query 0 sees key 0 only
        // Sq = 3 > Skv = 2, causal: query 0 sees no key
        float[] q3 = {1, 1, ln3, 0, 0, 0};
        double[] blind = Reference64.attention(q3, k, v, 1, 1, 1, 3, 2, 2, true, 1);
        assertArrayEquals(new double[] {0, 0, 4, 8, 2, 6}, blind, 1e-6);
        // GQA: two query heads share one kv head
        double[] gqa = Reference64.attention(new float[] {ln3, 0, 0, 0}, k, v, 1, 2, 1, 1, 2, 2, false, 1);
        assertArrayEquals(new double[] {3, 7, 2, 6}, gqa, 1e-6);
    }

    @Test
    void attentionWithLengths() {
        float ln3 = (float) Math.log(3);
        float[] q = {ln3, 0, 0, 0};               // [1, 1, 2, 2]
        float[] k = {1, 0, 0, 1, Float.NaN, 0};   // [1, 1, 3, 2]: key 2 is padding (NaN, never used)
        float[] v = {4, 8, 0, 4, Float.NaN, 1};
        // L = 2 of Skv = 3: as attention over the first two keys
        assertArrayEquals(new double[] {3, 7, 2, 6}, Reference64.attention(q, k, v, 1, 1, 1, 2, 3, 2, false, 1, new int[] {2}), 1e-6);
        // causal with L = 2: query i sees keys j <= i + (L - Sq) = i, as before
        assertArrayEquals(new double[] {4, 8, 2, 6}, Reference64.attention(q, k, v, 1, 1, 1, 2, 3, 2, true, 1, new int[] {2}), 1e-6);
        // L = 1: both queries see key 0 only; causal query 0 sees nothing (0 + 1 - 2 < 0)
        assertArrayEquals(new double[] {4, 8, 4, 8}, Reference64.attention(q, k, v, 1, 1, 1, 2, 3, 2, false, 1, new int[] {1}), 1e-6);
        assertArrayEquals(new double[] {0, 0, 4, 8}, Reference64.attention(q, k, v, 1, 1, 1, 2, 3, 2, true, 1, new int[] {1}), 1e-6);
        // L = 0 and L < 0: zeros; L > Skv: clamped to Skv, NaN key included
        assertArrayEquals(new double[4], Reference64.attention(q, k, v, 1, 1, 1, 2, 3, 2, false, 1, new int[] {0}));
        assertArrayEquals(new double[4], Reference64.attention(q, k, v, 1, 1, 1, 2, 3, 2, true, 1, new int[] {-5}));
        for (double x : Reference64.attention(q, k, v, 1, 1, 1, 2, 3, 2, false, 1, new int[] {7})) {
            assertTrue(Double.isNaN(x));
        }
    }

    @Test
    void orderingRule() {
        assertTrue(Reference64.before(Double.NaN, 5, Double.POSITIVE_INFINITY, 0));
        assertTrue(Reference64.before(Double.NaN, 1, Double.NaN, 2));
        assertFalse(Reference64.before(Double.NaN, 2, Double.NaN, 1));
        assertTrue(Reference64.before(0.0, 1, -0.0, 2));
        assertTrue(Reference64.before(-0.0, 1, 0.0, 2));
        assertTrue(Reference64.before(2, 9, 1, 0));
        float[] x = {3, Float.NaN, 7, 7, -1, Float.NaN};
        assertArrayEquals(new int[] {1, 5, 2, 3}, Reference64.topKRow(x, 0, 6, 4));
        Reference64.Selection g = Reference64.topKGating(new float[] {0, 2, 2, 1}, 1, 4, 2, true);
        assertArrayEquals(new int[] {1, 2}, g.indices());
        assertArrayEquals(new double[] {0.5, 0.5}, g.values(), 1e-12);
        float[] none = {Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY};
        Reference64.Selection z = Reference64.topKGating(none, 1, 3, 2, true); // the contract: zeros, not 0 / 0
        assertArrayEquals(new int[] {0, 1}, z.indices());
        assertArrayEquals(new double[] {0, 0}, z.values(), 0);
    }

    /** The fast sort keys of topKRow order pairs exactly as the documented rule does. */
    @Test
    void sortKeysFollowTheOrderingRule() {
        float[] special = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f, Float.MIN_VALUE,
            -Float.MIN_VALUE, Float.MAX_VALUE, -Float.MAX_VALUE, 1, -1, 1.5f, Float.intBitsToFloat(0x7FC01234)};
        java.util.SplittableRandom r = new java.util.SplittableRandom(7);
        for (int trial = 0; trial < 200_000; trial++) {
            float a = trial % 3 == 0 ? special[r.nextInt(special.length)] : Float.intBitsToFloat(r.nextInt());
            float b = trial % 5 == 0 ? a : trial % 3 == 1 ? special[r.nextInt(special.length)] : Float.intBitsToFloat(r.nextInt());
            int i = r.nextInt(1 << 30), j = r.nextInt(1 << 30);
            if (i == j) {
                continue;
            }
            boolean rule = Reference64.before(a, i, b, j);
            boolean keys = Reference64.sortKey(a, i) < Reference64.sortKey(b, j);
            assertEquals(rule, keys, a + " at " + i + " vs " + b + " at " + j);
        }
    }

    @Test
    void relativeErrorLetsNoNanPass() {
        assertEquals(Double.POSITIVE_INFINITY, Reference64.relativeError(new float[] {Float.NaN}, new double[] {1}));
        assertEquals(Double.POSITIVE_INFINITY, Reference64.relativeError(new float[] {1}, new double[] {Double.NaN}));
        assertEquals(0, Reference64.relativeError(new float[] {Float.NaN}, new double[] {Double.NaN}));
        assertEquals(0.5, Reference64.relativeError(new float[] {3, 0}, new double[] {2, 0}), 1e-12);
    }

    // ---------------------------------------------------------------- elementwise and norm families

    /** The elementwise and norm references on inputs whose answers are known by hand. */
    @Test
    void elementwiseAndNorms() {
        assertArrayEquals(new double[] {11, 22, 13, 24}, Reference64.add(new float[] {10, 20, 12, 22}, new float[] {1, 2}));
        assertArrayEquals(new double[] {10, 40, 12, 44}, Reference64.mul(new float[] {10, 20, 12, 22}, new float[] {1, 2}));
        // gelu(1) = Phi(1) = 0.841344746068543; the tanh form gives 0.841191990608277 there
        assertArrayEquals(new double[] {0, 0.841344746068543, -0.158655253931457}, Reference64.gelu(new float[] {0, 1, -1}, false), 1e-14);
        assertEquals(0.841191990608277, Reference64.gelu(new float[] {1}, true)[0], 1e-14);
        assertEquals(0.731058578630005, Reference64.silu(1), 1e-14);
        assertTrue(Double.isNaN(Reference64.silu(Double.NEGATIVE_INFINITY)));
        assertArrayEquals(new double[] {2 * 0.731058578630005}, Reference64.swiglu(new float[] {1}, new float[] {2}), 1e-14);
        // [1, 2, 3]: mean 2, biased variance 2/3
        double s = Math.sqrt(1.5);
        assertArrayEquals(new double[] {-s, 0, s}, Reference64.layerNorm(new float[] {1, 2, 3}, 1, 3, new float[] {1, 1, 1},
                new float[] {0, 0, 0}, 0), 1e-12);
        assertArrayEquals(new double[] {5, 5}, Reference64.layerNorm(new float[] {7, 7}, 1, 2, new float[] {2, 3},
                new float[] {5, 5}, 1e-5), 0);
        // [3, 4]: mean square 12.5
        double r = Math.sqrt(12.5);
        assertArrayEquals(new double[] {3 / r, 2 * 4 / r}, Reference64.rmsNorm(new float[] {3, 4}, 1, 2, new float[] {1, 2}, 0), 1e-12);
        assertArrayEquals(new double[] {3 / r, 2 * 4 / r}, Reference64.addRmsNorm(new float[] {1, 1}, new float[] {2, 3}, 1, 2,
                new float[] {1, 2}, 0), 1e-12);
    }
}
