package dev.panamax.cpu;

/** {@link FewRowsKernel} in plain Java: the column loops of axpy are left for C2 to vectorize. */
final class ScalarFewRows implements FewRowsKernel {
    static final ScalarFewRows INSTANCE = new ScalarFewRows();

    private ScalarFewRows() {
    }

    @Override
    public void axpy(int m, int pb, float[] a, int aOff, int lda, float[] b, int ldb, int n, float[] acc, int ldacc) {
        for (int i = 0; i < m; i++) {
            int ci = i * ldacc;
            for (int p = 0; p < pb; p++) {
                float av = a[aOff + i * lda + p];
                int bp = p * ldb;
                for (int j = 0; j < n; j++) {
                    acc[ci + j] = Math.fma(av, b[bp + j], acc[ci + j]);
                }
            }
        }
    }

    @Override
    public void dot(int m, int len, float[] a, int aOff, int lda, float[] b, float[] out, int outOff, int outStride) {
        for (int i = 0; i < m; i++) {
            int ai = aOff + i * lda;
            float sum = 0f;
            for (int p = 0; p < len; p++) {
                sum = Math.fma(a[ai + p], b[p], sum);
            }
            out[outOff + i * outStride] += sum;
        }
    }
}
