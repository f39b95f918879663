package dev.panamax.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.util.Arrays;

/**
 * {@link AttentionTiles} on the Vector API: the row max in vectors, exp and the row sum by
 * {@link VectorExp} (lanes added in a fixed order), rescaling by broadcast multiplies.
 */
final class VectorAttentionTiles implements AttentionTiles {
    static final VectorAttentionTiles INSTANCE = new VectorAttentionTiles();

    private static final VectorSpecies<Float> S = VectorExp.S;
    private static final int L = S.length();

    private VectorAttentionTiles() {
    }

    @Override
    public void online(float[] s, int rows, int keys, int lds, float[] m, float[] l, float[] f, int at) {
        float[] lanes = new float[L];
        for (int i = 0; i < rows; i++) {
            int row = i * lds;
            float old = m[at + i];
            float max = Math.max(old, VectorSoftmax.max(s, row, row + keys));
            if (max == Float.NEGATIVE_INFINITY) {
                Arrays.fill(s, row, row + keys, 0f);
                f[at + i] = 1f;
                continue;
            }
            Arrays.fill(lanes, 0f);
            VectorExp.expShift(s, row, row + keys, max, 1f, lanes);
            float factor = (float) Math.exp(old - max);
            f[at + i] = factor;
            l[at + i] = l[at + i] * factor + (float) VectorSoftmax.sumLanes(lanes);
            m[at + i] = max;
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
