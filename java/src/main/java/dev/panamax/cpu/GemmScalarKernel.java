package dev.panamax.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The GEMM block kernel in plain Java, for JVMs without the Vector API: a 4 x 16 register tile
 * whose inner loop over 16 columns C2 can turn into SIMD on its own.
 */
final class GemmScalarKernel implements GemmKernel {
    static final GemmScalarKernel INSTANCE = new GemmScalarKernel();

    private static final int MR = 4;
    private static final int NR = 16;
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT;

    private GemmScalarKernel() {
    }

    @Override
    public int mr() {
        return MR;
    }

    @Override
    public int nr() {
        return NR;
    }

    @Override
    public int kc() {
        return 256;
    }

    @Override
    public int mc() {
        return 64;
    }

    @Override
    public int nc() {
        return 2048;
    }

    @Override
    public void block(int mc, int nc, int kc, float[] ap, float[] bp, int bOff,
                      MemorySegment c, long cOff, long ldc, float alpha, float beta) {
        float[] acc = new float[MR * NR];
        for (int jr = 0; jr < nc; jr += NR) {
            int bBase = bOff + jr * kc;
            int cols = Math.min(NR, nc - jr);
            for (int ir = 0; ir < mc; ir += MR) {
                tile(kc, ap, ir * kc, bp, bBase, acc);
                store(acc, Math.min(MR, mc - ir), cols, c, cOff + ir * ldc + jr, ldc, alpha, beta);
            }
        }
    }

    /** acc [MR, NR] = the A panel at aBase times the B panel at bBase, over kc steps. */
    private static void tile(int kc, float[] ap, int aBase, float[] bp, int bBase, float[] acc) {
        java.util.Arrays.fill(acc, 0f);
        for (int p = 0; p < kc; p++) {
            int a = aBase + p * MR;
            int b = bBase + p * NR;
            for (int i = 0; i < MR; i++) {
                float av = ap[a + i];
                int row = i * NR;
                for (int j = 0; j < NR; j++) {
                    acc[row + j] = Math.fma(av, bp[b + j], acc[row + j]);
                }
            }
        }
    }

    private static void store(float[] acc, int rows, int cols, MemorySegment c, long cOff, long ldc, float alpha, float beta) {
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
}
