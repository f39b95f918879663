package dev.panamax.cpu;

import java.util.Arrays;

/** {@link AttentionTiles} in plain Java: exp in double, rounded to float. */
final class ScalarAttentionTiles implements AttentionTiles {
    static final ScalarAttentionTiles INSTANCE = new ScalarAttentionTiles();

    private ScalarAttentionTiles() {
    }

    @Override
    public void online(float[] s, int rows, int keys, int lds, float[] m, float[] l, float[] f, int at) {
        for (int i = 0; i < rows; i++) {
            int row = i * lds;
            float old = m[at + i];
            float max = old;
            for (int j = 0; j < keys; j++) {
                max = Math.max(max, s[row + j]);
            }
            if (max == Float.NEGATIVE_INFINITY) {
                // nothing visible yet: p = 0, state unchanged
                Arrays.fill(s, row, row + keys, 0f);
                f[at + i] = 1f;
                continue;
            }
            double sum = 0;
            for (int j = 0; j < keys; j++) {
                float p = (float) Math.exp(s[row + j] - max);
                s[row + j] = p;
                sum += p;
            }
            float factor = (float) Math.exp(old - max);
            f[at + i] = factor;
            l[at + i] = l[at + i] * factor + (float) sum;
            m[at + i] = max;
        }
    }

    @Override
    public void rescale(float[] acc, int accOff, int rows, int width, float[] f, int at) {
        for (int i = 0; i < rows; i++) {
            float factor = f[at + i];
            int row = accOff + i * width;
            for (int c = 0; c < width; c++) {
                acc[row + c] *= factor;
            }
        }
    }
}
