package dev.panamax.cpu;

import dev.panamax.DType;
import dev.panamax.internal.Half;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * {@link FewRowsKernel} on the Vector API. axpy broadcasts a row's 8 elements of A once and
 * runs every column vector of the 8 B rows through them into the accumulator; dot runs two accumulators (to overlap the FMA
 * latency) and adds their lanes by halving in a fixed order, not by reduceLanes(ADD), whose order is free.
 * dotRows does the same for BF16 rows of B read from memory and widened in registers: a 32-bit
 * lane holds two BF16 elements, the low one shifted into place and the high one masked, against A
 * deinterleaved to match: with up to three rows of A (decoding) four rows of B per pass against
 * one load of A, a quarter of the block apart (four long streams from memory, see dotRowsF32).
 * With four rows of A or more, a pass takes two rows of B, half the block apart, against four
 * rows of A (16 accumulators), each output keeping the sum it would have alone. axpyRows is axpy
 * with F32 rows of B read where they lie.
 */
final class VectorFewRows implements FewRowsKernel {
    static final VectorFewRows INSTANCE = new VectorFewRows();

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Rows of B per full axpy step (GemmFewRows hands over 8 at a time). */
    private static final int ROWS = 8;
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, S.vectorShape());
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final ThreadLocal<float[]> LANES = ThreadLocal.withInitial(() -> new float[2 * L]);
    /** Per-thread sums of {@link #dotRowsF32x4} and {@link #dotBf16x2x4}. */
    private static final ThreadLocal<float[]> LANES8 = ThreadLocal.withInitial(() -> new float[8 * L]);

    private VectorFewRows() {
    }

    @Override
    public void axpy(int m, int pb, float[] a, int aOff, int lda, float[] b, int ldb, int n, float[] acc, int ldacc) {
        if (pb != ROWS) {
            axpyShort(m, pb, a, aOff, lda, b, ldb, n, acc, ldacc);
            return;
        }
        for (int i = 0; i < m; i++) {
            // the row's 8 elements of A broadcast once, then every column of B against them
            int ai = aOff + i * lda;
            int ci = i * ldacc;
            FloatVector a0 = FloatVector.broadcast(S, a[ai]), a1 = FloatVector.broadcast(S, a[ai + 1]);
            FloatVector a2 = FloatVector.broadcast(S, a[ai + 2]), a3 = FloatVector.broadcast(S, a[ai + 3]);
            FloatVector a4 = FloatVector.broadcast(S, a[ai + 4]), a5 = FloatVector.broadcast(S, a[ai + 5]);
            FloatVector a6 = FloatVector.broadcast(S, a[ai + 6]), a7 = FloatVector.broadcast(S, a[ai + 7]);
            for (int j = 0; j < n; j += L) {
                FloatVector sum = FloatVector.fromArray(S, acc, ci + j);
                sum = FloatVector.fromArray(S, b, j).fma(a0, sum);
                sum = FloatVector.fromArray(S, b, ldb + j).fma(a1, sum);
                sum = FloatVector.fromArray(S, b, 2 * ldb + j).fma(a2, sum);
                sum = FloatVector.fromArray(S, b, 3 * ldb + j).fma(a3, sum);
                sum = FloatVector.fromArray(S, b, 4 * ldb + j).fma(a4, sum);
                sum = FloatVector.fromArray(S, b, 5 * ldb + j).fma(a5, sum);
                sum = FloatVector.fromArray(S, b, 6 * ldb + j).fma(a6, sum);
                sum = FloatVector.fromArray(S, b, 7 * ldb + j).fma(a7, sum);
                sum.intoArray(acc, ci + j);
            }
        }
    }

    @Override
    public boolean axpyReadsDirect(DType type) {
        return type == DType.F32;
    }

    /**
     * The loop of {@link #axpy} with B's loads from the segment. axpy is not routed through here
     * with {@code MemorySegment.ofArray}: vector loads from a heap segment made a BF16 [8, 4096] x
     * [4096, 4096] product 2.4x slower (13 ms against 5.6).
     */
    @Override
    public void axpyRows(int m, float[] a, int aOff, int lda, MemorySegment b, long from, long ldb, int w, float[] acc,
            int ldacc) {
        int full = w / L * L;
        long r0 = from * 4, stride = ldb * 4;
        for (int i = 0; i < m; i++) {
            int ai = aOff + i * lda;
            int ci = i * ldacc;
            FloatVector a0 = FloatVector.broadcast(S, a[ai]), a1 = FloatVector.broadcast(S, a[ai + 1]);
            FloatVector a2 = FloatVector.broadcast(S, a[ai + 2]), a3 = FloatVector.broadcast(S, a[ai + 3]);
            FloatVector a4 = FloatVector.broadcast(S, a[ai + 4]), a5 = FloatVector.broadcast(S, a[ai + 5]);
            FloatVector a6 = FloatVector.broadcast(S, a[ai + 6]), a7 = FloatVector.broadcast(S, a[ai + 7]);
            for (int j = 0; j < full; j += L) {
                long at = r0 + 4L * j;
                FloatVector sum = FloatVector.fromArray(S, acc, ci + j);
                sum = FloatVector.fromMemorySegment(S, b, at, LE).fma(a0, sum);
                sum = FloatVector.fromMemorySegment(S, b, at + stride, LE).fma(a1, sum);
                sum = FloatVector.fromMemorySegment(S, b, at + 2 * stride, LE).fma(a2, sum);
                sum = FloatVector.fromMemorySegment(S, b, at + 3 * stride, LE).fma(a3, sum);
                sum = FloatVector.fromMemorySegment(S, b, at + 4 * stride, LE).fma(a4, sum);
                sum = FloatVector.fromMemorySegment(S, b, at + 5 * stride, LE).fma(a5, sum);
                sum = FloatVector.fromMemorySegment(S, b, at + 6 * stride, LE).fma(a6, sum);
                sum = FloatVector.fromMemorySegment(S, b, at + 7 * stride, LE).fma(a7, sum);
                sum.intoArray(acc, ci + j);
            }
        }
        if (full < w) {
            axpyRowsEdge(m, a, aOff, lda, b, from, ldb, full, w, acc, ldacc);
        }
    }

    /**
     * {@link #axpyRows} for the columns [full, w) (fewer than L): masked loads, zeros past w, the
     * same chain of multiply-adds.
     */
    private static void axpyRowsEdge(int m, float[] a, int aOff, int lda, MemorySegment b, long from, long ldb, int full,
            int w, float[] acc, int ldacc) {
        VectorMask<Float> valid = S.indexInRange(full, w);
        for (int i = 0; i < m; i++) {
            int ai = aOff + i * lda;
            int ci = i * ldacc + full;
            FloatVector sum = FloatVector.fromArray(S, acc, ci);
            for (int r = 0; r < ROWS; r++) {
                FloatVector br = FloatVector.fromMemorySegment(S, b, (from + r * ldb + full) * 4, LE, valid);
                sum = br.fma(FloatVector.broadcast(S, a[ai + r]), sum);
            }
            sum.intoArray(acc, ci);
        }
    }

    /** axpy for fewer than 8 rows of B (the end of the inner dimension). */
    private static void axpyShort(int m, int pb, float[] a, int aOff, int lda, float[] b, int ldb, int n, float[] acc, int ldacc) {
        for (int i = 0; i < m; i++) {
            int ai = aOff + i * lda;
            int ci = i * ldacc;
            for (int p = 0; p < pb; p++) {
                FloatVector av = FloatVector.broadcast(S, a[ai + p]);
                for (int j = 0; j < n; j += L) {
                    FloatVector.fromArray(S, b, p * ldb + j).fma(av, FloatVector.fromArray(S, acc, ci + j)).intoArray(acc, ci + j);
                }
            }
        }
    }

    @Override
    public void dot(int m, int len, float[] a, int aOff, int lda, float[] b, float[] out, int outOff, int outStride) {
        for (int i = 0; i < m; i++) {
            int ai = aOff + i * lda;
            FloatVector s0 = FloatVector.zero(S), s1 = s0;
            int p = 0;
            for (; p <= len - 2 * L; p += 2 * L) {
                s0 = FloatVector.fromArray(S, a, ai + p).fma(FloatVector.fromArray(S, b, p), s0);
                s1 = FloatVector.fromArray(S, a, ai + p + L).fma(FloatVector.fromArray(S, b, p + L), s1);
            }
            if (p < len) {
                s0 = FloatVector.fromArray(S, a, ai + p).fma(FloatVector.fromArray(S, b, p), s0);
            }
            out[outOff + i * outStride] += laneSum(s0, s1);
        }
    }

    @Override
    public boolean readsDirect(DType type) {
        return type == DType.BF16 || type == DType.F32;
    }

    @Override
    public void dotRows(DType type, int m, int len, float[] a, int aOff, int lda, MemorySegment b, long from, long ldb,
            int rows, float[] out, int outOff, int outStride) {
        if (type == DType.F32) {
            dotRowsF32(m, len, a, aOff, lda, b, from, ldb, rows, out, outOff, outStride);
            return;
        }
        if (type != DType.BF16) {
            throw new UnsupportedOperationException("gemm: no direct dot for " + type);
        }
        int full = len / (2 * L) * (2 * L);
        float[] lanes = LANES.get();
        for (int i = 0; i < m; i++) {
            deinterleave(a, aOff + i * lda, full, lanes);
        }
        float[] sums = LANES8.get();
        if (m < 4) { // decoding: four rows of B a pass, a quarter of the block apart, four long streams
            int q = rows / 4;
            for (int r = 0; r < q; r++) {
                for (int i = 0; i < m; i++) {
                    dotBf16x4(len, full, a, aOff + i * lda, b, from + r * ldb, q * ldb, out, outOff + r + i * outStride, q,
                            sums);
                }
            }
            bf16RowsAlone(4 * q, rows, m, len, full, a, aOff, lda, b, from, ldb, out, outOff, outStride);
            return;
        }
        int h = rows / 2; // row r pairs with row r + h: two long streams (see dotRowsF32)
        long step = h * ldb;
        for (int r = 0; r < h; r++) {
            int i = 0;
            for (; i + 4 <= m; i += 4) {
                dotBf16x2x4(len, full, a, aOff + i * lda, lda, b, from + r * ldb, step, out, outOff + r + i * outStride,
                        outStride, h, sums);
            }
            for (; i < m; i++) {
                dotBf16x2(len, full, a, aOff + i * lda, b, from + r * ldb, step, out, outOff + r + i * outStride, h);
            }
        }
        bf16RowsAlone(2 * h, rows, m, len, full, a, aOff, lda, b, from, ldb, out, outOff, outStride);
    }

    /** The rows [r0, rows) of B that no pass took, one at a time: dotBf16 and the tail. */
    private static void bf16RowsAlone(int r0, int rows, int m, int len, int full, float[] a, int aOff, int lda,
            MemorySegment b, long from, long ldb, float[] out, int outOff, int outStride) {
        for (int r = r0; r < rows; r++) {
            for (int i = 0; i < m; i++) {
                int ai = aOff + i * lda;
                out[outOff + r + i * outStride] += tailBf16(dotBf16(full, a, ai, b, from + r * ldb), full, len, a, ai, b,
                        from + r * ldb);
            }
        }
    }

    /**
     * F32 rows of B read straight from memory: two rows per pass against one load of A, each with
     * two accumulators (the even and the odd vectors of a block of 2L), lanes summed by {@link #laneSum},
     * then the tail in ascending order. A pass pairs row r with row r + rows / 2, so that B is read
     * as two long sequential streams: two adjacent rows of a short K (a 4 KiB page of BF16 at
     * K = 1024) made every page a fresh stream that the hardware prefetchers had to find again
     * (an INT8 GEMV of that pattern read 13 GB/s from memory on 2 threads, 35 in long streams).
     * Fewer than four rows of A (decoding) take four rows of B a pass instead, a quarter of the
     * block apart ({@link #dotF32x4}), as BF16 does: four streams a thread read faster than two
     * (Zen 4 guest, 2 threads, the median of 25 x 0.2 s, three alternations: [1, 4096] x
     * [3584, 4096]^T over 8 weights 23.5-25.8 -> 27.0-28.3 GB/s; [1, 1024] x [2816, 1024]^T over 15,
     * 24.8-26.1 -> 27.0-30.8; [2, 4096] x [4096, 4096]^T over 4, 24.3-25.1 -> 25.9-30.1).
     */
    private static void dotRowsF32(int m, int len, float[] a, int aOff, int lda, MemorySegment b, long from, long ldb,
            int rows, float[] out, int outOff, int outStride) {
        int full = len / (2 * L) * (2 * L);
        if (m < 4) { // decoding: four rows of B a pass, a quarter of the block apart, four long streams
            float[] sums = LANES8.get();
            int q = rows / 4;
            for (int r = 0; r < q; r++) {
                for (int i = 0; i < m; i++) {
                    dotF32x4(len, full, a, aOff + i * lda, b, from + r * ldb, q * ldb, out, outOff + r + i * outStride, q,
                            sums);
                }
            }
            f32RowsAlone(4 * q, rows, m, len, full, a, aOff, lda, b, from, ldb, out, outOff, outStride);
            return;
        }
        float[] lanes = LANES8.get();
        int h = rows / 2;
        long step = h * ldb;
        for (int r = 0; r < h; r++) {
            int i = 0;
            for (; i + 4 <= m; i += 4) {
                dotRowsF32x4(full, len, a, aOff + i * lda, lda, b, from + r * ldb, step, out, outOff + r + i * outStride,
                        outStride, h, lanes);
            }
            for (; i < m; i++) {
                int ai = aOff + i * lda, o = outOff + r + i * outStride;
                long f0 = (from + r * ldb) * 4, f1 = (from + r * ldb + step) * 4;
                FloatVector s0 = FloatVector.zero(S), s1 = s0, t0 = s0, t1 = s0;
                for (int p = 0; p < full; p += 2 * L) {
                    FloatVector a0 = FloatVector.fromArray(S, a, ai + p), a1 = FloatVector.fromArray(S, a, ai + p + L);
                    s0 = FloatVector.fromMemorySegment(S, b, f0 + 4L * p, LE).fma(a0, s0);
                    s1 = FloatVector.fromMemorySegment(S, b, f0 + 4L * (p + L), LE).fma(a1, s1);
                    t0 = FloatVector.fromMemorySegment(S, b, f1 + 4L * p, LE).fma(a0, t0);
                    t1 = FloatVector.fromMemorySegment(S, b, f1 + 4L * (p + L), LE).fma(a1, t1);
                }
                out[o] += tailF32(laneSum(s0, s1), full, len, a, ai, b, from + r * ldb);
                out[o + h] += tailF32(laneSum(t0, t1), full, len, a, ai, b, from + r * ldb + step);
            }
        }
        f32RowsAlone(2 * h, rows, m, len, full, a, aOff, lda, b, from, ldb, out, outOff, outStride);
    }

    /** The F32 rows [r0, rows) of B that no pass took, one at a time, with {@link #dotRowsF32}'s sums. */
    private static void f32RowsAlone(int r0, int rows, int m, int len, int full, float[] a, int aOff, int lda,
            MemorySegment b, long from, long ldb, float[] out, int outOff, int outStride) {
        for (int r = r0; r < rows; r++) {
            for (int i = 0; i < m; i++) {
                int ai = aOff + i * lda;
                long f0 = (from + r * ldb) * 4;
                FloatVector s0 = FloatVector.zero(S), s1 = s0;
                for (int p = 0; p < full; p += 2 * L) {
                    s0 = FloatVector.fromMemorySegment(S, b, f0 + 4L * p, LE).fma(FloatVector.fromArray(S, a, ai + p), s0);
                    s1 = FloatVector.fromMemorySegment(S, b, f0 + 4L * (p + L), LE).fma(FloatVector.fromArray(S, a, ai + p + L), s1);
                }
                out[outOff + r + i * outStride] += tailF32(laneSum(s0, s1), full, len, a, ai, b, from + r * ldb);
            }
        }
    }

    /**
     * Four F32 rows of B (from, from + step, from + 2 step, from + 3 step) against one row of A,
     * into out[o], out[o + os], out[o + 2 os], out[o + 3 os]: each sum is {@link #dotRowsF32}'s
     * (an even and an odd accumulator, {@link #laneSum}, the tail), the four rows read as four
     * streams. The sums leave through {@code sums} (4L floats), as in {@link #dotBf16x4}.
     */
    private static void dotF32x4(int len, int full, float[] a, int ai, MemorySegment b, long from, long step,
            float[] out, int o, int os, float[] sums) {
        FloatVector s0 = FloatVector.zero(S), s1 = s0, t0 = s0, t1 = s0, u0 = s0, u1 = s0, v0 = s0, v1 = s0;
        long f0 = from * 4, f1 = (from + step) * 4, f2 = (from + 2 * step) * 4, f3 = (from + 3 * step) * 4;
        for (int p = 0; p < full; p += 2 * L) {
            FloatVector a0 = FloatVector.fromArray(S, a, ai + p), a1 = FloatVector.fromArray(S, a, ai + p + L);
            long at = 4L * p, next = 4L * (p + L);
            s0 = FloatVector.fromMemorySegment(S, b, f0 + at, LE).fma(a0, s0);
            s1 = FloatVector.fromMemorySegment(S, b, f0 + next, LE).fma(a1, s1);
            t0 = FloatVector.fromMemorySegment(S, b, f1 + at, LE).fma(a0, t0);
            t1 = FloatVector.fromMemorySegment(S, b, f1 + next, LE).fma(a1, t1);
            u0 = FloatVector.fromMemorySegment(S, b, f2 + at, LE).fma(a0, u0);
            u1 = FloatVector.fromMemorySegment(S, b, f2 + next, LE).fma(a1, u1);
            v0 = FloatVector.fromMemorySegment(S, b, f3 + at, LE).fma(a0, v0);
            v1 = FloatVector.fromMemorySegment(S, b, f3 + next, LE).fma(a1, v1);
        }
        s0.add(s1).intoArray(sums, 0);
        t0.add(t1).intoArray(sums, L);
        u0.add(u1).intoArray(sums, 2 * L);
        v0.add(v1).intoArray(sums, 3 * L);
        for (int q = 0; q < 4; q++) {
            out[o + q * os] += tailF32(laneSumAt(sums, q * L), full, len, a, ai, b, from + q * step);
        }
    }

    /**
     * Two F32 rows of B (from element {@code row0}, the second step later) against four rows of A
     * (from {@code ai}, lda apart): each element's sum is the one {@link #dotRowsF32} makes (an
     * even and an odd accumulator, {@link #laneSum}, the tail), but one load of each block of B
     * serves four rows of A, 12 loads for 16 multiply-adds where a row of A at a time took 6 for 4.
     * The sums leave through {@code lanes} (8L floats), not as vectors, so that no vector crosses a
     * call C2 may decline to inline.
     */
    private static void dotRowsF32x4(int full, int len, float[] a, int ai, int lda, MemorySegment b, long row0, long step,
            float[] out, int o, int outStride, int os, float[] lanes) {
        long f0 = row0 * 4, f1 = (row0 + step) * 4;
        int a1 = ai + lda, a2 = ai + 2 * lda, a3 = ai + 3 * lda;
        FloatVector s0 = FloatVector.zero(S), s1 = s0, t0 = s0, t1 = s0, u0 = s0, u1 = s0, v0 = s0, v1 = s0;
        FloatVector w0 = s0, w1 = s0, x0 = s0, x1 = s0, y0 = s0, y1 = s0, z0 = s0, z1 = s0;
        for (int p = 0; p < full; p += 2 * L) {
            FloatVector b0 = FloatVector.fromMemorySegment(S, b, f0 + 4L * p, LE);
            FloatVector b1 = FloatVector.fromMemorySegment(S, b, f0 + 4L * (p + L), LE);
            FloatVector c0 = FloatVector.fromMemorySegment(S, b, f1 + 4L * p, LE);
            FloatVector c1 = FloatVector.fromMemorySegment(S, b, f1 + 4L * (p + L), LE);
            FloatVector e = FloatVector.fromArray(S, a, ai + p), h = FloatVector.fromArray(S, a, ai + p + L);
            s0 = b0.fma(e, s0);
            s1 = b1.fma(h, s1);
            t0 = c0.fma(e, t0);
            t1 = c1.fma(h, t1);
            e = FloatVector.fromArray(S, a, a1 + p);
            h = FloatVector.fromArray(S, a, a1 + p + L);
            u0 = b0.fma(e, u0);
            u1 = b1.fma(h, u1);
            v0 = c0.fma(e, v0);
            v1 = c1.fma(h, v1);
            e = FloatVector.fromArray(S, a, a2 + p);
            h = FloatVector.fromArray(S, a, a2 + p + L);
            w0 = b0.fma(e, w0);
            w1 = b1.fma(h, w1);
            x0 = c0.fma(e, x0);
            x1 = c1.fma(h, x1);
            e = FloatVector.fromArray(S, a, a3 + p);
            h = FloatVector.fromArray(S, a, a3 + p + L);
            y0 = b0.fma(e, y0);
            y1 = b1.fma(h, y1);
            z0 = c0.fma(e, z0);
            z1 = c1.fma(h, z1);
        }
        s0.add(s1).intoArray(lanes, 0);
        t0.add(t1).intoArray(lanes, L);
        u0.add(u1).intoArray(lanes, 2 * L);
        v0.add(v1).intoArray(lanes, 3 * L);
        w0.add(w1).intoArray(lanes, 4 * L);
        x0.add(x1).intoArray(lanes, 5 * L);
        y0.add(y1).intoArray(lanes, 6 * L);
        z0.add(z1).intoArray(lanes, 7 * L);
        addFour(false, lanes, full, len, a, ai, lda, b, row0, step, out, o, outStride, os);
    }

    /**
     * The outputs of a four-row pass: for each of the four rows of A and the two rows of B (row0
     * and row0 + step, their outputs os apart), the lane sum of its accumulators (in {@code sums},
     * row of A major) plus the tail, F32 or BF16.
     */
    private static void addFour(boolean bf16, float[] sums, int full, int len, float[] a, int ai, int lda, MemorySegment b,
            long row0, long step, float[] out, int o, int outStride, int os) {
        for (int q = 0; q < 8; q++) {
            int aq = ai + (q / 2) * lda;
            long row = row0 + (q % 2) * step;
            float sum = laneSumAt(sums, q * L);
            out[o + (q / 2) * outStride + (q % 2) * os] += bf16 ? tailBf16(sum, full, len, a, aq, b, row)
                    : tailF32(sum, full, len, a, aq, b, row);
        }
    }

    /** {@link VectorElements#laneSum} of the L floats of s from {@code at}. */
    private static float laneSumAt(float[] s, int at) {
        return VectorElements.laneSum(FloatVector.fromArray(S, s, at));
    }

    /** sum + the F32 products past the whole blocks, in ascending order (fewer than 2L). */
    private static float tailF32(float sum, int full, int len, float[] a, int ai, MemorySegment b, long from) {
        for (int p = full; p < len; p++) {
            sum = Math.fma(a[ai + p], b.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, from + p), sum);
        }
        return sum;
    }

    /**
     * Each whole block of 2L elements of a from off on reordered in place: its even elements, then its
     * odd ones, the order in which a 32-bit lane holds a pair of BF16 elements (pair: 2L floats of scratch).
     */
    private static void deinterleave(float[] a, int off, int full, float[] pair) {
        for (int p = off; p < off + full; p += 2 * L) {
            for (int t = 0; t < L; t++) {
                pair[t] = a[p + 2 * t];
                pair[L + t] = a[p + 2 * t + 1];
            }
            System.arraycopy(pair, 0, a, p, 2 * L);
        }
    }

    /**
     * The whole blocks (full elements, a deinterleaved) of one row of B from element from on: 2L
     * BF16 elements per 32-bit lane load, the even ones (low halves) into s0 and the odd ones (high
     * halves) into s1; their lanes summed by {@link #laneSum}.
     */
    private static float dotBf16(int full, float[] a, int ai, MemorySegment b, long from) {
        FloatVector s0 = FloatVector.zero(S), s1 = s0;
        for (int p = 0; p < full; p += 2 * L) {
            IntVector w = IntVector.fromMemorySegment(I, b, (from + p) * 2, LE);
            s0 = FloatVector.fromArray(S, a, ai + p).fma(w.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats(), s0);
            s1 = FloatVector.fromArray(S, a, ai + p + L).fma(w.and(0xFFFF_0000).reinterpretAsFloats(), s1);
        }
        return laneSum(s0, s1);
    }

    /**
     * {@link #dotBf16x2} for four rows of A (from {@code ai}, lda apart; deinterleaved): each block
     * of the two BF16 rows is loaded and widened once for the four, and every output keeps the
     * sum dotBf16x2 makes. The sums leave through {@code sums} (8L floats), not as vectors.
     */
    private static void dotBf16x2x4(int len, int full, float[] a, int ai, int lda, MemorySegment b, long from, long step,
            float[] out, int o, int outStride, int os, float[] sums) {
        FloatVector s0 = FloatVector.zero(S), s1 = s0, t0 = s0, t1 = s0, u0 = s0, u1 = s0, v0 = s0, v1 = s0;
        FloatVector w0 = s0, w1 = s0, x0 = s0, x1 = s0, y0 = s0, y1 = s0, z0 = s0, z1 = s0;
        long f0 = from * 2, f1 = (from + step) * 2;
        int a1 = ai + lda, a2 = ai + 2 * lda, a3 = ai + 3 * lda;
        for (int p = 0; p < full; p += 2 * L) {
            IntVector w = IntVector.fromMemorySegment(I, b, f0 + 2L * p, LE);
            IntVector v = IntVector.fromMemorySegment(I, b, f1 + 2L * p, LE);
            FloatVector be = w.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
            FloatVector bo = w.and(0xFFFF_0000).reinterpretAsFloats();
            FloatVector ce = v.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
            FloatVector co = v.and(0xFFFF_0000).reinterpretAsFloats();
            FloatVector ae = FloatVector.fromArray(S, a, ai + p), ao = FloatVector.fromArray(S, a, ai + p + L);
            s0 = ae.fma(be, s0);
            s1 = ao.fma(bo, s1);
            t0 = ae.fma(ce, t0);
            t1 = ao.fma(co, t1);
            ae = FloatVector.fromArray(S, a, a1 + p);
            ao = FloatVector.fromArray(S, a, a1 + p + L);
            u0 = ae.fma(be, u0);
            u1 = ao.fma(bo, u1);
            v0 = ae.fma(ce, v0);
            v1 = ao.fma(co, v1);
            ae = FloatVector.fromArray(S, a, a2 + p);
            ao = FloatVector.fromArray(S, a, a2 + p + L);
            w0 = ae.fma(be, w0);
            w1 = ao.fma(bo, w1);
            x0 = ae.fma(ce, x0);
            x1 = ao.fma(co, x1);
            ae = FloatVector.fromArray(S, a, a3 + p);
            ao = FloatVector.fromArray(S, a, a3 + p + L);
            y0 = ae.fma(be, y0);
            y1 = ao.fma(bo, y1);
            z0 = ae.fma(ce, z0);
            z1 = ao.fma(co, z1);
        }
        s0.add(s1).intoArray(sums, 0);
        t0.add(t1).intoArray(sums, L);
        u0.add(u1).intoArray(sums, 2 * L);
        v0.add(v1).intoArray(sums, 3 * L);
        w0.add(w1).intoArray(sums, 4 * L);
        x0.add(x1).intoArray(sums, 5 * L);
        y0.add(y1).intoArray(sums, 6 * L);
        z0.add(z1).intoArray(sums, 7 * L);
        addFour(true, sums, full, len, a, ai, lda, b, from, step, out, o, outStride, os);
    }

    /** dotBf16 for two rows of B (from and from + step) into out[o] and out[o + os], each with its tail. */
    private static void dotBf16x2(int len, int full, float[] a, int ai, MemorySegment b, long from, long step, float[] out,
            int o, int os) {
        FloatVector s0 = FloatVector.zero(S), s1 = s0, t0 = s0, t1 = s0;
        long f0 = from * 2, f1 = (from + step) * 2;
        for (int p = 0; p < full; p += 2 * L) {
            FloatVector ae = FloatVector.fromArray(S, a, ai + p), ao = FloatVector.fromArray(S, a, ai + p + L);
            IntVector w = IntVector.fromMemorySegment(I, b, f0 + 2L * p, LE);
            IntVector v = IntVector.fromMemorySegment(I, b, f1 + 2L * p, LE);
            s0 = ae.fma(w.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats(), s0);
            s1 = ao.fma(w.and(0xFFFF_0000).reinterpretAsFloats(), s1);
            t0 = ae.fma(v.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats(), t0);
            t1 = ao.fma(v.and(0xFFFF_0000).reinterpretAsFloats(), t1);
        }
        out[o] += tailBf16(laneSum(s0, s1), full, len, a, ai, b, from);
        out[o + os] += tailBf16(laneSum(t0, t1), full, len, a, ai, b, from + step);
    }

    /**
     * dotBf16 for four rows of B (from, from + step, from + 2 step, from + 3 step) into out[o],
     * out[o + os], out[o + 2 os], out[o + 3 os], each with its tail. The sums leave through
     * {@code sums} (4L floats): four lane sums inline would pass C2's node budget
     * (NodeCountInliningCutoff), and a vector passed to a call that is not inlined is boxed (the
     * GEMV ran at 12 GB/s in cache, against 57 with the sums through the array).
     */
    private static void dotBf16x4(int len, int full, float[] a, int ai, MemorySegment b, long from, long step,
            float[] out, int o, int os, float[] sums) {
        FloatVector s0 = FloatVector.zero(S), s1 = s0, t0 = s0, t1 = s0, u0 = s0, u1 = s0, v0 = s0, v1 = s0;
        long f0 = from * 2, f1 = (from + step) * 2, f2 = (from + 2 * step) * 2, f3 = (from + 3 * step) * 2;
        for (int p = 0; p < full; p += 2 * L) {
            FloatVector ae = FloatVector.fromArray(S, a, ai + p), ao = FloatVector.fromArray(S, a, ai + p + L);
            IntVector w = IntVector.fromMemorySegment(I, b, f0 + 2L * p, LE);
            IntVector v = IntVector.fromMemorySegment(I, b, f1 + 2L * p, LE);
            IntVector x = IntVector.fromMemorySegment(I, b, f2 + 2L * p, LE);
            IntVector y = IntVector.fromMemorySegment(I, b, f3 + 2L * p, LE);
            s0 = ae.fma(w.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats(), s0);
            s1 = ao.fma(w.and(0xFFFF_0000).reinterpretAsFloats(), s1);
            t0 = ae.fma(v.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats(), t0);
            t1 = ao.fma(v.and(0xFFFF_0000).reinterpretAsFloats(), t1);
            u0 = ae.fma(x.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats(), u0);
            u1 = ao.fma(x.and(0xFFFF_0000).reinterpretAsFloats(), u1);
            v0 = ae.fma(y.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats(), v0);
            v1 = ao.fma(y.and(0xFFFF_0000).reinterpretAsFloats(), v1);
        }
        s0.add(s1).intoArray(sums, 0);
        t0.add(t1).intoArray(sums, L);
        u0.add(u1).intoArray(sums, 2 * L);
        v0.add(v1).intoArray(sums, 3 * L);
        for (int q = 0; q < 4; q++) {
            out[o + q * os] += tailBf16(laneSumAt(sums, q * L), full, len, a, ai, b, from + q * step);
        }
    }

    /** sum + the products past the whole blocks, in ascending order (fewer than 2L). */
    private static float tailBf16(float sum, int full, int len, float[] a, int ai, MemorySegment b, long from) {
        for (int p = full; p < len; p++) {
            sum = Math.fma(a[ai + p], Half.bf16ToFloat(b.getAtIndex(ValueLayout.JAVA_SHORT, from + p)), sum);
        }
        return sum;
    }

    /** The lanes of s0 + s1 summed in {@link VectorElements#laneSum}'s fixed order. */
    private static float laneSum(FloatVector s0, FloatVector s1) {
        return VectorElements.laneSum(s0.add(s1));
    }
}
