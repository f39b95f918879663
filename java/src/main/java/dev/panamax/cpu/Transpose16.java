package dev.panamax.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * A 16 x 16 float transpose in registers (512-bit vectors): four rounds of two-source
 * rearranges, exchanging blocks of 8, 4, 2 and 1 lanes between row pairs (i, i + 8), (i, i + 4), ...
 * Sixteen loads, 64 rearranges and sixteen stores per 256 elements.
 */
final class Transpose16 {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_512;
    private static final VectorShuffle<Float> LO8 = lo(8), HI8 = hi(8), LO4 = lo(4), HI4 = hi(4);
    private static final VectorShuffle<Float> LO2 = lo(2), HI2 = hi(2), LO1 = lo(1), HI1 = hi(1);

    private Transpose16() {
    }

    /**
     * Lane l of the first row of a pair after exchanging blocks of b: from the first row, or from
     * the second (indices 16 and up wrap to exceptional indices, which select the second vector).
     */
    private static VectorShuffle<Float> lo(int b) {
        int[] idx = new int[16];
        for (int l = 0; l < 16; l++) {
            idx[l] = (l & b) == 0 ? l : 16 + l - b;
        }
        return VectorShuffle.fromArray(S, idx, 0);
    }

    private static VectorShuffle<Float> hi(int b) {
        int[] idx = new int[16];
        for (int l = 0; l < 16; l++) {
            idx[l] = (l & b) == 0 ? l + b : 16 + l;
        }
        return VectorShuffle.fromArray(S, idx, 0);
    }

    /** dst[d + c * ldd + r] = src[s + r * ld + c] for r, c &lt; 16. */
    static void block(float[] src, int s, int ld, float[] dst, int d, int ldd) {
        FloatVector r0 = FloatVector.fromArray(S, src, s), r1 = FloatVector.fromArray(S, src, s + ld);
        FloatVector r2 = FloatVector.fromArray(S, src, s + 2 * ld), r3 = FloatVector.fromArray(S, src, s + 3 * ld);
        FloatVector r4 = FloatVector.fromArray(S, src, s + 4 * ld), r5 = FloatVector.fromArray(S, src, s + 5 * ld);
        FloatVector r6 = FloatVector.fromArray(S, src, s + 6 * ld), r7 = FloatVector.fromArray(S, src, s + 7 * ld);
        FloatVector r8 = FloatVector.fromArray(S, src, s + 8 * ld), r9 = FloatVector.fromArray(S, src, s + 9 * ld);
        FloatVector ra = FloatVector.fromArray(S, src, s + 10 * ld), rb = FloatVector.fromArray(S, src, s + 11 * ld);
        FloatVector rc = FloatVector.fromArray(S, src, s + 12 * ld), rd = FloatVector.fromArray(S, src, s + 13 * ld);
        FloatVector re = FloatVector.fromArray(S, src, s + 14 * ld), rf = FloatVector.fromArray(S, src, s + 15 * ld);
        FloatVector t0 = r0.rearrange(LO8, r8), t8 = r0.rearrange(HI8, r8);
        FloatVector t1 = r1.rearrange(LO8, r9), t9 = r1.rearrange(HI8, r9);
        FloatVector t2 = r2.rearrange(LO8, ra), ta = r2.rearrange(HI8, ra);
        FloatVector t3 = r3.rearrange(LO8, rb), tb = r3.rearrange(HI8, rb);
        FloatVector t4 = r4.rearrange(LO8, rc), tc = r4.rearrange(HI8, rc);
        FloatVector t5 = r5.rearrange(LO8, rd), td = r5.rearrange(HI8, rd);
        FloatVector t6 = r6.rearrange(LO8, re), te = r6.rearrange(HI8, re);
        FloatVector t7 = r7.rearrange(LO8, rf), tf = r7.rearrange(HI8, rf);
        r0 = t0.rearrange(LO4, t4);
        r4 = t0.rearrange(HI4, t4);
        r1 = t1.rearrange(LO4, t5);
        r5 = t1.rearrange(HI4, t5);
        r2 = t2.rearrange(LO4, t6);
        r6 = t2.rearrange(HI4, t6);
        r3 = t3.rearrange(LO4, t7);
        r7 = t3.rearrange(HI4, t7);
        r8 = t8.rearrange(LO4, tc);
        rc = t8.rearrange(HI4, tc);
        r9 = t9.rearrange(LO4, td);
        rd = t9.rearrange(HI4, td);
        ra = ta.rearrange(LO4, te);
        re = ta.rearrange(HI4, te);
        rb = tb.rearrange(LO4, tf);
        rf = tb.rearrange(HI4, tf);
        t0 = r0.rearrange(LO2, r2);
        t2 = r0.rearrange(HI2, r2);
        t1 = r1.rearrange(LO2, r3);
        t3 = r1.rearrange(HI2, r3);
        t4 = r4.rearrange(LO2, r6);
        t6 = r4.rearrange(HI2, r6);
        t5 = r5.rearrange(LO2, r7);
        t7 = r5.rearrange(HI2, r7);
        t8 = r8.rearrange(LO2, ra);
        ta = r8.rearrange(HI2, ra);
        t9 = r9.rearrange(LO2, rb);
        tb = r9.rearrange(HI2, rb);
        tc = rc.rearrange(LO2, re);
        te = rc.rearrange(HI2, re);
        td = rd.rearrange(LO2, rf);
        tf = rd.rearrange(HI2, rf);
        t0.rearrange(LO1, t1).intoArray(dst, d);
        t0.rearrange(HI1, t1).intoArray(dst, d + ldd);
        t2.rearrange(LO1, t3).intoArray(dst, d + 2 * ldd);
        t2.rearrange(HI1, t3).intoArray(dst, d + 3 * ldd);
        t4.rearrange(LO1, t5).intoArray(dst, d + 4 * ldd);
        t4.rearrange(HI1, t5).intoArray(dst, d + 5 * ldd);
        t6.rearrange(LO1, t7).intoArray(dst, d + 6 * ldd);
        t6.rearrange(HI1, t7).intoArray(dst, d + 7 * ldd);
        t8.rearrange(LO1, t9).intoArray(dst, d + 8 * ldd);
        t8.rearrange(HI1, t9).intoArray(dst, d + 9 * ldd);
        ta.rearrange(LO1, tb).intoArray(dst, d + 10 * ldd);
        ta.rearrange(HI1, tb).intoArray(dst, d + 11 * ldd);
        tc.rearrange(LO1, td).intoArray(dst, d + 12 * ldd);
        tc.rearrange(HI1, td).intoArray(dst, d + 13 * ldd);
        te.rearrange(LO1, tf).intoArray(dst, d + 14 * ldd);
        te.rearrange(HI1, tf).intoArray(dst, d + 15 * ldd);
    }
}
