package dev.panamax.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link RopeRow} on the Vector API. Pairs (i, i + pairs): the two halves a vector at a time,
 * tables [pairs]. Pairs (2i, 2i + 1): tables expanded to [2 * pairs], cos repeated
 * (c0, c0, c1, c1, ...) and sin signed (-s0, s0, -s1, s1, ...), so that a vector of the row
 * becomes x * cos + swap(x) * sin, swap exchanging the two lanes of each pair. Tails by masks.
 */
final class VectorRope implements RopeRow {
    static final VectorRope HALVES = new VectorRope(false);
    static final VectorRope INTERLEAVED = new VectorRope(true);

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();
    private static final VectorShuffle<Float> SWAP = VectorShuffle.fromOp(F, i -> i ^ 1);

    private final boolean interleaved;

    private VectorRope(boolean interleaved) {
        this.interleaved = interleaved;
    }

    @Override
    public void tables(float position, float[] inv, int pairs, float[] cos, float[] sin) {
        RopeRow.angles(position, inv, pairs, cos, sin);
        if (interleaved) {
            for (int i = pairs - 1; i >= 0; i--) { // from the top: slot 2i and 2i + 1 are at or past i
                float c = cos[i], s = sin[i];
                cos[2 * i] = c;
                cos[2 * i + 1] = c;
                sin[2 * i] = -s;
                sin[2 * i + 1] = s;
            }
        }
    }

    @Override
    public void rotate(float[] row, int pairs, float[] cos, float[] sin, int at) {
        if (interleaved) {
            int n = 2 * pairs, j = 0;
            for (; j <= n - L; j += L) {
                FloatVector x = FloatVector.fromArray(F, row, j);
                FloatVector r = x.mul(FloatVector.fromArray(F, cos, at + j))
                        .add(x.rearrange(SWAP).mul(FloatVector.fromArray(F, sin, at + j)));
                r.intoArray(row, j);
            }
            if (j < n) { // n is even and L a power of two: the tail holds whole pairs
                VectorMask<Float> m = F.indexInRange(j, n);
                FloatVector x = FloatVector.fromArray(F, row, j, m);
                FloatVector r = x.mul(FloatVector.fromArray(F, cos, at + j, m))
                        .add(x.rearrange(SWAP).mul(FloatVector.fromArray(F, sin, at + j, m)));
                r.intoArray(row, j, m);
            }
            return;
        }
        int i = 0;
        for (; i <= pairs - L; i += L) {
            FloatVector x1 = FloatVector.fromArray(F, row, i), x2 = FloatVector.fromArray(F, row, i + pairs);
            FloatVector c = FloatVector.fromArray(F, cos, at + i), s = FloatVector.fromArray(F, sin, at + i);
            x1.mul(c).sub(x2.mul(s)).intoArray(row, i);
            x1.mul(s).add(x2.mul(c)).intoArray(row, i + pairs);
        }
        if (i < pairs) {
            VectorMask<Float> m = F.indexInRange(i, pairs);
            FloatVector x1 = FloatVector.fromArray(F, row, i, m), x2 = FloatVector.fromArray(F, row, i + pairs, m);
            FloatVector c = FloatVector.fromArray(F, cos, at + i, m), s = FloatVector.fromArray(F, sin, at + i, m);
            x1.mul(c).sub(x2.mul(s)).intoArray(row, i, m);
            x1.mul(s).add(x2.mul(c)).intoArray(row, i + pairs, m);
        }
    }
}
