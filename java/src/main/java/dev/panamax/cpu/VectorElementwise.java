package dev.panamax.cpu;

import dev.panamax.DType;
import dev.panamax.internal.Kernels.ElementwiseOp;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

import static dev.panamax.cpu.ScalarElementwise.FRAC_1_SQRT_2;
import static dev.panamax.cpu.ScalarElementwise.GELU_CUBIC;
import static dev.panamax.cpu.ScalarElementwise.SQRT_2_OVER_PI;

/**
 * {@link ElementwiseBlock} on the Vector API, whole vectors over the padded block. The
 * transcendental ops go through {@link VectorExp} (its own lane-wise exp, so that the bits are
 * the same compiled or interpreted, unlike the library's vector exp): each writes the exp's
 * argument for every lane into tmp, exponentiates tmp in place, and finishes in a third loop.
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
            case SILU, SWIGLU -> {
                for (int i = 0; i < nv; i += L) {
                    FloatVector.fromArray(S, x, i).abs().neg().intoArray(tmp, i);
                }
                VectorExp.expShift(tmp, 0, nv, 0f, 1f, null, 0);
                sigmoidTimes(x, x, tmp, op == ElementwiseOp.SWIGLU ? b : null, bAt, nv);
            }
            case GELU_TANH -> {
                float twoScale = 2 * SQRT_2_OVER_PI;
                for (int i = 0; i < nv; i += L) {
                    FloatVector v = FloatVector.fromArray(S, x, i);
                    v.mul(v).fma(GELU_CUBIC, 1f).mul(v).mul(twoScale).abs().neg().intoArray(tmp, i);
                }
                VectorExp.expShift(tmp, 0, nv, 0f, 1f, null, 0);
                sigmoidTimes(x, x, tmp, null, 0, nv); // sign(2y) = sign(x)
            }
            case GELU_ERF -> geluErf(x, tmp, nv);
        }
    }

    @Override
    public boolean hasDirect(ElementwiseOp op, DType dtype) {
        return (op == ElementwiseOp.ADD || op == ElementwiseOp.MUL) && (dtype == DType.F32 || dtype == DType.BF16);
    }

    @Override
    public void direct(ElementwiseOp op, DType dtype, MemorySegment a, MemorySegment b, long bSize, MemorySegment out,
                       long from, long to) {
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

    /**
     * x[i] = v[i] * sigmoid(z) * (b[bAt + i] when b is given), where tmp[i] = exp(-|z|) and z has
     * the sign of v[i].
     */
    private static void sigmoidTimes(float[] x, float[] v, float[] tmp, float[] b, int bAt, int nv) {
        for (int i = 0; i < nv; i += L) {
            FloatVector xv = FloatVector.fromArray(S, v, i);
            FloatVector e = FloatVector.fromArray(S, tmp, i);
            VectorMask<Float> nonNegative = xv.compare(VectorOperators.GE, 0f);
            FloatVector r = xv.mul(e.blend(1f, nonNegative).div(e.add(1f)));
            if (b != null) {
                r = r.mul(FloatVector.fromArray(S, b, bAt + i));
            }
            r.intoArray(x, i);
        }
    }

    /** 0.5 x erfc(-x / sqrt 2) with {@link Erf}'s two regions on every lane, chosen per lane. */
    private static void geluErf(float[] x, float[] tmp, int nv) {
        for (int i = 0; i < nv; i += L) {
            FloatVector c = FloatVector.fromArray(S, x, i).mul(FRAC_1_SQRT_2).abs().min(Erf.CLAMP);
            c.mul(c).neg().intoArray(tmp, i); // the far region's exp(-hi)
        }
        VectorExp.expShift(tmp, 0, nv, 0f, 1f, null, 0);
        for (int i = 0; i < nv; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, i);
            FloatVector t = v.mul(-FRAC_1_SQRT_2);
            FloatVector a = t.abs();
            FloatVector c = a.min(Erf.CLAMP);
            FloatVector hi = c.mul(c);
            FloatVector lo = c.fma(c, hi.neg());
            FloatVector u = FloatVector.broadcast(S, 1f).div(c);
            FloatVector w = u.fma(Erf.W_SCALE, Erf.W_SHIFT);
            FloatVector p = w.fma(Erf.S11, Erf.S10);
            p = p.fma(w, FloatVector.broadcast(S, Erf.S9));
            p = p.fma(w, FloatVector.broadcast(S, Erf.S8));
            p = p.fma(w, FloatVector.broadcast(S, Erf.S7));
            p = p.fma(w, FloatVector.broadcast(S, Erf.S6));
            p = p.fma(w, FloatVector.broadcast(S, Erf.S5));
            p = p.fma(w, FloatVector.broadcast(S, Erf.S4));
            p = p.fma(w, FloatVector.broadcast(S, Erf.S3));
            p = p.fma(w, FloatVector.broadcast(S, Erf.S2));
            p = p.fma(w, FloatVector.broadcast(S, Erf.S1));
            p = p.fma(w, FloatVector.broadcast(S, Erf.S0));
            FloatVector far = FloatVector.fromArray(S, tmp, i).mul(lo.neg().add(1f)).mul(p).mul(u);
            far = far.neg().add(2f).blend(far, t.compare(VectorOperators.GT, 0f)); // 2 - erfc(|t|) for t < 0; NaN stays
            FloatVector s = t.mul(t);
            FloatVector q = s.fma(Erf.P5, Erf.P4).fma(s, FloatVector.broadcast(S, Erf.P3))
                    .fma(s, FloatVector.broadcast(S, Erf.P2)).fma(s, FloatVector.broadcast(S, Erf.P1))
                    .fma(s, FloatVector.broadcast(S, Erf.P0));
            FloatVector near = FloatVector.broadcast(S, 1f).sub(q.fma(t, t));
            FloatVector erfc = far.blend(near, a.compare(VectorOperators.LT, Erf.SPLIT));
            v.mul(erfc).mul(0.5f).intoArray(x, i);
        }
    }
}
