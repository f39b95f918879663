package dev.panamax.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * {@link Int8Kernel} in scalar Java: F32 sums in ascending p over blocks of {@link #BLOCK},
 * the blocks' sums added in double (one float chain over K = 131072 drifted 1.2e-3 from the
 * exact sum), or 32-bit integer sums in exact mode.
 */
final class ScalarInt8 implements Int8Kernel {
    static final ScalarInt8 INSTANCE = new ScalarInt8();
    private static final int BLOCK = 256;

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
                    double sum = 0;
                    for (int p0 = 0; p0 < len; p0 += BLOCK) {
                        float part = 0;
                        for (int p = p0; p < Math.min(len, p0 + BLOCK); p++) {
                            part = Math.fma(a[ai + p], values.get(ValueLayout.JAVA_BYTE, row + p), part);
                        }
                        sum += part;
                    }
                    out[i * rows + r] = sum;
                }
            }
        }
    }
}
