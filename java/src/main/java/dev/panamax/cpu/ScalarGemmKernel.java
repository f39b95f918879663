package dev.panamax.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The GEMM block kernel in plain Java, for JVMs without the Vector API: a 4 x 16 register tile
 * whose inner loop over 16 columns C2 can turn into SIMD on its own.
 */
final class ScalarGemmKernel implements GemmKernel {
    static final ScalarGemmKernel INSTANCE = new ScalarGemmKernel();

    private static final int MR = 4;
    private static final int NR = 16;
    private static final Blocking BLOCKING = new Blocking(MR, NR, 256, 64, 2048);
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT;

    private ScalarGemmKernel() {
    }

    @Override
    public Blocking blocking() {
        return BLOCKING;
    }

    @Override
    public void tile(int rows, int kc, float[] ap, int aBase, float[] bp, int bBase, int ldb, float[] acc) {
        java.util.Arrays.fill(acc, 0f);
        for (int p = 0; p < kc; p++) {
            int b = bBase + p * ldb;
            for (int i = 0; i < rows; i++) {
                float av = ap[aBase + p * MR + i];
                int row = i * NR;
                for (int j = 0; j < NR; j++) {
                    acc[row + j] = Math.fma(av, bp[b + j], acc[row + j]);
                }
            }
        }
    }

    @Override
    public void store(float[] acc, int rows, int cols, MemorySegment c, long cOff, long ldc, float alpha, float beta) {
        for (int i = 0; i < rows; i++) {
            long at = cOff + i * ldc;
            for (int j = 0; j < cols; j++) {
                float v = alpha * acc[i * NR + j];
                if (beta != 0f) {
                    v = Math.fma(beta, c.getAtIndex(F32, at + j), v);
                }
                c.setAtIndex(F32, at + j, v);
            }
        }
    }

    @Override
    public void store(float[] acc, int rows, int cols, float[] c, int cOff, int ldc, float alpha, float beta) {
        for (int i = 0; i < rows; i++) {
            int at = cOff + i * ldc;
            for (int j = 0; j < cols; j++) {
                float v = alpha * acc[i * NR + j];
                c[at + j] = beta != 0f ? Math.fma(beta, c[at + j], v) : v;
            }
        }
    }
}
