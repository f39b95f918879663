package dev.panamax.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * An 8 x 8 float transpose in registers (256-bit vectors), {@link Transpose16}'s scheme with three
 * rounds: blocks of 4, 2 and 1 lanes exchanged between row pairs (i, i + 4), (i, i + 2), (i, i +
 * 1), each output one single-source rearrange and one blend with constant shuffles and masks.
 */
final class Transpose8 {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_256;
    private static final VectorShuffle<Float> UP4 = Transpose16.up(S, 4), UP2 = Transpose16.up(S, 2),
            UP1 = Transpose16.up(S, 1);
    private static final VectorShuffle<Float> DOWN4 = Transpose16.down(S, 4), DOWN2 = Transpose16.down(S, 2),
            DOWN1 = Transpose16.down(S, 1);
    private static final VectorMask<Float> HIGH4 = Transpose16.high(S, 4), HIGH2 = Transpose16.high(S, 2),
            HIGH1 = Transpose16.high(S, 1);

    private Transpose8() {
    }

    /** dst[d + c * ldd + r] = src[s + r * ld + c] for r, c &lt; 8. */
    static void block(float[] src, int s, int ld, float[] dst, int d, int ldd) {
        FloatVector r0 = FloatVector.fromArray(S, src, s), r1 = FloatVector.fromArray(S, src, s + ld);
        FloatVector r2 = FloatVector.fromArray(S, src, s + 2 * ld), r3 = FloatVector.fromArray(S, src, s + 3 * ld);
        FloatVector r4 = FloatVector.fromArray(S, src, s + 4 * ld), r5 = FloatVector.fromArray(S, src, s + 5 * ld);
        FloatVector r6 = FloatVector.fromArray(S, src, s + 6 * ld), r7 = FloatVector.fromArray(S, src, s + 7 * ld);
        // round 1: (i, i + 4); the first of a pair keeps its low half and takes the partner's low half up
        FloatVector t0 = r0.blend(r4.rearrange(UP4), HIGH4), t4 = r0.rearrange(DOWN4).blend(r4, HIGH4);
        FloatVector t1 = r1.blend(r5.rearrange(UP4), HIGH4), t5 = r1.rearrange(DOWN4).blend(r5, HIGH4);
        FloatVector t2 = r2.blend(r6.rearrange(UP4), HIGH4), t6 = r2.rearrange(DOWN4).blend(r6, HIGH4);
        FloatVector t3 = r3.blend(r7.rearrange(UP4), HIGH4), t7 = r3.rearrange(DOWN4).blend(r7, HIGH4);
        // round 2: (i, i + 2) within each half
        r0 = t0.blend(t2.rearrange(UP2), HIGH2);
        r2 = t0.rearrange(DOWN2).blend(t2, HIGH2);
        r1 = t1.blend(t3.rearrange(UP2), HIGH2);
        r3 = t1.rearrange(DOWN2).blend(t3, HIGH2);
        r4 = t4.blend(t6.rearrange(UP2), HIGH2);
        r6 = t4.rearrange(DOWN2).blend(t6, HIGH2);
        r5 = t5.blend(t7.rearrange(UP2), HIGH2);
        r7 = t5.rearrange(DOWN2).blend(t7, HIGH2);
        // round 3: (i, i + 1), stored as the output rows
        r0.blend(r1.rearrange(UP1), HIGH1).intoArray(dst, d);
        r0.rearrange(DOWN1).blend(r1, HIGH1).intoArray(dst, d + ldd);
        r2.blend(r3.rearrange(UP1), HIGH1).intoArray(dst, d + 2 * ldd);
        r2.rearrange(DOWN1).blend(r3, HIGH1).intoArray(dst, d + 3 * ldd);
        r4.blend(r5.rearrange(UP1), HIGH1).intoArray(dst, d + 4 * ldd);
        r4.rearrange(DOWN1).blend(r5, HIGH1).intoArray(dst, d + 5 * ldd);
        r6.blend(r7.rearrange(UP1), HIGH1).intoArray(dst, d + 6 * ldd);
        r6.rearrange(DOWN1).blend(r7, HIGH1).intoArray(dst, d + 7 * ldd);
    }
}
