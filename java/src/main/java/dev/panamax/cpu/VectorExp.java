package dev.panamax.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * exp on float lanes for arguments &lt;= 0 (softmax's x - max), within 2 ulp: n = round(x / ln 2)
 * by the 1.5 * 2^23 trick, r = x - n ln 2 in two parts (Cody-Waite), exp(r) by a degree-7
 * polynomial (Cephes' expf coefficients) on |r| &lt;= ln 2 / 2, times 2^n built in the exponent
 * field. Arguments below -87.3 (results under the smallest normal float) give 0, -inf gives 0,
 * NaN stays NaN. Every step is a lane-wise IEEE operation: the bits are the same compiled or
 * interpreted.
 *
 * <p>The entry point takes and returns arrays, not vectors, and holds the whole polynomial in its
 * loop body: a vector passed across a call that C2 does not inline is boxed on the heap, which
 * costs more than the arithmetic.
 */
final class VectorExp {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    private static final float ROUND = 0x1.8p23f;
    private static final float LOWEST = -87.33654f;
    private static final float P0 = 1.9875691500e-4f;
    private static final float P1 = 1.3981999507e-3f;
    private static final float P2 = 8.3334519073e-3f;
    private static final float P3 = 4.1665795894e-2f;
    private static final float P4 = 1.6666665459e-1f;
    private static final float P5 = 5.0000001201e-1f;

    private VectorExp() {
    }

    /**
     * buf[i] = exp(buf[i] - shift) * mul for i in [from, to), a whole number of vectors; adds the
     * results lane by lane into {@code lanes[lanesAt, lanesAt + L)} unless lanes is null.
     */
    static void expShift(float[] buf, int from, int to, float shift, float mul, float[] lanes, int lanesAt) {
        int l = S.length();
        FloatVector vShift = FloatVector.broadcast(S, shift);
        boolean sum = lanes != null;
        FloatVector acc = sum ? FloatVector.fromArray(S, lanes, lanesAt) : FloatVector.zero(S);
        for (int i = from; i < to; i += l) {
            FloatVector y = exp(FloatVector.fromArray(S, buf, i).sub(vShift)).mul(mul);
            y.intoArray(buf, i);
            if (sum) {
                acc = acc.add(y);
            }
        }
        if (sum) {
            acc.intoArray(lanes, lanesAt);
        }
    }

    /**
     * exp(x) on every lane, x &lt;= 0 (see the class comment). Small enough that C2 inlines it into
     * the loops that call it, so the vector never leaves registers.
     */
    static FloatVector exp(FloatVector x) {
        FloatVector n = x.fma(LOG2E, ROUND).sub(ROUND);
        FloatVector r = n.fma(FloatVector.broadcast(S, -LN2_HI), x);
        r = n.fma(FloatVector.broadcast(S, -LN2_LO), r);
        FloatVector p = r.fma(P0, P1);
        p = p.fma(r, FloatVector.broadcast(S, P2));
        p = p.fma(r, FloatVector.broadcast(S, P3));
        p = p.fma(r, FloatVector.broadcast(S, P4));
        p = p.fma(r, FloatVector.broadcast(S, P5));
        p = p.fma(r.mul(r), r).add(1f);
        IntVector bits = ((IntVector) n.convert(VectorOperators.F2I, 0)).add(127).lanewise(VectorOperators.LSHL, 23);
        return p.mul(bits.reinterpretAsFloats()).blend(0f, x.compare(VectorOperators.LT, LOWEST));
    }
}
