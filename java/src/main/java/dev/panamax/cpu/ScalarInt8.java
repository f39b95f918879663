package dev.panamax.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** {@link Int8Kernel} in scalar Java: F32 sums in ascending p, or 32-bit integer sums in exact mode. */
final class ScalarInt8 implements Int8Kernel {
    static final ScalarInt8 INSTANCE = new ScalarInt8();

    private ScalarInt8() {
    }

    @Override
    public void dot(int m, int len, float[] a, int lda, MemorySegment values, long from, long ldv, int rows,
                    boolean exact, double[] out) {
        for (int r = 0; r < rows; r++) {
            long row = from + r * ldv;
            for (int i = 0; i < m; i++) {
                int ai = i * lda;
                if (exact) {
                    int sum = 0;
                    for (int p = 0; p < len; p++) {
                        sum += (int) a[ai + p] * values.get(ValueLayout.JAVA_BYTE, row + p);
                    }
                    out[i * rows + r] = sum;
                } else {
                    float sum = 0;
                    for (int p = 0; p < len; p++) {
                        sum = Math.fma(a[ai + p], values.get(ValueLayout.JAVA_BYTE, row + p), sum);
                    }
                    out[i * rows + r] = sum;
                }
            }
        }
    }
}
