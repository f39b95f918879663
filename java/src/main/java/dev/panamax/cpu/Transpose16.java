package dev.panamax.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * A 16 x 16 float transpose in registers (512-bit vectors): four rounds exchanging blocks of 8,
 * 4, 2 and 1 lanes between row pairs (i, i + 8), (i, i + 4), ... Each output of a round is one
 * single-source rearrange and one blend with constant shuffles and masks, the forms C2 compiles
 * to single instructions (the two-vector rearrange falls back to Java code on JDK 25).
 */
final class Transpose16 {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_512;
    private static final VectorShuffle<Float> UP8 = up(S, 8), UP4 = up(S, 4), UP2 = up(S, 2), UP1 = up(S, 1);
    private static final VectorShuffle<Float> DOWN8 = down(S, 8), DOWN4 = down(S, 4), DOWN2 = down(S, 2),
            DOWN1 = down(S, 1);
    private static final VectorMask<Float> HIGH8 = high(S, 8), HIGH4 = high(S, 4), HIGH2 = high(S, 2),
            HIGH1 = high(S, 1);

    private Transpose16() {
    }

    /** Lane l takes lane l - b (for the lanes with bit b set), in species s (also {@link Transpose8}'s). */
    static VectorShuffle<Float> up(VectorSpecies<Float> s, int b) {
        int n = s.length();
        int[] idx = new int[n];
        for (int l = 0; l < n; l++) {
            idx[l] = (l & b) != 0 ? l - b : l;
        }
        return VectorShuffle.fromArray(s, idx, 0);
    }

    /** Lane l takes lane l + b (for the lanes with bit b clear). */
    static VectorShuffle<Float> down(VectorSpecies<Float> s, int b) {
        int n = s.length();
        int[] idx = new int[n];
        for (int l = 0; l < n; l++) {
            idx[l] = (l & b) == 0 ? l + b : l;
        }
        return VectorShuffle.fromArray(s, idx, 0);
    }

