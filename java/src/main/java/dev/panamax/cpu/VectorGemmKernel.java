package dev.panamax.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

/**
 * The GEMM block kernel on the Vector API. The register tile is MR rows by two vectors (NR = 2L
 * for L lanes): 12 x 2 (24 accumulators) where vectors are 512 bits wide, so that accumulators,
 * two B vectors and a broadcast of A fit the 32 registers of AVX-512; 5 x 2 (10 accumulators) for
 * narrower vectors, whose 16 registers a 6 x 2 tile overflowed ({@link #tile5}); 4 x 2 for the
 * last few rows of a block and for products of a few rows, so that they do not pay for a whole
 * tile. Accumulators are plain locals so that C2 keeps them in registers; the finished tile goes through a small array
 * to a vectorized store that applies alpha and beta and masks the edges, so partial tiles run
 * the same multiply-add chain as full ones and no scalar path handles edges.
 */
final class VectorGemmKernel implements GemmKernel {
    static final VectorGemmKernel INSTANCE = new VectorGemmKernel();

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final int MR = L >= 16 ? 12 : 5;
    private static final int NR = 2 * L;
    /**
     * kc = 2048, mc = 8 tiles, nc = 1024. The tile reads its B panel from L2 as fast as from L1
     * (one thread, 12 x 2 tile, kc = 2048 with the panel and 8 A panels in L2: 173 GFLOP/s, kc =
     * 384 with the panel in L1: 160-184), so kc is chosen for C instead: each kc block reads C back
     * and adds to it, and at 2048^3 with kc = 384 the stores of C were 30% of one thread's samples
     * (C rows 8 KiB apart, missing every cache; Java has no prefetch to fetch them early). An inner
     * dimension up to 2048 is now one block and C is written once. The A block (96 x 2048, 768 KiB)
     * and a B panel (256 KiB) stay in a 2 MiB L2. Measured on 2 threads against kc = 384, mc = 192,
     * nc = 4096 (GFLOP/s): 2048^3 202-213 -> 275-301, 1024^3 219-222 -> 242-271, the M = 4096
     * model shapes 219-260 -> 239-295 (with one task per thread, {@link CpuGemm}). kc = 1024 with
     * mc = 192 or 96 measured the same within the noise, 2048^3 a little lower.
     */
    private static final Blocking BLOCKING = new Blocking(MR, NR, 2048, MR * 8, 1024);
    /**
     * Columns of the in-place tile: 4 rows by 6 vectors (24 accumulators), so that each step reads
     * 6 adjacent vectors of a row of B (384 bytes) where a 12 x 2 tile would read 128: on this
     * design's test machine strips of 128 bytes down 256 rows read at 9 GB/s on one thread, strips
     * of 384 bytes at 19 to 21. A 2 x 12 tile (768 bytes) read faster still but ran 100 to 110
     * GFLOP/s in cache against this tile's 133 to 138, with twice the loads per multiply-add.
     */
    private static final int WIDE = 6 * L;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private VectorGemmKernel() {
    }

    @Override
    public Blocking blocking() {
        return BLOCKING;
    }

    @Override
    public void tile(int rows, int kc, float[] ap, int aOff, float[] bp, int bOff, int ldb, float[] t) {
        if (rows <= 4) {
            tile4(kc, ap, aOff, bp, bOff, ldb, t);
        } else if (MR == 12) {
            tile12(kc, ap, aOff, bp, bOff, ldb, t);
        } else {
            tile5(kc, ap, aOff, bp, bOff, ldb, t);
        }
    }

