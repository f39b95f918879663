package dev.panamax.cpu;

import dev.panamax.DType;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * {@link SoftmaxRow} on the Vector API with {@link VectorExp}. The row is padded with -inf to
 * whole vectors (exp gives 0 there), so every loop runs on full vectors. Sums run in a vector
 * accumulator over blocks of {@link #BLOCK} elements, each block's lanes added in a fixed order
 * into a double, so the sum is accurate and its bits do not depend on how the JIT would reduce
 * lanes. Methods here pass arrays, never vectors, between each other (see {@link VectorExp}).
 */
final class VectorSoftmax implements SoftmaxRow {
    static final VectorSoftmax INSTANCE = new VectorSoftmax();

    private static final VectorSpecies<Float> S = VectorExp.S;
    private static final int L = S.length();
    private static final int BLOCK = 64 * L;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    /** Per-thread lane partials of a sum. */
    private static final ThreadLocal<float[]> LANES = ThreadLocal.withInitial(() -> new float[L]);

    private VectorSoftmax() {
    }

    /** n rounded up to whole vectors, the tail filled with -inf. */
    private static int pad(float[] buf, int n) {
        int nv = (n + L - 1) / L * L;
        Arrays.fill(buf, n, nv, Float.NEGATIVE_INFINITY);
        return nv;
    }

    @Override
    public void softmax(float[] buf, int n) {
        int nv = pad(buf, n);
        float max = max(buf, 0, nv);
        if (max == Float.NEGATIVE_INFINITY) {
            Arrays.fill(buf, 0, n, 0f);
            return;
        }
        float inv = (float) (1 / expSum(buf, nv, max));
        for (int i = 0; i < nv; i += L) {
            FloatVector.fromArray(S, buf, i).mul(inv).intoArray(buf, i);
        }
    }

    /**
     * F32 rows in three passes: read x into buf taking the max on the way; exp and sum in buf;
     * scale into out. BF16 rows: {@link #softmaxBf16}. F16 widens and rounds through
     * {@link Elements}.
     */
    @Override
    public void softmax(MemorySegment x, MemorySegment out, DType t, long from, int n, float[] buf) {
        if (t == DType.BF16) {
            softmaxBf16(x, out, from, n, buf);
            return;
        }
        if (t != DType.F32) {
            SoftmaxRow.super.softmax(x, out, t, from, n, buf);
            return;
        }
        long byteAt = from * Float.BYTES;
        int full = n / L * L;
        float max = readF32(x, from, full, buf);
        int i = full;
        for (; i < n; i++) {
            buf[i] = x.getAtIndex(ValueLayout.JAVA_FLOAT, from + i);
            max = Math.max(max, buf[i]);
        }
        int nv = pad(buf, n);
        if (max == Float.NEGATIVE_INFINITY) {
            out.asSlice(byteAt, (long) n * Float.BYTES).fill((byte) 0);
            return;
        }
        float inv = (float) (1 / expSum(buf, nv, max));
        writeRow(buf, inv, out, from, full, false);
        for (i = full; i < n; i++) {
            out.setAtIndex(ValueLayout.JAVA_FLOAT, from + i, buf[i] * inv);
        }
    }

    /**
     * A BF16 row in the three passes of the F32 one: widened into buf with the max on the way,
     * exp and sum in buf, scaled and rounded into out. Each pass is a method of its own that
     * passes arrays: with the passes' loops in one method, C2 ran out of its node budget
     * (NodeCountInliningCutoff) before it reached the BF16 store, which it then called with a
     * boxed vector, one run in two. [1024, 4096] took 1.2-1.6 ms against 2.5-4.0 ms through
     * {@link Elements} in five passes before (widen, max, exp, scale, round).
     */
    private static void softmaxBf16(MemorySegment x, MemorySegment out, long from, int n, float[] buf) {
        int full = n / L * L;
        float max = readBf16(x, from, full, buf);
        if (full < n) {
            Elements.load(x, DType.BF16, from + full, buf, full, n - full);
            for (int i = full; i < n; i++) {
                max = Math.max(max, buf[i]);
            }
        }
        int nv = pad(buf, n);
        if (max == Float.NEGATIVE_INFINITY) {
            out.asSlice(from * 2, (long) n * 2).fill((byte) 0);
            return;
        }
        float inv = (float) (1 / expSum(buf, nv, max));
        writeBf16(buf, full, inv, out, from);
        for (int i = full; i < n; i++) {
            buf[i] *= inv;
        }
        Elements.store(buf, full, out, DType.BF16, from + full, n - full);
    }

    /** buf[0, full) = the BF16 elements of x from {@code from} on, widened (full a multiple of L); returns their max. */
    private static float readBf16(MemorySegment x, long from, int full, float[] buf) {
        FloatVector m0 = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY), m1 = m0;
        int i = 0;
        for (; i <= full - 2 * L; i += 2 * L) {
            FloatVector a = VectorElements.bf16At(x, from + i);
            FloatVector b = VectorElements.bf16At(x, from + i + L);
            a.intoArray(buf, i);
            b.intoArray(buf, i + L);
            m0 = m0.max(a);
            m1 = m1.max(b);
        }
        for (; i < full; i += L) {
            FloatVector a = VectorElements.bf16At(x, from + i);
            a.intoArray(buf, i);
            m0 = m0.max(a);
        }
        return m0.max(m1).reduceLanes(VectorOperators.MAX);
    }

    /** out's BF16 elements from {@code from} on = buf[0, full) * inv, rounded (full a multiple of L). */
    private static void writeBf16(float[] buf, int full, float inv, MemorySegment out, long from) {
        for (int i = 0; i < full; i += L) {
            VectorElements.storeBf16At(FloatVector.fromArray(S, buf, i).mul(inv), out, from + i);
        }
    }

    /**
     * Rows [r0, r1) of n elements (F32 or BF16, n a multiple of L; others row by row), pipelined:
     * one pass per row takes the exps and sum of row r in bufs[0] while it reads row r + 1 into
     * bufs[1] (taking its max) and writes row r - 1, scaled, from bufs[2]. A row's exps and reads
     * are otherwise a pass of arithmetic with the memory idle and two passes of memory with the
     * arithmetic idle. Each row gets the same arithmetic as {@link #softmax(MemorySegment,
     * MemorySegment, DType, long, int, float[])} (the same exps, blocked sums and scaling), so
     * its bits do not depend on where the row falls in the range. out may be x: the pass writes
     * only the row before the one it reads.
     */
    @Override
    public void softmaxRows(MemorySegment x, MemorySegment out, DType t, long r0, long r1, int n, float[][] bufs) {
        boolean bf16 = t == DType.BF16;
        if (r1 - r0 < 3 || n % L != 0 || !(bf16 || t == DType.F32)) {
            SoftmaxRow.super.softmaxRows(x, out, t, r0, r1, n, bufs);
            return;
        }
        float[] a = bufs[0], b = bufs[1], c = bufs[2];
        float[] lanes = LANES.get();
        // the first row: read alone, then its exps while the second row is read
        float maxA = bf16 ? readBf16(x, r0 * n, n, a) : readF32(x, r0 * n, n, a);
        float maxB = Float.NEGATIVE_INFINITY, invC = 0f;
        for (long r = r0; r < r1; r++) {
            boolean read = r + 1 < r1, write = r > r0;
            float shift = maxA == Float.NEGATIVE_INFINITY ? 0f : maxA;
            double sum = 0;
            maxB = Float.NEGATIVE_INFINITY;
            for (int start = 0; start < n; start += BLOCK) {
                int end = Math.min(n, start + BLOCK);
                Arrays.fill(lanes, 0f);
                if (read && write) {
                    float m = bf16
                            ? passBf16(a, shift, lanes, b, x, (r + 1) * n, c, invC, out, (r - 1) * n, start, end)
                            : passF32(a, shift, lanes, b, x, (r + 1) * n, c, invC, out, (r - 1) * n, start, end, n);
                    maxB = Math.max(maxB, m);
                } else {
                    VectorExp.expShift(a, start, end, shift, 1f, lanes, 0);
                }
                sum += sumLanes(lanes);
            }
            if (read && !write) {
                maxB = bf16 ? readBf16(x, (r + 1) * n, n, b) : readF32(x, (r + 1) * n, n, b);
            }
            if (write && !read) {
                writeRow(c, invC, out, (r - 1) * n, n, bf16);
            }
            // the row's scale, as the row-by-row path takes it; an all -inf row gives zeros
            float inv = maxA == Float.NEGATIVE_INFINITY ? 0f : (float) (1 / sum);
            float[] done = a;
            a = b;
            b = c;
            c = done;
            invC = inv;
            maxA = maxB;
        }
        writeRow(c, invC, out, (r1 - 1) * n, n, bf16);
    }

    /** buf[0, n) = the F32 elements of x from {@code from} on (n a multiple of L, maybe 0); returns their max. */
    private static float readF32(MemorySegment x, long from, int n, float[] buf) {
        long byteAt = from * Float.BYTES;
        FloatVector m0 = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY), m1 = m0;
        int i = 0;
        for (; i <= n - 2 * L; i += 2 * L) {
            FloatVector p = FloatVector.fromMemorySegment(S, x, byteAt + (long) i * Float.BYTES, LE);
            FloatVector q = FloatVector.fromMemorySegment(S, x, byteAt + (long) (i + L) * Float.BYTES, LE);
            p.intoArray(buf, i);
            q.intoArray(buf, i + L);
            m0 = m0.max(p);
            m1 = m1.max(q);
        }
        for (; i < n; i += L) {
            FloatVector p = FloatVector.fromMemorySegment(S, x, byteAt + (long) i * Float.BYTES, LE);
            p.intoArray(buf, i);
            m0 = m0.max(p);
        }
        return m0.max(m1).reduceLanes(VectorOperators.MAX);
    }

    /** out's row from element {@code from} = buf[0, n) * inv, F32 or rounded to BF16. */
    private static void writeRow(float[] buf, float inv, MemorySegment out, long from, int n, boolean bf16) {
        if (bf16) {
            writeBf16(buf, n, inv, out, from);
            return;
        }
        long byteAt = from * Float.BYTES;
        for (int i = 0; i < n; i += L) {
            FloatVector.fromArray(S, buf, i).mul(inv).intoMemorySegment(out, byteAt + (long) i * Float.BYTES, LE);
        }
    }

    /**
     * Vectors [from, to) of the pipelined pass, F32: a = exp(a - shift), added into lanes; b = x's
     * elements from {@code xFrom} on; out's from {@code outFrom} on = c * inv. Returns b's max.
     * Where the row (n) is a whole number of vector pairs, the exps take a[from, to) in order,
     * as ever (the sum's order is the bits), while the reads and writes take the same number of
     * vectors from each half of their rows, [from / 2, to / 2) and n / 2 beyond: two streams in
     * and two out where one pass in order makes one each, and the max and the scaling do not
     * depend on order. Softmax [4096, 4096] F32 on the Zen 4 guest, median of 200 calls in each of
     * eleven alternated runs: faster in eight, median of the runs 7.27 -> 6.52 ms.
     */
    private static float passF32(float[] a, float shift, float[] lanes, float[] b, MemorySegment x, long xFrom,
                                 float[] c, float inv, MemorySegment out, long outFrom, int from, int to, int n) {
        FloatVector vShift = FloatVector.broadcast(S, shift);
        FloatVector acc = FloatVector.fromArray(S, lanes, 0);
        FloatVector m = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        long xByte = xFrom * Float.BYTES, outByte = outFrom * Float.BYTES;
        if (n % (2 * L) == 0) { // the row read and written in two halves at once: two streams each way
            int half = n / 2;
            for (int i = from; i < to; i += 2 * L) {
                int k0 = i / 2, k1 = half + i / 2;
                FloatVector p = FloatVector.fromMemorySegment(S, x, xByte + (long) k0 * Float.BYTES, LE);
                FloatVector q = FloatVector.fromMemorySegment(S, x, xByte + (long) k1 * Float.BYTES, LE);
                p.intoArray(b, k0);
                q.intoArray(b, k1);
                m = m.max(p).max(q);
                FloatVector y = VectorExp.exp(FloatVector.fromArray(S, a, i).sub(vShift));
                y.intoArray(a, i);
                acc = acc.add(y);
                FloatVector z = VectorExp.exp(FloatVector.fromArray(S, a, i + L).sub(vShift));
                z.intoArray(a, i + L);
                acc = acc.add(z);
                FloatVector.fromArray(S, c, k0).mul(inv).intoMemorySegment(out, outByte + (long) k0 * Float.BYTES, LE);
                FloatVector.fromArray(S, c, k1).mul(inv).intoMemorySegment(out, outByte + (long) k1 * Float.BYTES, LE);
            }
            acc.intoArray(lanes, 0);
            return m.reduceLanes(VectorOperators.MAX);
        }
        for (int i = from; i < to; i += L) {
            FloatVector p = FloatVector.fromMemorySegment(S, x, xByte + (long) i * Float.BYTES, LE);
            p.intoArray(b, i);
            m = m.max(p);
            FloatVector y = VectorExp.exp(FloatVector.fromArray(S, a, i).sub(vShift));
            y.intoArray(a, i);
            acc = acc.add(y);
            FloatVector.fromArray(S, c, i).mul(inv).intoMemorySegment(out, outByte + (long) i * Float.BYTES, LE);
        }
        acc.intoArray(lanes, 0);
        return m.reduceLanes(VectorOperators.MAX);
    }

    /** {@link #passF32} for BF16 x and out. */
    private static float passBf16(float[] a, float shift, float[] lanes, float[] b, MemorySegment x, long xFrom,
                                  float[] c, float inv, MemorySegment out, long outFrom, int from, int to) {
        FloatVector vShift = FloatVector.broadcast(S, shift);
        FloatVector acc = FloatVector.fromArray(S, lanes, 0);
        FloatVector m = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        for (int i = from; i < to; i += L) {
            FloatVector p = VectorElements.bf16At(x, xFrom + i);
            p.intoArray(b, i);
            m = m.max(p);
            FloatVector y = VectorExp.exp(FloatVector.fromArray(S, a, i).sub(vShift));
            y.intoArray(a, i);
            acc = acc.add(y);
            VectorElements.storeBf16At(FloatVector.fromArray(S, c, i).mul(inv), out, outFrom + i);
        }
        acc.intoArray(lanes, 0);
        return m.reduceLanes(VectorOperators.MAX);
    }

    @Override
    public void maxSum(float[] buf, int n, float[] ms) {
        int nv = pad(buf, n);
        float max = max(buf, 0, nv);
        ms[0] = max;
        // the exps overwrite buf: callers reload the chunk for the write pass. A max of +inf or NaN
        // makes the sum NaN, as IEEE arithmetic does (+inf - +inf), whatever the polynomial exp
        // makes of a NaN argument.
        ms[1] = max == Float.NEGATIVE_INFINITY ? 0f : nonFinite(max) ? Float.NaN : (float) expSum(buf, nv, max);
    }

    @Override
    public void scaleExp(float[] buf, int n, float max, float inv) {
        if (max == Float.NEGATIVE_INFINITY) {
            Arrays.fill(buf, 0, n, 0f);
            return;
        }
        if (nonFinite(max) || Float.isNaN(inv)) {
            Arrays.fill(buf, 0, n, Float.NaN); // the row's sum is NaN: every probability is
            return;
        }
        int nv = pad(buf, n);
        VectorExp.expShift(buf, 0, nv, max, inv, null, 0);
    }

    /**
     * Max of buf[from, nv), nv - from a multiple of L; NaN if any is NaN. Four accumulators, because a
     * lane-wise max with Java's NaN and -0.0 rules is a chain of several instructions.
     */
    static float max(float[] buf, int from, int nv) {
        FloatVector m0 = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY), m1 = m0, m2 = m0, m3 = m0;
        int i = from;
        for (; i <= nv - 4 * L; i += 4 * L) {
            m0 = m0.max(FloatVector.fromArray(S, buf, i));
            m1 = m1.max(FloatVector.fromArray(S, buf, i + L));
            m2 = m2.max(FloatVector.fromArray(S, buf, i + 2 * L));
            m3 = m3.max(FloatVector.fromArray(S, buf, i + 3 * L));
        }
        for (; i < nv; i += L) {
            m0 = m0.max(FloatVector.fromArray(S, buf, i));
        }
        return m0.max(m1).max(m2.max(m3)).reduceLanes(VectorOperators.MAX);
    }

    /** buf = exp(buf - max) over [0, nv); returns the sum, block by block in double. */
    private static double expSum(float[] buf, int nv, float max) {
        float[] lanes = LANES.get();
        double sum = 0;
        for (int start = 0; start < nv; start += BLOCK) {
            Arrays.fill(lanes, 0f);
            VectorExp.expShift(buf, start, Math.min(nv, start + BLOCK), max, 1f, lanes, 0);
            sum += sumLanes(lanes);
        }
        return sum;
    }

    /** The lanes added left to right in double: a fixed order, unlike reduceLanes(ADD). */
    static double sumLanes(float[] lanes) {
        double s = 0;
        for (float v : lanes) {
            s += v;
        }
        return s;
    }

    /** +inf or NaN: a max that makes the whole row NaN. */
    private static boolean nonFinite(float max) {
        return max == Float.POSITIVE_INFINITY || Float.isNaN(max);
    }
}