    /** The lanes with bit b set. */
    static VectorMask<Float> high(VectorSpecies<Float> s, int b) {
        int n = s.length();
        boolean[] bits = new boolean[n];
        for (int l = 0; l < n; l++) {
            bits[l] = (l & b) != 0;
        }
        return VectorMask.fromArray(s, bits, 0);
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
        // round 1: (i, i + 8); the first of a pair keeps its low half and takes the partner's low half up
        FloatVector t0 = r0.blend(r8.rearrange(UP8), HIGH8), t8 = r0.rearrange(DOWN8).blend(r8, HIGH8);
        FloatVector t1 = r1.blend(r9.rearrange(UP8), HIGH8), t9 = r1.rearrange(DOWN8).blend(r9, HIGH8);
        FloatVector t2 = r2.blend(ra.rearrange(UP8), HIGH8), ta = r2.rearrange(DOWN8).blend(ra, HIGH8);
        FloatVector t3 = r3.blend(rb.rearrange(UP8), HIGH8), tb = r3.rearrange(DOWN8).blend(rb, HIGH8);
        FloatVector t4 = r4.blend(rc.rearrange(UP8), HIGH8), tc = r4.rearrange(DOWN8).blend(rc, HIGH8);
        FloatVector t5 = r5.blend(rd.rearrange(UP8), HIGH8), td = r5.rearrange(DOWN8).blend(rd, HIGH8);
        FloatVector t6 = r6.blend(re.rearrange(UP8), HIGH8), te = r6.rearrange(DOWN8).blend(re, HIGH8);
        FloatVector t7 = r7.blend(rf.rearrange(UP8), HIGH8), tf = r7.rearrange(DOWN8).blend(rf, HIGH8);
        // round 2: (i, i + 4) within each half
        r0 = t0.blend(t4.rearrange(UP4), HIGH4);
        r4 = t0.rearrange(DOWN4).blend(t4, HIGH4);
        r1 = t1.blend(t5.rearrange(UP4), HIGH4);
        r5 = t1.rearrange(DOWN4).blend(t5, HIGH4);
        r2 = t2.blend(t6.rearrange(UP4), HIGH4);
        r6 = t2.rearrange(DOWN4).blend(t6, HIGH4);
        r3 = t3.blend(t7.rearrange(UP4), HIGH4);
        r7 = t3.rearrange(DOWN4).blend(t7, HIGH4);
        r8 = t8.blend(tc.rearrange(UP4), HIGH4);
        rc = t8.rearrange(DOWN4).blend(tc, HIGH4);
        r9 = t9.blend(td.rearrange(UP4), HIGH4);
        rd = t9.rearrange(DOWN4).blend(td, HIGH4);
        ra = ta.blend(te.rearrange(UP4), HIGH4);
        re = ta.rearrange(DOWN4).blend(te, HIGH4);
        rb = tb.blend(tf.rearrange(UP4), HIGH4);
        rf = tb.rearrange(DOWN4).blend(tf, HIGH4);
        // round 3: (i, i + 2)
        t0 = r0.blend(r2.rearrange(UP2), HIGH2);
        t2 = r0.rearrange(DOWN2).blend(r2, HIGH2);
        t1 = r1.blend(r3.rearrange(UP2), HIGH2);
        t3 = r1.rearrange(DOWN2).blend(r3, HIGH2);
        t4 = r4.blend(r6.rearrange(UP2), HIGH2);
        t6 = r4.rearrange(DOWN2).blend(r6, HIGH2);
        t5 = r5.blend(r7.rearrange(UP2), HIGH2);
        t7 = r5.rearrange(DOWN2).blend(r7, HIGH2);
        t8 = r8.blend(ra.rearrange(UP2), HIGH2);
        ta = r8.rearrange(DOWN2).blend(ra, HIGH2);
        t9 = r9.blend(rb.rearrange(UP2), HIGH2);
        tb = r9.rearrange(DOWN2).blend(rb, HIGH2);
        tc = rc.blend(re.rearrange(UP2), HIGH2);
        te = rc.rearrange(DOWN2).blend(re, HIGH2);
        td = rd.blend(rf.rearrange(UP2), HIGH2);
        tf = rd.rearrange(DOWN2).blend(rf, HIGH2);
        // round 4: (i, i + 1), stored as the output rows
        t0.blend(t1.rearrange(UP1), HIGH1).intoArray(dst, d);
        t0.rearrange(DOWN1).blend(t1, HIGH1).intoArray(dst, d + ldd);
        t2.blend(t3.rearrange(UP1), HIGH1).intoArray(dst, d + 2 * ldd);
        t2.rearrange(DOWN1).blend(t3, HIGH1).intoArray(dst, d + 3 * ldd);
        t4.blend(t5.rearrange(UP1), HIGH1).intoArray(dst, d + 4 * ldd);
        t4.rearrange(DOWN1).blend(t5, HIGH1).intoArray(dst, d + 5 * ldd);
        t6.blend(t7.rearrange(UP1), HIGH1).intoArray(dst, d + 6 * ldd);
        t6.rearrange(DOWN1).blend(t7, HIGH1).intoArray(dst, d + 7 * ldd);
        t8.blend(t9.rearrange(UP1), HIGH1).intoArray(dst, d + 8 * ldd);
        t8.rearrange(DOWN1).blend(t9, HIGH1).intoArray(dst, d + 9 * ldd);
        ta.blend(tb.rearrange(UP1), HIGH1).intoArray(dst, d + 10 * ldd);
        ta.rearrange(DOWN1).blend(tb, HIGH1).intoArray(dst, d + 11 * ldd);
        tc.blend(td.rearrange(UP1), HIGH1).intoArray(dst, d + 12 * ldd);
        tc.rearrange(DOWN1).blend(td, HIGH1).intoArray(dst, d + 13 * ldd);
        te.blend(tf.rearrange(UP1), HIGH1).intoArray(dst, d + 14 * ldd);
        te.rearrange(DOWN1).blend(tf, HIGH1).intoArray(dst, d + 15 * ldd);
    }
}