    /** t [12, NR] = the A panel [kc, 12] at ao times B rows [kc, NR] at bo (row stride ldb). */
    private static void tile12(int kc, float[] ap, int ao, float[] bp, int bo, int ldb, float[] t) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z;
        FloatVector c40 = z, c41 = z, c50 = z, c51 = z, c60 = z, c61 = z, c70 = z, c71 = z;
        FloatVector c80 = z, c81 = z, c90 = z, c91 = z, ca0 = z, ca1 = z, cb0 = z, cb1 = z;
        for (int p = 0; p < kc; p++) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bo);
            FloatVector b1 = FloatVector.fromArray(S, bp, bo + L);
            FloatVector a = FloatVector.broadcast(S, ap[ao]);
            c00 = a.fma(b0, c00);
            c01 = a.fma(b1, c01);
            a = FloatVector.broadcast(S, ap[ao + 1]);
            c10 = a.fma(b0, c10);
            c11 = a.fma(b1, c11);
            a = FloatVector.broadcast(S, ap[ao + 2]);
            c20 = a.fma(b0, c20);
            c21 = a.fma(b1, c21);
            a = FloatVector.broadcast(S, ap[ao + 3]);
            c30 = a.fma(b0, c30);
            c31 = a.fma(b1, c31);
            a = FloatVector.broadcast(S, ap[ao + 4]);
            c40 = a.fma(b0, c40);
            c41 = a.fma(b1, c41);
            a = FloatVector.broadcast(S, ap[ao + 5]);
            c50 = a.fma(b0, c50);
            c51 = a.fma(b1, c51);
            a = FloatVector.broadcast(S, ap[ao + 6]);
            c60 = a.fma(b0, c60);
            c61 = a.fma(b1, c61);
            a = FloatVector.broadcast(S, ap[ao + 7]);
            c70 = a.fma(b0, c70);
            c71 = a.fma(b1, c71);
            a = FloatVector.broadcast(S, ap[ao + 8]);
            c80 = a.fma(b0, c80);
            c81 = a.fma(b1, c81);
            a = FloatVector.broadcast(S, ap[ao + 9]);
            c90 = a.fma(b0, c90);
            c91 = a.fma(b1, c91);
            a = FloatVector.broadcast(S, ap[ao + 10]);
            ca0 = a.fma(b0, ca0);
            ca1 = a.fma(b1, ca1);
            a = FloatVector.broadcast(S, ap[ao + 11]);
            cb0 = a.fma(b0, cb0);
            cb1 = a.fma(b1, cb1);
            ao += MR;
            bo += ldb;
        }
        c00.intoArray(t, 0);
        c01.intoArray(t, L);
        c10.intoArray(t, NR);
        c11.intoArray(t, NR + L);
        c20.intoArray(t, 2 * NR);
        c21.intoArray(t, 2 * NR + L);
        c30.intoArray(t, 3 * NR);
        c31.intoArray(t, 3 * NR + L);
        c40.intoArray(t, 4 * NR);
        c41.intoArray(t, 4 * NR + L);
        c50.intoArray(t, 5 * NR);
        c51.intoArray(t, 5 * NR + L);
        c60.intoArray(t, 6 * NR);
        c61.intoArray(t, 6 * NR + L);
        c70.intoArray(t, 7 * NR);
        c71.intoArray(t, 7 * NR + L);
        c80.intoArray(t, 8 * NR);
        c81.intoArray(t, 8 * NR + L);
        c90.intoArray(t, 9 * NR);
        c91.intoArray(t, 9 * NR + L);
        ca0.intoArray(t, 10 * NR);
        ca1.intoArray(t, 10 * NR + L);
        cb0.intoArray(t, 11 * NR);
        cb1.intoArray(t, 11 * NR + L);
    }

    /** t [4, NR] = the first 4 rows of the A panel [kc, MR] at ao times B rows [kc, NR] at bo: the short tile for a few rows. */
    private static void tile4(int kc, float[] ap, int ao, float[] bp, int bo, int ldb, float[] t) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z;
        for (int p = 0; p < kc; p++) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bo);
            FloatVector b1 = FloatVector.fromArray(S, bp, bo + L);
            FloatVector a = FloatVector.broadcast(S, ap[ao]);
            c00 = a.fma(b0, c00);
            c01 = a.fma(b1, c01);
            a = FloatVector.broadcast(S, ap[ao + 1]);
            c10 = a.fma(b0, c10);
            c11 = a.fma(b1, c11);
            a = FloatVector.broadcast(S, ap[ao + 2]);
            c20 = a.fma(b0, c20);
            c21 = a.fma(b1, c21);
            a = FloatVector.broadcast(S, ap[ao + 3]);
            c30 = a.fma(b0, c30);
            c31 = a.fma(b1, c31);
            ao += MR;
            bo += ldb;
        }
        c00.intoArray(t, 0);
        c01.intoArray(t, L);
        c10.intoArray(t, NR);
        c11.intoArray(t, NR + L);
        c20.intoArray(t, 2 * NR);
        c21.intoArray(t, 2 * NR + L);
        c30.intoArray(t, 3 * NR);
        c31.intoArray(t, 3 * NR + L);
    }

    /**
     * t [5, NR] = the A panel [kc, 5] at ao times B rows [kc, NR] at bo (row stride ldb). Five rows,
     * not six, where there are 16 registers: 12 accumulators, two B vectors and the broadcasts of A
     * need 16 only if C2 keeps one broadcast live at a time, and it keeps three, so the 6 x 2 tile
     * it compiled spilled an accumulator to the stack and reloaded it every step (seen in its
     * code). That chain through memory held the 6 x 2 tile to 39-40 GFLOP/s on one thread in L1
     * against 58-78 for 5 x 2, on a 2-vCPU AVX2 Zen 3 guest whose multiply-adds peak at about 80.
     */
    private static void tile5(int kc, float[] ap, int ao, float[] bp, int bo, int ldb, float[] t) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z;
        FloatVector c30 = z, c31 = z, c40 = z, c41 = z;
        for (int p = 0; p < kc; p++) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bo);
            FloatVector b1 = FloatVector.fromArray(S, bp, bo + L);
            FloatVector a = FloatVector.broadcast(S, ap[ao]);
            c00 = a.fma(b0, c00);
            c01 = a.fma(b1, c01);
            a = FloatVector.broadcast(S, ap[ao + 1]);
            c10 = a.fma(b0, c10);
            c11 = a.fma(b1, c11);
            a = FloatVector.broadcast(S, ap[ao + 2]);
            c20 = a.fma(b0, c20);
            c21 = a.fma(b1, c21);
            a = FloatVector.broadcast(S, ap[ao + 3]);
            c30 = a.fma(b0, c30);
            c31 = a.fma(b1, c31);
            a = FloatVector.broadcast(S, ap[ao + 4]);
            c40 = a.fma(b0, c40);
            c41 = a.fma(b1, c41);
            ao += MR;
            bo += ldb;
        }
        c00.intoArray(t, 0);
        c01.intoArray(t, L);
        c10.intoArray(t, NR);
        c11.intoArray(t, NR + L);
        c20.intoArray(t, 2 * NR);
        c21.intoArray(t, 2 * NR + L);
        c30.intoArray(t, 3 * NR);
        c31.intoArray(t, 3 * NR + L);
        c40.intoArray(t, 4 * NR);
        c41.intoArray(t, 4 * NR + L);
    }

    /** 512-bit vectors only: the 12-row panels it reads from come with AVX-512's 32 registers. */
    @Override
    public int inPlaceWidth() {
        return MR == 12 ? WIDE : 0;
    }

    @Override
    public void blockInPlace(int mc, int nc, int kc, float[] ap, MemorySegment b, long bAt, long ldbBytes,
                             MemorySegment cSegment, float[] cArray, long cOff, long ldc, float alpha, float beta) {
        if (inPlaceWidth() == 0) {
            throw new UnsupportedOperationException("the 5-row tile packs B");
        }
        float[] t = Scratch.get(Scratch.GEMM_TILE, Math.max(MR * NR, IN_PLACE_ROWS * WIDE));
        for (int jw = 0; jw < nc; jw += WIDE) {
            // the first rows read this strip of B from memory, the others from L2
            for (int ir = 0; ir < mc; ir += IN_PLACE_ROWS) {
                int rows = Math.min(IN_PLACE_ROWS, mc - ir);
                // missing rows of the last four are padding (zeros)
                tile4InPlace(kc, ap, ir * kc, b, bAt + (long) jw * Float.BYTES, ldbBytes, t);
                long at = cOff + ir * ldc + jw;
                if (cSegment != null) {
                    store(t, WIDE, rows, WIDE, cSegment, at, ldc, alpha, beta);
                } else {
                    store(t, WIDE, rows, WIDE, cArray, (int) at, (int) ldc, alpha, beta);
                }
            }
        }
    }

    /**
     * t [4, WIDE] = four rows of a row-major A (row r at ao + r * kc) times B's kc rows of WIDE
     * floats read in place (row p at byte at + p * ldbBytes): per step four broadcasts, six loads
     * of B, 24 multiply-adds.
     */
    private static void tile4InPlace(int kc, float[] ap, int ao, MemorySegment b, long at, long ldbBytes, float[] t) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c02 = z, c03 = z, c04 = z, c05 = z;
        FloatVector c10 = z, c11 = z, c12 = z, c13 = z, c14 = z, c15 = z;
        FloatVector c20 = z, c21 = z, c22 = z, c23 = z, c24 = z, c25 = z;
        FloatVector c30 = z, c31 = z, c32 = z, c33 = z, c34 = z, c35 = z;
        final long v = (long) L * Float.BYTES;
        for (int p = 0; p < kc; p++) {
            FloatVector a0 = FloatVector.broadcast(S, ap[ao + p]);
            FloatVector a1 = FloatVector.broadcast(S, ap[ao + kc + p]);
            FloatVector a2 = FloatVector.broadcast(S, ap[ao + 2 * kc + p]);
            FloatVector a3 = FloatVector.broadcast(S, ap[ao + 3 * kc + p]);
            FloatVector x0 = FloatVector.fromMemorySegment(S, b, at, LE);
            c00 = a0.fma(x0, c00);
            c10 = a1.fma(x0, c10);
            c20 = a2.fma(x0, c20);
            c30 = a3.fma(x0, c30);
            FloatVector x1 = FloatVector.fromMemorySegment(S, b, at + v, LE);
            c01 = a0.fma(x1, c01);
            c11 = a1.fma(x1, c11);
            c21 = a2.fma(x1, c21);
            c31 = a3.fma(x1, c31);
            FloatVector x2 = FloatVector.fromMemorySegment(S, b, at + 2 * v, LE);
            c02 = a0.fma(x2, c02);
            c12 = a1.fma(x2, c12);
            c22 = a2.fma(x2, c22);
            c32 = a3.fma(x2, c32);
            FloatVector x3 = FloatVector.fromMemorySegment(S, b, at + 3 * v, LE);
            c03 = a0.fma(x3, c03);
            c13 = a1.fma(x3, c13);
            c23 = a2.fma(x3, c23);
            c33 = a3.fma(x3, c33);
            FloatVector x4 = FloatVector.fromMemorySegment(S, b, at + 4 * v, LE);
            c04 = a0.fma(x4, c04);
            c14 = a1.fma(x4, c14);
            c24 = a2.fma(x4, c24);
            c34 = a3.fma(x4, c34);
            FloatVector x5 = FloatVector.fromMemorySegment(S, b, at + 5 * v, LE);
            c05 = a0.fma(x5, c05);
            c15 = a1.fma(x5, c15);
            c25 = a2.fma(x5, c25);
            c35 = a3.fma(x5, c35);
            at += ldbBytes;
        }
        c00.intoArray(t, 0 * WIDE + 0 * L);
        c01.intoArray(t, 0 * WIDE + 1 * L);
        c02.intoArray(t, 0 * WIDE + 2 * L);
        c03.intoArray(t, 0 * WIDE + 3 * L);
        c04.intoArray(t, 0 * WIDE + 4 * L);
        c05.intoArray(t, 0 * WIDE + 5 * L);
        c10.intoArray(t, 1 * WIDE + 0 * L);
        c11.intoArray(t, 1 * WIDE + 1 * L);
        c12.intoArray(t, 1 * WIDE + 2 * L);
        c13.intoArray(t, 1 * WIDE + 3 * L);
        c14.intoArray(t, 1 * WIDE + 4 * L);
        c15.intoArray(t, 1 * WIDE + 5 * L);
        c20.intoArray(t, 2 * WIDE + 0 * L);
        c21.intoArray(t, 2 * WIDE + 1 * L);
        c22.intoArray(t, 2 * WIDE + 2 * L);
        c23.intoArray(t, 2 * WIDE + 3 * L);
        c24.intoArray(t, 2 * WIDE + 4 * L);
        c25.intoArray(t, 2 * WIDE + 5 * L);
        c30.intoArray(t, 3 * WIDE + 0 * L);
        c31.intoArray(t, 3 * WIDE + 1 * L);
        c32.intoArray(t, 3 * WIDE + 2 * L);
        c33.intoArray(t, 3 * WIDE + 3 * L);
        c34.intoArray(t, 3 * WIDE + 4 * L);
        c35.intoArray(t, 3 * WIDE + 5 * L);
    }

    @Override
    public void store(float[] t, int rows, int cols, MemorySegment c, long cOff, long ldc, float alpha, float beta) {
        store(t, NR, rows, cols, c, cOff, ldc, alpha, beta);
    }

    /** The store of a tile whose rows are ldt apart in t. */
    private static void store(float[] t, int ldt, int rows, int cols, MemorySegment c, long cOff, long ldc, float alpha,
                              float beta) {
        for (int i = 0; i < rows; i++) {
            long at = (cOff + i * ldc) * Float.BYTES;
            for (int j = 0; j < cols; j += L) {
                FloatVector x = FloatVector.fromArray(S, t, i * ldt + j).mul(alpha);
                long byteAt = at + (long) j * Float.BYTES;
                if (cols - j >= L) {
                    if (beta != 0f) {
                        x = FloatVector.fromMemorySegment(S, c, byteAt, LE).fma(FloatVector.broadcast(S, beta), x);
                    }
                    x.intoMemorySegment(c, byteAt, LE);
                } else {
                    VectorMask<Float> m = S.indexInRange(j, cols);
                    if (beta != 0f) {
                        x = FloatVector.fromMemorySegment(S, c, byteAt, LE, m).fma(FloatVector.broadcast(S, beta), x);
                    }
                    x.intoMemorySegment(c, byteAt, LE, m);
                }
            }
        }
    }

    @Override
    public void store(float[] t, int rows, int cols, float[] c, int cOff, int ldc, float alpha, float beta) {
        store(t, NR, rows, cols, c, cOff, ldc, alpha, beta);
    }

    /** The store of a tile whose rows are ldt apart in t, into an array. */
    private static void store(float[] t, int ldt, int rows, int cols, float[] c, int cOff, int ldc, float alpha,
                              float beta) {
        FloatVector vb = FloatVector.broadcast(S, beta);
        for (int i = 0; i < rows; i++) {
            int at = cOff + i * ldc;
            for (int j = 0; j < cols; j += L) {
                FloatVector x = FloatVector.fromArray(S, t, i * ldt + j).mul(alpha);
                if (cols - j >= L) {
                    if (beta != 0f) {
                        x = FloatVector.fromArray(S, c, at + j).fma(vb, x);
                    }
                    x.intoArray(c, at + j);
                } else {
                    VectorMask<Float> m = S.indexInRange(j, cols);
                    if (beta != 0f) {
                        x = FloatVector.fromArray(S, c, at + j, m).fma(vb, x);
                    }
                    x.intoArray(c, at + j, m);
                }
            }
        }
    }
}
