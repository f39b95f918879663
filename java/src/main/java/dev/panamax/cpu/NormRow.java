package dev.panamax.cpu;

import dev.panamax.DType;

import java.lang.foreign.MemorySegment;

/**
 * The passes a row norm makes over a row (or a chunk of one), Vector API when present, scalar
 * Java otherwise; {@link CpuNorm} composes them. A row is read from memory once, by the first
 * pass, into a per-thread float buffer (n + {@link #PAD} floats) while that pass takes its first
 * sum; the statistics then come from the buffer (in L1 or L2), and the last pass writes the
 * output from it. Sums are returned in double, added in a fixed order, so results are
 * deterministic.
 */
interface NormRow {
    /** Spare floats a buffer needs past the row. */
    int PAD = 16;

    /** buf = x[at, at + n) widened; returns the sum of the values. */
    double loadSum(MemorySegment x, DType t, long at, float[] buf, int n);

    /** buf = x[at, at + n) widened; returns the sum of their squares. */
    double loadSquares(MemorySegment x, DType t, long at, float[] buf, int n);

    /**
     * buf = s = x + residual over [at, at + n), in F32 (other is scratch); when {@code store}, s
     * rounded into residual too. Returns the sum of the squares of s.
     */
    double addSquares(MemorySegment x, MemorySegment residual, DType t, long at, float[] buf, float[] other, int n,
                      boolean store);

    /** sums[0] = the sum of d = buf - shift (in float), sums[1] = the sum of d^2; buf unchanged. */
    void moments(float[] buf, int n, float shift, double[] sums);

    /**
     * out[outAt + i] = ((buf[i] - hi) - lo) * scale * gamma[at + i] + beta[at + i] (without beta
     * when it is null), the last step one fused multiply-add, rounded to t; buf may be overwritten.
     */
    void normalizeStore(float[] buf, int n, float hi, float lo, float scale, float[] gamma, float[] beta, int at,
                        MemorySegment out, DType t, long outAt);

    /**
     * addRmsNorm's previous row and next row in one pass, so that a thread reads and writes memory
     * at the same time rather than in turns: out[outAt, outAt + n) = prev normalized as
     * {@link #normalizeStore} with mean 0 and no beta (gamma from element 0), while the
     * next row's s = x + residual is formed into buf and rounded into residual, as
     * {@link #addSquares} with store; returns the sum of the squares of s with the same bits. prev
     * and buf are distinct; out is x, whose rows [outAt, outAt + n) and [at, at + n) are distinct.
     * This default makes the two passes in turn.
     */
    default double storeAddSquares(float[] prev, float scale, float[] gamma, MemorySegment out, long outAt, MemorySegment x,
                                   MemorySegment residual, DType t, long at, float[] buf, float[] other, int n) {
        normalizeStore(prev, n, 0f, 0f, scale, gamma, null, 0, out, t, outAt);
        return addSquares(x, residual, t, at, buf, other, n, true);
    }

    static NormRow get() {
        return CpuSimd.VECTOR ? VectorNorm.INSTANCE : ScalarNorm.INSTANCE;
    }
}
