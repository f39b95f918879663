package dev.panamax.cpu;

import java.util.Arrays;

/** {@link SoftmaxRow} in plain Java: exp in double, rounded to float; sums in double. */
final class ScalarSoftmax implements SoftmaxRow {
    static final ScalarSoftmax INSTANCE = new ScalarSoftmax();

    private ScalarSoftmax() {
    }

    @Override
    public void softmax(float[] buf, int n) {
        float max = max(buf, n);
        if (max == Float.NEGATIVE_INFINITY) {
            Arrays.fill(buf, 0, n, 0f);
            return;
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            float e = (float) Math.exp(buf[i] - max);
            buf[i] = e;
            sum += e;
        }
        float inv = (float) (1 / sum);
        for (int i = 0; i < n; i++) {
            buf[i] *= inv;
        }
    }

    @Override
    public void maxSum(float[] buf, int n, float[] ms) {
        float max = max(buf, n);
        double sum = 0;
        if (max != Float.NEGATIVE_INFINITY) {
            for (int i = 0; i < n; i++) {
                sum += (float) Math.exp(buf[i] - max);
            }
        }
        ms[0] = max;
        ms[1] = (float) sum;
    }

    @Override
    public void scaleExp(float[] buf, int n, float max, float inv) {
        if (max == Float.NEGATIVE_INFINITY) {
            Arrays.fill(buf, 0, n, 0f);
            return;
        }
        for (int i = 0; i < n; i++) {
            buf[i] = (float) Math.exp(buf[i] - max) * inv;
        }
    }

    private static float max(float[] buf, int n) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, buf[i]);
        }
        return max;
    }
}
