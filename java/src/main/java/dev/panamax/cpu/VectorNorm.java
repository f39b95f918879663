package dev.panamax.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link NormRow} on the Vector API. Sums run in four vector accumulators (four independent add
 * chains) over blocks of {@link #BLOCK} elements; each block's accumulators are added in a fixed
 * order and its lanes left to right into a double ({@link VectorSoftmax#sumLanes}), so a sum is
 * accurate and its bits do not depend on how the JIT would reduce lanes. The tail past the last
 * whole vector is added element by element, last. Arrays, never vectors, pass between methods.
 */
final class VectorNorm implements NormRow {
    static final VectorNorm INSTANCE = new VectorNorm();

    private static final VectorSpecies<Float> S = VectorExp.S;
    private static final int L = S.length();
    /** Elements per block of a sum (a multiple of 4 L). */
    private static final int BLOCK = 64 * L;
    /** What a pass does to each element before summing it. */
    private static final int PLAIN = 0, SHIFT = 1, SHIFT_SQUARE = 2;
    private static final ThreadLocal<float[]> LANES = ThreadLocal.withInitial(() -> new float[L]);

    private VectorNorm() {
    }

    @Override
    public double sum(float[] buf, int n) {
        return pass(buf, n, 0f, PLAIN);
    }

    @Override
    public double shiftSum(float[] buf, int n, float shift) {
        return pass(buf, n, shift, SHIFT);
    }

    @Override
    public double shiftSquares(float[] buf, int n, float shift) {
        return pass(buf, n, shift, SHIFT_SQUARE);
    }

    /** One pass: buf[i] -= shift unless PLAIN, and the sum of buf[i] (or its square). */
    private static double pass(float[] buf, int n, float shift, int kind) {
        float[] lanes = LANES.get();
        FloatVector vShift = FloatVector.broadcast(S, shift);
        int full = n / L * L;
        double sum = 0;
        for (int start = 0; start < full; start += BLOCK) {
            int end = Math.min(full, start + BLOCK);
            FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
            int i = start;
            for (; i <= end - 4 * L; i += 4 * L) {
                FloatVector v0 = FloatVector.fromArray(S, buf, i);
                FloatVector v1 = FloatVector.fromArray(S, buf, i + L);
                FloatVector v2 = FloatVector.fromArray(S, buf, i + 2 * L);
                FloatVector v3 = FloatVector.fromArray(S, buf, i + 3 * L);
                if (kind != PLAIN) {
                    v0 = v0.sub(vShift);
                    v1 = v1.sub(vShift);
                    v2 = v2.sub(vShift);
                    v3 = v3.sub(vShift);
                    v0.intoArray(buf, i);
                    v1.intoArray(buf, i + L);
                    v2.intoArray(buf, i + 2 * L);
                    v3.intoArray(buf, i + 3 * L);
                }
                if (kind == SHIFT_SQUARE) {
                    a0 = v0.fma(v0, a0);
                    a1 = v1.fma(v1, a1);
                    a2 = v2.fma(v2, a2);
                    a3 = v3.fma(v3, a3);
                } else {
                    a0 = a0.add(v0);
                    a1 = a1.add(v1);
                    a2 = a2.add(v2);
                    a3 = a3.add(v3);
                }
            }
            for (; i < end; i += L) {
                FloatVector v = FloatVector.fromArray(S, buf, i);
                if (kind != PLAIN) {
                    v = v.sub(vShift);
                    v.intoArray(buf, i);
                }
                a0 = kind == SHIFT_SQUARE ? v.fma(v, a0) : a0.add(v);
            }
            a0.add(a1).add(a2.add(a3)).intoArray(lanes, 0);
            sum += VectorSoftmax.sumLanes(lanes);
        }
        for (int i = full; i < n; i++) {
            float v = kind == PLAIN ? buf[i] : (buf[i] -= shift);
            sum += kind == SHIFT_SQUARE ? (double) v * v : v;
        }
        return sum;
    }

    @Override
    public void normalize(float[] buf, int n, float shift, float scale, float[] gamma, float[] beta, int at) {
        int full = n / L * L;
        int i = 0;
        for (; i < full; i += L) {
            FloatVector v = FloatVector.fromArray(S, buf, i).sub(shift).mul(scale);
            FloatVector g = FloatVector.fromArray(S, gamma, at + i);
            (beta == null ? v.mul(g) : v.fma(g, FloatVector.fromArray(S, beta, at + i))).intoArray(buf, i);
        }
        for (; i < n; i++) {
            float v = (buf[i] - shift) * scale;
            buf[i] = beta == null ? v * gamma[at + i] : Math.fma(v, gamma[at + i], beta[at + i]);
        }
    }
}
