package dev.panamax.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link FewRowsKernel} on the Vector API. axpy broadcasts a row's 8 elements of A once and
 * runs every column vector of the 8 B rows through them into the accumulator; dot runs two accumulators (to overlap the FMA
 * latency) and adds their lanes left to right, not by reduceLanes(ADD), whose order is free.
 */
final class VectorFewRows implements FewRowsKernel {
    static final VectorFewRows INSTANCE = new VectorFewRows();

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Rows of B per full axpy step (GemmFewRows hands over 8 at a time). */
    private static final int ROWS = 8;
    private static final ThreadLocal<float[]> LANES = ThreadLocal.withInitial(() -> new float[2 * L]);

    private VectorFewRows() {
    }

    @Override
    public void axpy(int m, int pb, float[] a, int aOff, int lda, float[] b, int ldb, int n, float[] acc, int ldacc) {
        if (pb != ROWS) {
            axpyShort(m, pb, a, aOff, lda, b, ldb, n, acc, ldacc);
            return;
        }
        for (int i = 0; i < m; i++) {
            // the row's 8 elements of A broadcast once, then every column of B against them
            int ai = aOff + i * lda;
            int ci = i * ldacc;
            FloatVector a0 = FloatVector.broadcast(S, a[ai]), a1 = FloatVector.broadcast(S, a[ai + 1]);
            FloatVector a2 = FloatVector.broadcast(S, a[ai + 2]), a3 = FloatVector.broadcast(S, a[ai + 3]);
            FloatVector a4 = FloatVector.broadcast(S, a[ai + 4]), a5 = FloatVector.broadcast(S, a[ai + 5]);
            FloatVector a6 = FloatVector.broadcast(S, a[ai + 6]), a7 = FloatVector.broadcast(S, a[ai + 7]);
            for (int j = 0; j < n; j += L) {
                FloatVector sum = FloatVector.fromArray(S, acc, ci + j);
                sum = FloatVector.fromArray(S, b, j).fma(a0, sum);
                sum = FloatVector.fromArray(S, b, ldb + j).fma(a1, sum);
                sum = FloatVector.fromArray(S, b, 2 * ldb + j).fma(a2, sum);
                sum = FloatVector.fromArray(S, b, 3 * ldb + j).fma(a3, sum);
                sum = FloatVector.fromArray(S, b, 4 * ldb + j).fma(a4, sum);
                sum = FloatVector.fromArray(S, b, 5 * ldb + j).fma(a5, sum);
                sum = FloatVector.fromArray(S, b, 6 * ldb + j).fma(a6, sum);
                sum = FloatVector.fromArray(S, b, 7 * ldb + j).fma(a7, sum);
                sum.intoArray(acc, ci + j);
            }
        }
    }

    /** axpy for fewer than 8 rows of B (the end of the inner dimension). */
    private static void axpyShort(int m, int pb, float[] a, int aOff, int lda, float[] b, int ldb, int n, float[] acc, int ldacc) {
        for (int i = 0; i < m; i++) {
            int ai = aOff + i * lda;
            int ci = i * ldacc;
            for (int p = 0; p < pb; p++) {
                FloatVector av = FloatVector.broadcast(S, a[ai + p]);
                for (int j = 0; j < n; j += L) {
                    FloatVector.fromArray(S, b, p * ldb + j).fma(av, FloatVector.fromArray(S, acc, ci + j)).intoArray(acc, ci + j);
                }
            }
        }
    }

    @Override
    public void dot(int m, int len, float[] a, int aOff, int lda, float[] b, float[] out, int outOff, int outStride) {
        float[] lanes = LANES.get();
        for (int i = 0; i < m; i++) {
            int ai = aOff + i * lda;
            FloatVector s0 = FloatVector.zero(S), s1 = s0;
            int p = 0;
            for (; p <= len - 2 * L; p += 2 * L) {
                s0 = FloatVector.fromArray(S, a, ai + p).fma(FloatVector.fromArray(S, b, p), s0);
                s1 = FloatVector.fromArray(S, a, ai + p + L).fma(FloatVector.fromArray(S, b, p + L), s1);
            }
            if (p < len) {
                s0 = FloatVector.fromArray(S, a, ai + p).fma(FloatVector.fromArray(S, b, p), s0);
            }
            s0.intoArray(lanes, 0);
            s1.intoArray(lanes, L);
            float sum = 0f;
            for (int x = 0; x < 2 * L; x++) {
                sum += lanes[x];
            }
            out[outOff + i * outStride] += sum;
        }
    }
}
