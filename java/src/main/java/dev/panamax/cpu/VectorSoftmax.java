package dev.panamax.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.util.Arrays;

/**
 * {@link SoftmaxRow} on the Vector API with {@link VectorExp}. The row is padded with -inf to
 * whole vectors (exp gives 0 there), so every loop runs on full vectors. Sums run in a vector
 * accumulator over blocks of {@link #BLOCK} elements, each block's lanes added in a fixed order
 * into a double, so the sum is accurate and its bits do not depend on how the JIT would reduce
 * lanes. Methods here pass arrays, never vectors, between each other (see {@link VectorExp}).
 */
final class VectorSoftmax implements SoftmaxRow {
    static final VectorSoftmax INSTANCE = new VectorSoftmax();

    private static final VectorSpecies<Float> S = VectorExp.S;
    private static final int L = S.length();
    private static final int BLOCK = 64 * L;

    private VectorSoftmax() {
    }

    /** n rounded up to whole vectors, the tail filled with -inf. */
    private static int pad(float[] buf, int n) {
        int nv = (n + L - 1) / L * L;
        Arrays.fill(buf, n, nv, Float.NEGATIVE_INFINITY);
        return nv;
    }

    @Override
    public void softmax(float[] buf, int n) {
        int nv = pad(buf, n);
        float max = max(buf, 0, nv);
        if (max == Float.NEGATIVE_INFINITY) {
            Arrays.fill(buf, 0, n, 0f);
            return;
        }
        float inv = (float) (1 / expSum(buf, nv, max));
        for (int i = 0; i < nv; i += L) {
            FloatVector.fromArray(S, buf, i).mul(inv).intoArray(buf, i);
        }
    }

    @Override
    public void maxSum(float[] buf, int n, float[] ms) {
        int nv = pad(buf, n);
        float max = max(buf, 0, nv);
        ms[0] = max;
        // the exps overwrite buf: callers reload the chunk for the write pass
        ms[1] = max == Float.NEGATIVE_INFINITY ? 0f : (float) expSum(buf, nv, max);
    }

    @Override
    public void scaleExp(float[] buf, int n, float max, float inv) {
        if (max == Float.NEGATIVE_INFINITY) {
            Arrays.fill(buf, 0, n, 0f);
            return;
        }
        int nv = pad(buf, n);
        VectorExp.expShift(buf, 0, nv, max, inv, new float[L]);
    }

    /**
     * Max of buf[from, nv), nv - from a multiple of L; NaN if any is NaN. Four accumulators, because a
     * lane-wise max with Java's NaN and -0.0 rules is a chain of several instructions.
     */
    static float max(float[] buf, int from, int nv) {
        FloatVector m0 = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY), m1 = m0, m2 = m0, m3 = m0;
        int i = from;
        for (; i <= nv - 4 * L; i += 4 * L) {
            m0 = m0.max(FloatVector.fromArray(S, buf, i));
            m1 = m1.max(FloatVector.fromArray(S, buf, i + L));
            m2 = m2.max(FloatVector.fromArray(S, buf, i + 2 * L));
            m3 = m3.max(FloatVector.fromArray(S, buf, i + 3 * L));
        }
        for (; i < nv; i += L) {
            m0 = m0.max(FloatVector.fromArray(S, buf, i));
        }
        return m0.max(m1).max(m2.max(m3)).reduceLanes(VectorOperators.MAX);
    }

    /** buf = exp(buf - max) over [0, nv); returns the sum, block by block in double. */
    private static double expSum(float[] buf, int nv, float max) {
        float[] lanes = new float[L];
        double sum = 0;
        for (int start = 0; start < nv; start += BLOCK) {
            Arrays.fill(lanes, 0f);
            VectorExp.expShift(buf, start, Math.min(nv, start + BLOCK), max, 1f, lanes);
            sum += sumLanes(lanes);
        }
        return sum;
    }

    /** The lanes added left to right in double: a fixed order, unlike reduceLanes(ADD). */
    static double sumLanes(float[] lanes) {
        double s = 0;
        for (float v : lanes) {
            s += v;
        }
        return s;
    }
}
