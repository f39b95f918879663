package dev.panamax.cpu;

import dev.panamax.DType;

import java.lang.foreign.MemorySegment;

/** {@link NormRow} in plain Java: sums in double, element by element. */
final class ScalarNorm implements NormRow {
    static final ScalarNorm INSTANCE = new ScalarNorm();

    private ScalarNorm() {
    }

    @Override
    public double loadSum(MemorySegment x, DType t, long at, float[] buf, int n) {
        Elements.load(x, t, at, buf, 0, n);
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += buf[i];
        }
        return s;
    }

    @Override
    public double loadSquares(MemorySegment x, DType t, long at, float[] buf, int n) {
        Elements.load(x, t, at, buf, 0, n);
        return squares(buf, n);
    }

    @Override
    public double addSquares(MemorySegment x, MemorySegment residual, DType t, long at, float[] buf, float[] other, int n,
                             boolean store) {
        Elements.load(x, t, at, buf, 0, n);
        Elements.load(residual, t, at, other, 0, n);
        for (int i = 0; i < n; i++) {
            buf[i] += other[i];
        }
        if (store) {
            Elements.store(buf, 0, residual, t, at, n);
        }
        return squares(buf, n);
    }

    private static double squares(float[] buf, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += (double) buf[i] * buf[i];
        }
        return s;
    }

    @Override
    public void moments(float[] buf, int n, float shift, double[] sums) {
        sums[0] = 0;
        sums[1] = 0;
        addMoments(buf, 0, n, shift, sums);
    }

    /** Adds the sum of d = buf[i] - shift over [from, to) to sums[0], the sum of d^2 to sums[1]. */
    static void addMoments(float[] buf, int from, int to, float shift, double[] sums) {
        double s = 0, q = 0;
        for (int i = from; i < to; i++) {
            float d = buf[i] - shift;
            s += d;
            q += (double) d * d;
        }
        sums[0] += s;
        sums[1] += q;
    }

    @Override
    public void normalizeStore(float[] buf, int n, float hi, float lo, float scale, float[] gamma, float[] beta, int at,
                               MemorySegment out, DType t, long outAt) {
        for (int i = 0; i < n; i++) {
            buf[i] = normalized(buf[i], hi, lo, scale, gamma, beta, at + i);
        }
        Elements.store(buf, 0, out, t, outAt, n);
    }

    /** One element of {@link #normalizeStore}: ((x - hi) - lo) * scale * gamma[j] (+ beta[j], fused). */
    static float normalized(float x, float hi, float lo, float scale, float[] gamma, float[] beta, int j) {
        float v = ((x - hi) - lo) * scale;
        return beta == null ? v * gamma[j] : Math.fma(v, gamma[j], beta[j]);
    }
}
