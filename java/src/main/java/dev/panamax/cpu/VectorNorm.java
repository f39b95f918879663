package dev.panamax.cpu;

import dev.panamax.DType;
import dev.panamax.internal.Kernels.ElementwiseOp;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * {@link NormRow} on the Vector API. F32 and BF16 rows are read straight from memory into the
 * buffer by the pass that sums them (BF16 widened on the way, {@link VectorElements#bf16At}), and
 * written straight from the buffer by the last pass (BF16 rounded on the way); F16 rows are
 * widened and rounded through {@link Elements}. Sums run in two (the loading pass) or four (the
 * moments) vector accumulators, independent add chains, over blocks of {@link #BLOCK} elements;
 * each block's accumulators are added and its lanes summed left to right into a double
 * ({@link VectorSoftmax#sumLanes}), so a sum is accurate and its bits do not depend on how the JIT
 * would reduce lanes. The tail past the last whole vector is added element by element, last.
 * Arrays pass between methods, never vectors, but for VectorElements' one-vector BF16 helpers,
 * small enough that C2 inlines them.
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
        if (t != DType.F32) {
            Elements.load(x, t, at, buf, 0, n);
            Elements.load(residual, t, at, other, 0, n);
            VectorElementwise.INSTANCE.apply(ElementwiseOp.ADD, buf, other, 0, null, n);
            if (store) {
                Elements.store(buf, 0, residual, t, at, n);
            }
            return sum(null, 0, buf, n, null, true);
        }
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
        for (int i = full; i < n; i++) {
            float s = x.getAtIndex(F32, at + i) + residual.getAtIndex(F32, at + i);
            buf[i] = s;
            if (store) {
                residual.setAtIndex(F32, at + i, s);
            }
            sum += (double) s * s;
        }
        return sum;
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
