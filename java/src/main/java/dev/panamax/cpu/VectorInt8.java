package dev.panamax.cpu;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * {@link Int8Kernel} on the Vector API: L bytes of a row of values (L the F32 lanes) loaded as one
 * byte vector and widened to F32 in registers (sign extension and conversion), then fused
 * multiply-adds into one accumulator per output. One row of A (decoding) takes four weight rows a
 * pass, from the four quarters of its block, sharing each load of A; more rows of A share each
 * widened vector, four at a time. Exact mode adds the F32 lanes into 32-bit integers every
 * {@link #EXACT_BLOCK} columns, before any lane has taken more than 1024 products; otherwise the
 * lanes are added in a fixed order every {@link #FLOAT_BLOCK} columns (into double), so the bits
 * never depend on how the JIT compiled the reduction. The tail past the last whole vector runs in
 * scalar code.
 */
final class VectorInt8 implements Int8Kernel {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();
    private static final VectorSpecies<Byte> B = VectorSpecies.of(byte.class, VectorShape.forBitSize(Math.max(64, L * 8)));
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, F.vectorShape());
    /** Columns between two moves of the F32 lanes into integers in exact mode: 1024 products per lane at most. */
    private static final int EXACT_BLOCK = 1024 * L;
    /**
     * Columns between two lane sums (into double) otherwise: 64 products per lane of one
     * accumulator at most. One F32 chain per lane over K = 20000 (1250 products) drifted
     * 1.7e-5 from the exact sum.
     */
    private static final int FLOAT_BLOCK = 64 * L;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final VectorInt8 INSTANCE = new VectorInt8();

    private VectorInt8() {
    }

    /** The vector kernel, or the scalar one where a byte vector of L lanes cannot be made. */
    static Int8Kernel kernel() {
        return B.length() >= L ? INSTANCE : ScalarInt8.INSTANCE;
    }

    /**
     * The columns [0, whole) of a row of len that the vector loops take: whole vectors of L whose
     * byte load (B.length() bytes, 8 where L is 4) stays inside the row; the rest is the tail's.
     * With 128-bit vectors (L = 4, a byte vector of 8) the last vector of a row would read 4 bytes
     * past it, past the end of the weights for the last row.
     */
    private static int whole(int len) {
        return Math.max(0, (len - (B.length() - L)) / L * L);
    }

    private static FloatVector widen(MemorySegment values, long at) {
        return (FloatVector) ByteVector.fromMemorySegment(B, values, at, LE).convertShape(VectorOperators.B2F, F, 0);
    }

    @Override
    public void dot(int m, int len, float[] a, int lda, MemorySegment values, long from, long ldv, int rows,
                    boolean exact, double[] out) {
        if (m == 1) {
            // decode: four weight rows a pass, each from its own quarter of the block, so the
            // reads are four long sequential streams that the hardware prefetchers follow. Four
            // consecutive rows (one 4 KiB page at K = 1024) started every page cold: 13 GB/s
            // from memory on 2 threads against 35 GB/s in quarters, a plain read's rate
            int q = rows / 4;
            for (int j = 0; j < q; j++) {
                rows4(len, a, values, from + j * ldv, q * ldv, exact, out, j, q);
            }
            for (int r = 4 * q; r < rows; r++) { // the last rows one at a time, the same arithmetic
                rows4(len, a, values, from + r * ldv, 0, exact, out, r, 0);
            }
            return;
        }
        for (int r = 0; r < rows; r++) {
            long row = from + r * ldv;
            for (int i = 0; i < m; i += 4) { // fewer than four rows left: the last one repeated
                int i1 = Math.min(i + 1, m - 1), i2 = Math.min(i + 2, m - 1), i3 = Math.min(i + 3, m - 1);
                dot4(len, a, i * lda, i1 * lda, i2 * lda, i3 * lda, values, row, exact, out,
                        i * rows + r, i1 * rows + r, i2 * rows + r, i3 * rows + r);
            }
        }
    }

    /*
     * Every output, whichever pass computes it, is the same sum: one F32 accumulator per output
     * over vectors of L columns, its lanes added (in a fixed order, or exactly) every block, the
     * scalar tail last. So a row's bits depend neither on how many rows of A come with it nor on
     * where the chunks of the columns fall.
     */

    /**
     * One row of A (at 0) against four rows of values (row, row + step, ...) into out[o],
     * out[o + os], ...: one accumulator per row. A step of 0 computes one row (four times).
     */
    private static void rows4(int len, float[] a, MemorySegment values, long row, long step, boolean exact,
                              double[] out, int o, int os) {
        int whole = whole(len);
        int block = exact ? EXACT_BLOCK : FLOAT_BLOCK;
        double t0 = 0, t1 = 0, t2 = 0, t3 = 0;
        long r1 = row + step, r2 = row + 2 * step, r3 = row + 3 * step;
        for (int p0 = 0; p0 < whole; p0 += block) {
            int end = Math.min(whole, p0 + block);
            FloatVector s0 = FloatVector.zero(F), s1 = s0, s2 = s0, s3 = s0;
            for (int p = p0; p < end; p += L) {
                FloatVector x = FloatVector.fromArray(F, a, p);
                s0 = widen(values, row + p).fma(x, s0);
                s1 = widen(values, r1 + p).fma(x, s1);
                s2 = widen(values, r2 + p).fma(x, s2);
                s3 = widen(values, r3 + p).fma(x, s3);
            }
            t0 += lanes(s0, exact);
            t1 += lanes(s1, exact);
            t2 += lanes(s2, exact);
            t3 += lanes(s3, exact);
        }
        out[o] = t0 + tail(whole, len, a, 0, values, row, exact);
        out[o + os] = t1 + tail(whole, len, a, 0, values, r1, exact);
        out[o + 2 * os] = t2 + tail(whole, len, a, 0, values, r2, exact);
        out[o + 3 * os] = t3 + tail(whole, len, a, 0, values, r3, exact);
    }

    /** Four rows of A (at a0 .. a3, repeats allowed) against one row of values into out[o0 .. o3]. */
    private static void dot4(int len, float[] a, int a0, int a1, int a2, int a3, MemorySegment values, long row,
                             boolean exact, double[] out, int o0, int o1, int o2, int o3) {
        int whole = whole(len);
        double t0 = 0, t1 = 0, t2 = 0, t3 = 0;
        int block = exact ? EXACT_BLOCK : FLOAT_BLOCK;
        for (int p0 = 0; p0 < whole; p0 += block) {
            int end = Math.min(whole, p0 + block);
            FloatVector s0 = FloatVector.zero(F), s1 = s0, s2 = s0, s3 = s0;
            for (int p = p0; p < end; p += L) {
                FloatVector w = widen(values, row + p);
                s0 = w.fma(FloatVector.fromArray(F, a, a0 + p), s0);
                s1 = w.fma(FloatVector.fromArray(F, a, a1 + p), s1);
                s2 = w.fma(FloatVector.fromArray(F, a, a2 + p), s2);
                s3 = w.fma(FloatVector.fromArray(F, a, a3 + p), s3);
            }
            t0 += lanes(s0, exact);
            t1 += lanes(s1, exact);
            t2 += lanes(s2, exact);
            t3 += lanes(s3, exact);
        }
        out[o0] = t0 + tail(whole, len, a, a0, values, row, exact);
        out[o1] = t1 + tail(whole, len, a, a1, values, row, exact);
        out[o2] = t2 + tail(whole, len, a, a2, values, row, exact);
        out[o3] = t3 + tail(whole, len, a, a3, values, row, exact);
    }

    /** The lanes' sum: exact in 32-bit integers (each lane an integer below 2^24), else F32. */
    private static double lanes(FloatVector s, boolean exact) {
        if (exact) {
            return ((IntVector) s.convertShape(VectorOperators.F2I, I, 0)).reduceLanes(VectorOperators.ADD);
        }
        // in a fixed order: reduceLanes(ADD) may add in any order, and the bits must not vary
        return VectorElements.laneSum(s);
    }

    private static double tail(int from, int len, float[] a, int ai, MemorySegment values, long row, boolean exact) {
        if (exact) {
            int sum = 0;
            for (int p = from; p < len; p++) {
                sum += (int) a[ai + p] * values.get(ValueLayout.JAVA_BYTE, row + p);
            }
            return sum;
        }
        float sum = 0;
        for (int p = from; p < len; p++) {
            sum = Math.fma(a[ai + p], values.get(ValueLayout.JAVA_BYTE, row + p), sum);
        }
        return sum;
    }

    // ------------------------------------------------------------------ quantization of rows

    /** 1.5 · 2^23: x + MAGIC - MAGIC rounds |x| &lt; 2^22 to an integer, half to even (the FPU's rounding). */
    private static final float MAGIC = 12582912f;

    /** max |v| over v[from, from + n): NaN if any is NaN (MAX propagates it as Math.max does), +Inf if any is infinite. */
    static float maxAbs(float[] v, int from, int n) {
        FloatVector m = FloatVector.zero(F);
        int i = 0;
        for (; i + L <= n; i += L) {
            m = m.max(FloatVector.fromArray(F, v, from + i).abs());
        }
        float max = m.reduceLanes(VectorOperators.MAX);
        for (; i < n; i++) {
            max = Math.max(max, Math.abs(v[from + i]));
        }
        return max;
    }

    /** The integers clamp(round-half-even(v / s), -127, 127) of one vector, s &gt; 0 and finite, |v| &lt;= 127 · s (1 + ulp). */
    private static FloatVector quantized(FloatVector v, FloatVector s) {
        return v.div(s).add(MAGIC).sub(MAGIC).max(-127f).min(127f);
    }

    /** As CpuInt8.quantizeRow: q[at + i] = clamp(round-half-even(v[from + i] / s)), s &gt; 0 and finite. */
    static int quantizeRow(float[] v, int from, int n, float s, byte[] q, int at) {
        FloatVector sv = FloatVector.broadcast(F, s);
        int i = 0;
        if (B.length() == L) {
            for (; i + L <= n; i += L) {
                IntVector iv = (IntVector) quantized(FloatVector.fromArray(F, v, from + i), sv).convertShape(VectorOperators.F2I, I, 0);
                ((ByteVector) iv.convertShape(VectorOperators.I2B, B, 0)).intoArray(q, at + i);
            }
        }
        return i;
    }

    /** As CpuInt8.quantizeInPlace for s &gt; 0: the integers kept in F32; returns how many elements it did (whole vectors). */
    static int quantizeInPlace(float[] v, int from, int n, float s) {
        FloatVector sv = FloatVector.broadcast(F, s);
        int i = 0;
        for (; i + L <= n; i += L) {
            quantized(FloatVector.fromArray(F, v, from + i), sv).intoArray(v, from + i);
        }
        return i;
    }

    /** dst[at + p] = values[from + p] as F32 (F32 elements of dst) for p &lt; n, whole vectors; returns how many it did. */
    static int widenRow(MemorySegment values, long from, MemorySegment dst, long at, int n) {
        int p = 0;
        if (B.length() == L) {
            for (; p + L <= n; p += L) {
                widen(values, from + p).intoMemorySegment(dst, (at + p) * 4, LE);
            }
        }
        return p;
    }

    /** dst[at + p] = values[from + p] as F32 for p &lt; n, whole vectors; returns how many it did. */
    static int widenRow(MemorySegment values, long from, float[] dst, int at, int n) {
        int p = 0;
        if (B.length() == L) {
            for (; p + L <= n; p += L) {
                widen(values, from + p).intoArray(dst, at + p);
            }
        }
        return p;
    }
}
