package dev.panamax.cpu;

import dev.panamax.DType;
import dev.panamax.internal.Kernels.ElementwiseOp;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

/**
 * {@link ElementwiseBlock} on the Vector API, whole vectors over the padded block. The
 * transcendental ops go through {@link VectorActivations} with {@link VectorExp}'s exp (its own
 * lane-wise exp, so that the bits are the same compiled or interpreted, unlike the library's
 * vector exp), in one loop per vector.
 * <ul>
 *   <li>silu and swiglu: x * sigmoid(x), sigmoid(z) = (z &gt;= 0 ? 1 : e) / (1 + e) with
 *       e = exp(-|z|), which neither overflows nor loses the small side's precision;</li>
 *   <li>tanh GELU: 0.5 x (1 + tanh(y)) = x * sigmoid(2y), y = sqrt(2/pi) (x + 0.044715 x^3);</li>
 *   <li>erf GELU: 0.5 x erfc(-x / sqrt 2) (= 0.5 x (1 + erf(x / sqrt 2)), accurate on the
 *       negative tail), with {@link Erf}'s two regions on every lane, chosen per lane.</li>
 * </ul>
 */
final class VectorElementwise implements ElementwiseBlock {
    static final VectorElementwise INSTANCE = new VectorElementwise();

    private static final VectorSpecies<Float> S = VectorExp.S;
    private static final int L = S.length();
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private VectorElementwise() {
    }

    @Override
    public void apply(ElementwiseOp op, float[] x, float[] b, int bAt, float[] tmp, int n) {
        int nv = (n + L - 1) / L * L;
        switch (op) {
            case ADD -> {
                for (int i = 0; i < nv; i += L) {
                    FloatVector.fromArray(S, x, i).add(FloatVector.fromArray(S, b, bAt + i)).intoArray(x, i);
                }
            }
            case MUL -> {
                for (int i = 0; i < nv; i += L) {
                    FloatVector.fromArray(S, x, i).mul(FloatVector.fromArray(S, b, bAt + i)).intoArray(x, i);
                }
            }
            case SILU, SWIGLU, GELU_TANH, GELU_ERF -> VectorActivations.apply(op, x, b, bAt, nv);
        }
    }

    @Override
    public boolean hasDirect(ElementwiseOp op, DType dtype) {
        return dtype == DType.F32 || dtype == DType.BF16;
    }

    @Override
    public void direct(ElementwiseOp op, DType dtype, MemorySegment a, MemorySegment b, long bSize, MemorySegment out,
                       long from, long to) {
        if (op != ElementwiseOp.ADD && op != ElementwiseOp.MUL) {
            VectorActivations.run(op, dtype, a, b, out, from, to);
            return;
        }
        boolean add = op == ElementwiseOp.ADD;
        boolean f32 = dtype == DType.F32;
        long i = from;
        while (i < to) {
            long j = i % bSize;
            long run = Math.min(to - i, bSize - j); // elements until b wraps around
            long k = 0;
            for (; k + L <= run; k += L) {
                FloatVector x = f32 ? FloatVector.fromMemorySegment(S, a, (i + k) * 4, LE) : VectorElements.bf16At(a, i + k);
                FloatVector y = f32 ? FloatVector.fromMemorySegment(S, b, (j + k) * 4, LE) : VectorElements.bf16At(b, j + k);
                FloatVector r = add ? x.add(y) : x.mul(y);
                if (f32) {
                    r.intoMemorySegment(out, (i + k) * 4, LE);
                } else {
                    VectorElements.storeBf16At(r, out, i + k);
                }
            }
            for (; k < run; k++) { // the tail, element by element (the same F32 arithmetic and rounding)
                float x = Elements.get(a, dtype, i + k), y = Elements.get(b, dtype, j + k);
                Elements.set(out, dtype, i + k, add ? x + y : x * y);
            }
            i += run;
        }
    }
}
