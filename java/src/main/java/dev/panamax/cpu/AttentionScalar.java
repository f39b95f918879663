package dev.panamax.cpu;

/** {@link AttentionTiles} in plain Java; the column loops of accumulate are left for C2 to vectorize. */
final class AttentionScalar implements AttentionTiles {
    static final AttentionScalar INSTANCE = new AttentionScalar();

    private AttentionScalar() {
    }

    @Override
    public void scores(float[] q, int rows, int d, float[] k, int keys, float[] s, int lds) {
        for (int i = 0; i < rows; i++) {
            int qi = i * d;
            for (int j = 0; j < keys; j++) {
                int kj = j * d;
                float dot = 0f;
                for (int c = 0; c < d; c++) {
                    dot = Math.fma(q[qi + c], k[kj + c], dot);
                }
                s[i * lds + j] = dot;
            }
        }
    }

    @Override
    public void online(float[] s, int rows, int keys, int lds, float[] m, float[] l, float[] f) {
        for (int i = 0; i < rows; i++) {
            int row = i * lds;
            float max = m[i];
            for (int j = 0; j < keys; j++) {
                max = Math.max(max, s[row + j]);
            }
            if (max == Float.NEGATIVE_INFINITY) {
                // nothing visible yet: p = 0, state unchanged
                java.util.Arrays.fill(s, row, row + keys, 0f);
                f[i] = 1f;
                continue;
            }
            float sum = 0f;
            for (int j = 0; j < keys; j++) {
                float p = (float) Math.exp(s[row + j] - max);
                s[row + j] = p;
                sum += p;
            }
            float factor = (float) Math.exp(m[i] - max);
            f[i] = factor;
            l[i] = l[i] * factor + sum;
            m[i] = max;
        }
    }

    @Override
    public void accumulate(float[] s, int rows, int keys, int lds, float[] v, int d, float[] f, float[] acc) {
        for (int i = 0; i < rows; i++) {
            int ai = i * d;
            float factor = f[i];
            if (factor != 1f) {
                for (int c = 0; c < d; c++) {
                    acc[ai + c] *= factor;
                }
            }
            for (int j = 0; j < keys; j++) {
                float p = s[i * lds + j];
                int vj = j * d;
                for (int c = 0; c < d; c++) {
                    acc[ai + c] = Math.fma(p, v[vj + c], acc[ai + c]);
                }
            }
        }
    }
}
