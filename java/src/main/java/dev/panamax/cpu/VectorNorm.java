package dev.panamax.cpu;

import dev.panamax.DType;
import dev.panamax.internal.Kernels.ElementwiseOp;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * {@link NormRow} on the Vector API, and the passes over rows read in place that {@link CpuNorm}
 * uses instead of a buffer for layerNorm and rmsNorm on F32 and BF16 ({@link #sumRow},
 * {@link #momentsRow}, {@link #storeSumRow}). In the buffered passes, F32 and BF16 rows are read
 * straight from memory into the buffer by the pass that sums them (BF16 widened on the way,
 * {@link VectorElements#bf16At}), and written straight from the buffer by the last pass (BF16
 * rounded on the way); F16 rows are widened and rounded through {@link Elements}. Sums run in two (the loading pass) or four (the
 * moments) vector accumulators, independent add chains, over blocks of {@link #BLOCK} elements;
 * each block's accumulators are added and its lanes summed left to right into a double
 * ({@link VectorSoftmax#sumLanes}), so a sum is accurate and its bits do not depend on how the JIT
 * would reduce lanes. The tail past the last whole vector is added element by element, last.
 * Arrays pass between methods, never vectors, but for one-vector loads and stores
 * (VectorElements' BF16 ones, {@link #f32At}), small enough that C2 inlines them.
 */
final class VectorNorm implements NormRow {
    static final VectorNorm INSTANCE = new VectorNorm();

    private static final VectorSpecies<Float> S = VectorExp.S;
    private static final int L = S.length();
    /** Elements per block of a sum (a multiple of 4 L). */
    private static final int BLOCK = 64 * L;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT;
    /** Per-thread lane partials of the sums. */
    private static final ThreadLocal<float[]> LANES = ThreadLocal.withInitial(() -> new float[2 * L]);

    private VectorNorm() {
    }

    @Override
    public double loadSum(MemorySegment x, DType t, long at, float[] buf, int n) {
        return load(x, t, at, buf, n, false);
    }

    @Override
    public double loadSquares(MemorySegment x, DType t, long at, float[] buf, int n) {
        return load(x, t, at, buf, n, true);
    }

    /** buf = the row; the sum of its values, or of their squares. */
    private static double load(MemorySegment x, DType t, long at, float[] buf, int n, boolean squares) {
        if (t == DType.F16) {
            Elements.load(x, t, at, buf, 0, n);
            return sum(null, 0, buf, n, null, squares);
        }
        return sum(x, at, buf, n, t, squares);
    }

    /**
     * The sum of buf[0, n) or of its squares; when {@code t} is F32 or BF16 (not null), buf is first
     * filled from x's elements at {@code at}, widened, in the same loop.
     */
    private static double sum(MemorySegment x, long at, float[] buf, int n, DType t, boolean squares) {
        boolean direct = t != null;
        boolean bf16 = t == DType.BF16;
        float[] lanes = LANES.get();
        long byteAt = at * Float.BYTES;
        int full = n / L * L;
        double sum = 0;
        for (int start = 0; start < full; start += BLOCK) {
            int end = Math.min(full, start + BLOCK);
            FloatVector a0 = FloatVector.zero(S), a1 = a0;
            int i = start;
            for (; i <= end - 2 * L; i += 2 * L) {
                FloatVector v0, v1;
                if (direct) {
                    v0 = bf16 ? VectorElements.bf16At(x, at + i) : FloatVector.fromMemorySegment(S, x, byteAt + (long) i * Float.BYTES, LE);
                    v1 = bf16 ? VectorElements.bf16At(x, at + i + L)
                            : FloatVector.fromMemorySegment(S, x, byteAt + (long) (i + L) * Float.BYTES, LE);
                    v0.intoArray(buf, i);
                    v1.intoArray(buf, i + L);
                } else {
                    v0 = FloatVector.fromArray(S, buf, i);
                    v1 = FloatVector.fromArray(S, buf, i + L);
                }
                a0 = squares ? v0.fma(v0, a0) : a0.add(v0);
                a1 = squares ? v1.fma(v1, a1) : a1.add(v1);
            }
            for (; i < end; i += L) {
                FloatVector v = !direct ? FloatVector.fromArray(S, buf, i) : bf16 ? VectorElements.bf16At(x, at + i)
                        : FloatVector.fromMemorySegment(S, x, byteAt + (long) i * Float.BYTES, LE);
                if (direct) {
                    v.intoArray(buf, i);
                }
                a0 = squares ? v.fma(v, a0) : a0.add(v);
            }
            a0.add(a1).intoArray(lanes, 0);
            sum += VectorSoftmax.sumLanes(lanes);
        }
        for (int i = full; i < n; i++) {
            float v = direct ? (buf[i] = Elements.get(x, t, at + i)) : buf[i];
            sum += squares ? (double) v * v : v;
        }
        return sum;
    }

    @Override
    public double addSquares(MemorySegment x, MemorySegment residual, DType t, long at, float[] buf, float[] other, int n,
                             boolean store) {
        if (t == DType.F32) {
            return addSquaresF32(x, residual, at, buf, n, store);
        }
        if (t == DType.BF16) {
            return addSquaresBf16(x, residual, at, buf, n, store);
        }
        Elements.load(x, t, at, buf, 0, n);
        Elements.load(residual, t, at, other, 0, n);
        VectorElementwise.INSTANCE.apply(ElementwiseOp.ADD, buf, other, 0, null, n);
        if (store) {
            Elements.store(buf, 0, residual, t, at, n);
        }
        return sum(null, 0, buf, n, null, true);
    }

    /*
     * The F32 and BF16 loops below are written out once per dtype: a loop that branched on the
     * dtype around its loads and stores would share one profile between the two, and C2 may then
     * decline to inline the cold side's conversion (see VectorActivations). Each sums in the
     * blocks and accumulators of the pass it stands for, so its bits are that pass's.
     */

    private static double addSquaresF32(MemorySegment x, MemorySegment residual, long at, float[] buf, int n, boolean store) {
        float[] lanes = LANES.get();
        long byteAt = at * Float.BYTES;
        int full = n / L * L;
        double sum = 0;
        for (int start = 0; start < full; start += BLOCK) {
            int end = Math.min(full, start + BLOCK);
            FloatVector a0 = FloatVector.zero(S);
            for (int i = start; i < end; i += L) {
                long b = byteAt + (long) i * Float.BYTES;
                FloatVector s = FloatVector.fromMemorySegment(S, x, b, LE).add(FloatVector.fromMemorySegment(S, residual, b, LE));
                s.intoArray(buf, i);
                if (store) {
                    s.intoMemorySegment(residual, b, LE);
                }
                a0 = s.fma(s, a0);
            }
            a0.intoArray(lanes, 0);
            sum += VectorSoftmax.sumLanes(lanes);
        }
        return sum + addSquaresTail(x, residual, DType.F32, at, buf, full, n, store);
    }

    private static double addSquaresBf16(MemorySegment x, MemorySegment residual, long at, float[] buf, int n, boolean store) {
        float[] lanes = LANES.get();
        int full = n / L * L;
        double sum = 0;
        for (int start = 0; start < full; start += BLOCK) {
            int end = Math.min(full, start + BLOCK);
            FloatVector a0 = FloatVector.zero(S);
            for (int i = start; i < end; i += L) {
                FloatVector s = VectorElements.bf16At(x, at + i).add(VectorElements.bf16At(residual, at + i));
                s.intoArray(buf, i);
                if (store) {
                    VectorElements.storeBf16At(s, residual, at + i);
                }
                a0 = s.fma(s, a0);
            }
            a0.intoArray(lanes, 0);
            sum += VectorSoftmax.sumLanes(lanes);
        }
        return sum + addSquaresTail(x, residual, DType.BF16, at, buf, full, n, store);
    }

    /** The elements [full, n) of an addSquares pass, one by one: their sum of squares. */
    private static double addSquaresTail(MemorySegment x, MemorySegment residual, DType t, long at, float[] buf, int full, int n,
                                         boolean store) {
        double sum = 0;
        for (int i = full; i < n; i++) {
            float s = Elements.get(x, t, at + i) + Elements.get(residual, t, at + i);
            buf[i] = s;
            if (store) {
                Elements.set(residual, t, at + i, s);
            }
            sum += (double) s * s;
        }
        return sum;
    }

    /** Whether {@link #sumRow}, {@link #momentsRow} and {@link #storeSumRow} take rows of t. */
    static boolean readsRows(DType t) {
        return t == DType.F32 || t == DType.BF16;
    }

    /*
     * LayerNorm and rmsNorm on F32 and BF16 rows keep no copy of a row: each pass reads the row
     * from x, the first from memory and the later ones from cache. Measured on one thread of the
     * Zen 5 guest, [8192, 4096] F32 with a stand-alone loop: a row buffered in an array while
     * read and written back from it took 27-28 ms; the next row read while the previous one was
     * written, still through arrays, 21-23 ms; the same read again from x, 16-19 ms; a plain
     * streaming loop, 14-16 ms. The arrays' stores and their lines' traffic between L1 and L2 held
     * back the loads from memory.
     */

    /**
     * The sum of the n values of x (F32 or BF16) at element at, or of their squares: per block,
     * one vector an iteration into one accumulator, as {@link #storeSumRow} sums.
     */
    static double sumRow(MemorySegment x, DType t, long at, int n, boolean squares) {
        return t == DType.F32 ? sumRowF32(x, at, n, squares) : sumRowBf16(x, at, n, squares);
    }

    private static double sumRowF32(MemorySegment x, long at, int n, boolean squares) {
        float[] lanes = LANES.get();
        int full = n / L * L;
        double sum = 0;
        for (int start = 0; start < full; start += BLOCK) {
            int end = Math.min(full, start + BLOCK);
            FloatVector a0 = FloatVector.zero(S);
            for (int i = start; i < end; i += L) {
                FloatVector v = f32At(x, at + i);
                a0 = squares ? v.fma(v, a0) : a0.add(v);
            }
            a0.intoArray(lanes, 0);
            sum += VectorSoftmax.sumLanes(lanes);
        }
        return sum + sumTail(x, DType.F32, at, full, n, squares);
    }

    private static double sumRowBf16(MemorySegment x, long at, int n, boolean squares) {
        float[] lanes = LANES.get();
        int full = n / L * L;
        double sum = 0;
        for (int start = 0; start < full; start += BLOCK) {
            int end = Math.min(full, start + BLOCK);
            FloatVector a0 = FloatVector.zero(S);
            for (int i = start; i < end; i += L) {
                FloatVector v = VectorElements.bf16At(x, at + i);
                a0 = squares ? v.fma(v, a0) : a0.add(v);
            }
            a0.intoArray(lanes, 0);
            sum += VectorSoftmax.sumLanes(lanes);
        }
        return sum + sumTail(x, DType.BF16, at, full, n, squares);
    }

    /** The elements [full, n) of a row at element at, one by one: their sum, or sum of squares. */
    private static double sumTail(MemorySegment x, DType t, long at, int full, int n, boolean squares) {
        double sum = 0;
        for (int i = full; i < n; i++) {
            float v = Elements.get(x, t, at + i);
            sum += squares ? (double) v * v : v;
        }
        return sum;
    }

    /**
     * sums[0] = the sum of d = x - shift over the n values of x (F32 or BF16) at element at (in
     * float), sums[1] = the sum of d^2, as {@link #moments} takes them over a buffer; read from
     * cache, right after {@link #sumRow} or {@link #storeSumRow} read the row.
     */
    static void momentsRow(MemorySegment x, DType t, long at, int n, float shift, double[] sums) {
        if (t == DType.F32) {
            momentsRowF32(x, at, n, shift, sums);
        } else {
            momentsRowBf16(x, at, n, shift, sums);
        }
    }

    private static void momentsRowF32(MemorySegment x, long at, int n, float shift, double[] sums) {
        float[] lanes = LANES.get();
        int full = n / L * L;
        double sum = 0, squares = 0;
        for (int start = 0; start < full; start += BLOCK) {
            int end = Math.min(full, start + BLOCK);
            FloatVector s0 = FloatVector.zero(S), q0 = s0;
            for (int i = start; i < end; i += L) {
                FloatVector d = f32At(x, at + i).sub(shift);
                s0 = s0.add(d);
                q0 = d.fma(d, q0);
            }
            s0.intoArray(lanes, 0);
            sum += VectorSoftmax.sumLanes(lanes);
            q0.intoArray(lanes, 0);
            squares += VectorSoftmax.sumLanes(lanes);
        }
        sums[0] = sum;
        sums[1] = squares;
        for (int i = full; i < n; i++) { // as ScalarNorm.addMoments
            float d = Elements.get(x, DType.F32, at + i) - shift;
            sums[0] += d;
            sums[1] += (double) d * d;
        }
    }

    private static void momentsRowBf16(MemorySegment x, long at, int n, float shift, double[] sums) {
        float[] lanes = LANES.get();
        int full = n / L * L;
        double sum = 0, squares = 0;
        for (int start = 0; start < full; start += BLOCK) {
            int end = Math.min(full, start + BLOCK);
            FloatVector s0 = FloatVector.zero(S), q0 = s0;
            for (int i = start; i < end; i += L) {
                FloatVector d = VectorElements.bf16At(x, at + i).sub(shift);
                s0 = s0.add(d);
                q0 = d.fma(d, q0);
            }
            s0.intoArray(lanes, 0);
            sum += VectorSoftmax.sumLanes(lanes);
            q0.intoArray(lanes, 0);
            squares += VectorSoftmax.sumLanes(lanes);
        }
        sums[0] = sum;
        sums[1] = squares;
        for (int i = full; i < n; i++) { // as ScalarNorm.addMoments
            float d = Elements.get(x, DType.BF16, at + i) - shift;
            sums[0] += d;
            sums[1] += (double) d * d;
        }
    }

    /** The L F32 elements of s from element {@code from} on. */
    private static FloatVector f32At(MemorySegment s, long from) {
        return FloatVector.fromMemorySegment(S, s, from * Float.BYTES, LE);
    }

    /**
     * out[outAt, outAt + n) = x's row at prevAt normalized as {@link #normalizeStore}, in the same
     * loop as the sum of x's row at nextAt (or of its squares) is taken, with {@link #sumRow}'s
     * bits. out may be x; the rows may be one (then the sum is of the row as it was). Without beta
     * (the rms ops: hi = lo = 0) the loop reads no beta: a third array read beside the two rows
     * cost rmsNorm F32 [8192, 4096] about a quarter of its time. One vector an iteration: with two,
     * C2's node budget ran out before the second BF16 store was inlined, and its vectors were
     * boxed (in cache: 0.73 ns an element against 0.31 for F32).
     */
    static double storeSumRow(MemorySegment x, DType t, long prevAt, float hi, float lo, float scale, float[] gamma,
                              float[] beta, MemorySegment out, long outAt, long nextAt, int n, boolean squares) {
        if (beta == null) {
            return t == DType.F32 ? storeSumRowF32(x, prevAt, scale, gamma, out, outAt, nextAt, n, squares)
                    : storeSumRowBf16(x, prevAt, scale, gamma, out, outAt, nextAt, n, squares);
        }
        return t == DType.F32 ? storeSumRowAffineF32(x, prevAt, hi, lo, scale, gamma, beta, out, outAt, nextAt, n, squares)
                : storeSumRowAffineBf16(x, prevAt, hi, lo, scale, gamma, beta, out, outAt, nextAt, n, squares);
    }

    private static double storeSumRowAffineF32(MemorySegment x, long prevAt, float hi, float lo, float scale, float[] gamma,
                                                float[] beta, MemorySegment out, long outAt, long nextAt, int n,
                                                boolean squares) {
        float[] lanes = LANES.get();
        int full = n / L * L;
        double sum = 0;
        for (int start = 0; start < full; start += BLOCK) {
            int end = Math.min(full, start + BLOCK);
            FloatVector a0 = FloatVector.zero(S);
            for (int i = start; i < end; i += L) {
                FloatVector v = f32At(x, nextAt + i);
                a0 = squares ? v.fma(v, a0) : a0.add(v);
                f32At(x, prevAt + i).sub(hi).sub(lo).mul(scale)
                        .fma(FloatVector.fromArray(S, gamma, i), FloatVector.fromArray(S, beta, i))
                        .intoMemorySegment(out, (outAt + i) * Float.BYTES, LE);
            }
            a0.intoArray(lanes, 0);
            sum += VectorSoftmax.sumLanes(lanes);
        }
        storeRowTail(x, DType.F32, prevAt, hi, lo, scale, gamma, beta, out, outAt, full, n);
        return sum + sumTail(x, DType.F32, nextAt, full, n, squares);
    }

    private static double storeSumRowAffineBf16(MemorySegment x, long prevAt, float hi, float lo, float scale, float[] gamma,
                                                float[] beta, MemorySegment out, long outAt, long nextAt, int n,
                                                boolean squares) {
        float[] lanes = LANES.get();
        int full = n / L * L;
        double sum = 0;
        for (int start = 0; start < full; start += BLOCK) {
            int end = Math.min(full, start + BLOCK);
            FloatVector a0 = FloatVector.zero(S);
            for (int i = start; i < end; i += L) {
                FloatVector v = VectorElements.bf16At(x, nextAt + i);
                a0 = squares ? v.fma(v, a0) : a0.add(v);
                VectorElements.storeBf16At(VectorElements.bf16At(x, prevAt + i).sub(hi).sub(lo).mul(scale)
                        .fma(FloatVector.fromArray(S, gamma, i), FloatVector.fromArray(S, beta, i)), out, outAt + i);
            }
            a0.intoArray(lanes, 0);
            sum += VectorSoftmax.sumLanes(lanes);
        }
        storeRowTail(x, DType.BF16, prevAt, hi, lo, scale, gamma, beta, out, outAt, full, n);
        return sum + sumTail(x, DType.BF16, nextAt, full, n, squares);
    }

    private static double storeSumRowF32(MemorySegment x, long prevAt, float scale, float[] gamma, MemorySegment out,
                                         long outAt, long nextAt, int n, boolean squares) {
        float[] lanes = LANES.get();
        int full = n / L * L;
        double sum = 0;
        for (int start = 0; start < full; start += BLOCK) {
            int end = Math.min(full, start + BLOCK);
            FloatVector a0 = FloatVector.zero(S);
            for (int i = start; i < end; i += L) {
                FloatVector v = f32At(x, nextAt + i);
                a0 = squares ? v.fma(v, a0) : a0.add(v);
                f32At(x, prevAt + i).mul(scale).mul(FloatVector.fromArray(S, gamma, i))
                        .intoMemorySegment(out, (outAt + i) * Float.BYTES, LE);
            }
            a0.intoArray(lanes, 0);
            sum += VectorSoftmax.sumLanes(lanes);
        }
        storeRowTail(x, DType.F32, prevAt, 0f, 0f, scale, gamma, null, out, outAt, full, n);
        return sum + sumTail(x, DType.F32, nextAt, full, n, squares);
    }

    private static double storeSumRowBf16(MemorySegment x, long prevAt, float scale, float[] gamma, MemorySegment out,
                                         long outAt, long nextAt, int n, boolean squares) {
        float[] lanes = LANES.get();
        int full = n / L * L;
        double sum = 0;
        for (int start = 0; start < full; start += BLOCK) {
            int end = Math.min(full, start + BLOCK);
            FloatVector a0 = FloatVector.zero(S);
            for (int i = start; i < end; i += L) {
                FloatVector v = VectorElements.bf16At(x, nextAt + i);
                a0 = squares ? v.fma(v, a0) : a0.add(v);
                VectorElements.storeBf16At(
                        VectorElements.bf16At(x, prevAt + i).mul(scale).mul(FloatVector.fromArray(S, gamma, i)), out, outAt + i);
            }
            a0.intoArray(lanes, 0);
            sum += VectorSoftmax.sumLanes(lanes);
        }
        storeRowTail(x, DType.BF16, prevAt, 0f, 0f, scale, gamma, null, out, outAt, full, n);
        return sum + sumTail(x, DType.BF16, nextAt, full, n, squares);
    }

    /** The elements [full, n) of {@link #storeSumRow}'s output, one by one. */
    private static void storeRowTail(MemorySegment x, DType t, long prevAt, float hi, float lo, float scale, float[] gamma,
                                     float[] beta, MemorySegment out, long outAt, int full, int n) {
        for (int i = full; i < n; i++) {
            Elements.set(out, t, outAt + i, ScalarNorm.normalized(Elements.get(x, t, prevAt + i), hi, lo, scale, gamma, beta, i));
        }
    }

    @Override
    public double storeAddSquares(float[] prev, float scale, float[] gamma, MemorySegment out, long outAt,
                                  MemorySegment x, MemorySegment residual, DType t, long at, float[] buf, float[] other,
                                  int n) {
        // F32 rows in turn: in place, they ran at copy speed that way (bench [8192, 4096]: 13.1-13.6
        // ms, against 15.5-16.7 in one pass)
        if (t == DType.BF16) {
            return storeAddSquaresBf16(prev, scale, gamma, out, outAt, x, residual, at, buf, n);
        }
        return NormRow.super.storeAddSquares(prev, scale, gamma, out, outAt, x, residual, t, at, buf, other, n);
    }

    /** {@link #storeAddSquares} on BF16 rows: {@link #addSquaresBf16}'s blocks and accumulator. */
    private static double storeAddSquaresBf16(float[] prev, float scale, float[] gamma, MemorySegment out,
                                              long outAt, MemorySegment x, MemorySegment residual, long at, float[] buf, int n) {
        float[] lanes = LANES.get();
        int full = n / L * L;
        double sum = 0;
        for (int start = 0; start < full; start += BLOCK) {
            int end = Math.min(full, start + BLOCK);
            FloatVector a0 = FloatVector.zero(S);
            for (int i = start; i < end; i += L) {
                FloatVector s = VectorElements.bf16At(x, at + i).add(VectorElements.bf16At(residual, at + i));
                s.intoArray(buf, i);
                VectorElements.storeBf16At(s, residual, at + i);
                a0 = s.fma(s, a0);
                VectorElements.storeBf16At(FloatVector.fromArray(S, prev, i).mul(scale).mul(FloatVector.fromArray(S, gamma, i)),
                        out, outAt + i);
            }
            a0.intoArray(lanes, 0);
            sum += VectorSoftmax.sumLanes(lanes);
        }
        storeTail(prev, scale, gamma, out, outAt, DType.BF16, full, n);
        return sum + addSquaresTail(x, residual, DType.BF16, at, buf, full, n, true);
    }

    /** The elements [full, n) of prev's output (an rms op's: mean 0), one by one. */
    private static void storeTail(float[] prev, float scale, float[] gamma, MemorySegment out, long outAt, DType t, int full,
                                  int n) {
        for (int i = full; i < n; i++) {
            Elements.set(out, t, outAt + i, ScalarNorm.normalized(prev[i], 0f, 0f, scale, gamma, null, i));
        }
    }

    @Override
    public void moments(float[] buf, int n, float shift, double[] sums) {
        float[] lanes = LANES.get();
        FloatVector vShift = FloatVector.broadcast(S, shift);
        int full = n / L * L;
        double sum = 0, squares = 0;
        for (int start = 0; start < full; start += BLOCK) {
            int end = Math.min(full, start + BLOCK);
            FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0, q0 = s0, q1 = s0, q2 = s0, q3 = s0;
            int i = start;
            for (; i <= end - 4 * L; i += 4 * L) {
                FloatVector d0 = FloatVector.fromArray(S, buf, i).sub(vShift);
                FloatVector d1 = FloatVector.fromArray(S, buf, i + L).sub(vShift);
                FloatVector d2 = FloatVector.fromArray(S, buf, i + 2 * L).sub(vShift);
                FloatVector d3 = FloatVector.fromArray(S, buf, i + 3 * L).sub(vShift);
                s0 = s0.add(d0);
                s1 = s1.add(d1);
                s2 = s2.add(d2);
                s3 = s3.add(d3);
                q0 = d0.fma(d0, q0);
                q1 = d1.fma(d1, q1);
                q2 = d2.fma(d2, q2);
                q3 = d3.fma(d3, q3);
            }
            for (; i < end; i += L) {
                FloatVector d = FloatVector.fromArray(S, buf, i).sub(vShift);
                s0 = s0.add(d);
                q0 = d.fma(d, q0);
            }
            s0.add(s1).add(s2.add(s3)).intoArray(lanes, 0);
            sum += VectorSoftmax.sumLanes(lanes);
            q0.add(q1).add(q2.add(q3)).intoArray(lanes, 0);
            squares += VectorSoftmax.sumLanes(lanes);
        }
        sums[0] = sum;
        sums[1] = squares;
        ScalarNorm.addMoments(buf, full, n, shift, sums);
    }

    @Override
    public void normalizeStore(float[] buf, int n, float hi, float lo, float scale, float[] gamma, float[] beta, int at,
                               MemorySegment out, DType t, long outAt) {
        int full = n / L * L;
        if (t == DType.F32) {
            long byteAt = outAt * Float.BYTES;
            if (beta == null) {
                for (int i = 0; i < full; i += L) {
                    FloatVector.fromArray(S, buf, i).sub(hi).sub(lo).mul(scale).mul(FloatVector.fromArray(S, gamma, at + i))
                            .intoMemorySegment(out, byteAt + (long) i * Float.BYTES, LE);
                }
            } else {
                for (int i = 0; i < full; i += L) {
                    FloatVector.fromArray(S, buf, i).sub(hi).sub(lo).mul(scale)
                            .fma(FloatVector.fromArray(S, gamma, at + i), FloatVector.fromArray(S, beta, at + i))
                            .intoMemorySegment(out, byteAt + (long) i * Float.BYTES, LE);
                }
            }
            for (int i = full; i < n; i++) {
                out.setAtIndex(F32, outAt + i, ScalarNorm.normalized(buf[i], hi, lo, scale, gamma, beta, at + i));
            }
            return;
        }
        boolean bf16 = t == DType.BF16;
        for (int i = 0; i < full; i += L) {
            FloatVector v = FloatVector.fromArray(S, buf, i).sub(hi).sub(lo).mul(scale);
            FloatVector g = FloatVector.fromArray(S, gamma, at + i);
            FloatVector y = beta == null ? v.mul(g) : v.fma(g, FloatVector.fromArray(S, beta, at + i));
            if (bf16) {
                VectorElements.storeBf16At(y, out, outAt + i);
            } else {
                y.intoArray(buf, i);
            }
        }
        for (int i = full; i < n; i++) {
            float y = ScalarNorm.normalized(buf[i], hi, lo, scale, gamma, beta, at + i);
            if (bf16) {
                Elements.set(out, t, outAt + i, y);
            } else {
                buf[i] = y;
            }
        }
        if (!bf16) {
            Elements.store(buf, 0, out, t, outAt, n); // F16
        }
    }
}
