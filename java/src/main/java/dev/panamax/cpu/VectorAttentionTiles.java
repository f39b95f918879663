package dev.panamax.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.util.Arrays;

/**
 * {@link AttentionTiles} on the Vector API, with per-row scalar work kept out of the loop: each
 * row's max and sum are first folded to one vector of L partial lanes, then the [rows, L]
 * partials are transposed so that the lane reductions of L rows at a time are plain vector
 * operations in a fixed order; the new maxima, rescale factors (one {@link VectorExp} call for
 * the tile) and sums are vectors over rows.
 */
final class VectorAttentionTiles implements AttentionTiles {
    static final VectorAttentionTiles INSTANCE = new VectorAttentionTiles();

    private static final VectorSpecies<Float> S = VectorExp.S;
    private static final int L = S.length();
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private VectorAttentionTiles() {
    }

    /** Partials [rows, L] and their transpose, grown on demand; one per worker thread. */
    private static final class Scratch {
        float[] partial = new float[0];
        float[] transposed = new float[0];
        float[] rowMax = new float[0];
        float[] factor = new float[0];
        float[] rowSum = new float[0];

        void fit(int rows) {
            int padded = (rows + L - 1) / L * L;
            if (rowMax.length < padded) {
                partial = new float[padded * L];
                transposed = new float[padded * L];
                rowMax = new float[padded];
                factor = new float[padded];
                rowSum = new float[padded];
            }
        }
    }

    @Override
    public void online(float[] s, int rows, int keys, int lds, float[] m, float[] l, float[] f, int at) {
        Scratch w = SCRATCH.get();
        w.fit(rows);
        int padded = (rows + L - 1) / L * L;
        float[] partial = w.partial;
        // each row's max folded to L lanes (padding rows: -inf)
        for (int i = 0; i < rows; i++) {
            int row = i * lds;
            FloatVector mx = FloatVector.fromArray(S, s, row);
            for (int j = L; j < keys; j += L) {
                mx = mx.max(FloatVector.fromArray(S, s, row + j));
            }
            mx.intoArray(partial, i * L);
        }
        Arrays.fill(partial, rows * L, padded * L, Float.NEGATIVE_INFINITY);
        reduce(w, padded, true, w.rowMax);
        // new maxima and the factors exp(old - new), as vectors over rows
        float[] rowMax = w.rowMax;
        float[] factor = w.factor;
        for (int i = 0; i < padded; i += L) {
            VectorMask<Float> in = S.indexInRange(i, rows);
            FloatVector old = FloatVector.fromArray(S, m, at + i, in);
            FloatVector max = old.max(FloatVector.fromArray(S, rowMax, i));
            VectorMask<Float> dead = max.compare(VectorOperators.EQ, Float.NEGATIVE_INFINITY);
            // a row that has seen only -inf keeps factor exp(0) = 1 instead of exp(-inf - -inf)
            old.sub(max).blend(0f, dead).intoArray(factor, i);
            max.intoArray(rowMax, i);
        }
        VectorExp.expShift(factor, 0, padded, 0f, 1f, null, 0);
        // p = exp(s - max) row by row, each row's sum folded to L lanes
        Arrays.fill(partial, 0, padded * L, 0f);
        for (int i = 0; i < rows; i++) {
            int row = i * lds;
            float max = rowMax[i];
            if (max == Float.NEGATIVE_INFINITY) {
                Arrays.fill(s, row, row + keys, 0f);
            } else {
                VectorExp.expShift(s, row, row + keys, max, 1f, partial, i * L);
            }
        }
        reduce(w, padded, false, w.rowSum);
        float[] sum = w.rowSum;
        for (int i = 0; i < rows; i++) {
            f[at + i] = factor[i];
            l[at + i] = l[at + i] * factor[i] + sum[i];
            m[at + i] = rowMax[i];
        }
    }

    /**
     * Lane reductions of partial [padded, L], max or sum, into out[0, padded): transposes the
     * partials and folds the L lane vectors in a fixed order.
     */
    private static void reduce(Scratch w, int padded, boolean max, float[] out) {
        float[] t = w.transposed;
        Elements.transpose(w.partial, 0, L, padded, L, t, 0, padded);
        for (int i = 0; i < padded; i += L) {
            FloatVector r = FloatVector.fromArray(S, t, i);
            for (int lane = 1; lane < L; lane++) {
                FloatVector x = FloatVector.fromArray(S, t, lane * padded + i);
                r = max ? r.max(x) : r.add(x);
            }
            r.intoArray(out, i);
        }
    }

    @Override
    public void rescale(float[] acc, int accOff, int rows, int width, float[] f, int at) {
        for (int i = 0; i < rows; i++) {
            float factor = f[at + i];
            if (factor == 1f) {
                continue;
            }
            int row = accOff + i * width;
            for (int c = 0; c < width; c += L) {
                FloatVector.fromArray(S, acc, row + c).mul(factor).intoArray(acc, row + c);
            }
        }
    }
}
