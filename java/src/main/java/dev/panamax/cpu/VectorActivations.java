package dev.panamax.cpu;

import dev.panamax.DType;
import dev.panamax.internal.Kernels.ElementwiseOp;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

import static dev.panamax.cpu.ScalarElementwise.FRAC_1_SQRT_2;
import static dev.panamax.cpu.ScalarElementwise.GELU_CUBIC;
import static dev.panamax.cpu.ScalarElementwise.SQRT_2_OVER_PI;

/**
 * The activations (silu, swiglu, both GELUs) on F32 lanes read from and written to native
 * segments, one pass: each vector is loaded, its exp and sigmoid or erfc taken in registers, the
 * product formed and stored. F32 tensors run straight between their segments; BF16 chunks of
 * {@link #CHUNK} elements are widened into a per-thread F32 stage, computed there in place and
 * rounded once into out; F16 blocks ({@link VectorElementwise#apply}) are copied through the same
 * stage. The loops take no dtype: a loop that branched on the dtype around its loads and stores
 * would share one profile between F32 and BF16 calls, and C2, seeing the other dtype's branch as
 * cold, declines to inline its conversion there, which then boxes every vector (measured: a BF16
 * silu 8 times slower after F32 ones). For the same reason the loops call no method that takes
 * or returns a vector but {@link VectorExp#exp}, which every iteration calls.
 */
final class VectorActivations {
    private static final VectorSpecies<Float> S = VectorExp.S;
    private static final int L = S.length();
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    /** Elements per staged chunk: a few KiB, in L1. */
    private static final int CHUNK = 512;
    /** Per thread: the F32 stage, x at element 0 and b (swiglu) at element CHUNK. */
    private static final ThreadLocal<MemorySegment> STAGE =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(2L * CHUNK * Float.BYTES, 64));

    private VectorActivations() {
    }

    /** out[i] = op(a[i], b[i]) for i in [from, to), t F32 or BF16 (b only for swiglu; out may be a). */
    static void run(ElementwiseOp op, DType t, MemorySegment a, MemorySegment b, MemorySegment out, long from, long to) {
        MemorySegment gate = op == ElementwiseOp.SWIGLU ? b : null;
        long whole = t == DType.F32 ? from + (to - from) / L * L : from;
        if (op != ElementwiseOp.GELU_ERF) {
            compute(op, a, from, gate, from, out, from, whole - from);
        } else {
            int touched = 0;
            for (long at = from; at < whole; at += AHEAD) { // F32 whole vectors, a block at a time
                long next = at + AHEAD;
                if (next < whole) {
                    touched ^= touch(a, next, Math.min(AHEAD, whole - next));
                }
                compute(op, a, at, gate, at, out, at, Math.min(AHEAD, whole - at));
            }
            sink = touched;
        }
        MemorySegment stage = STAGE.get();
        long size = t.byteSize();
        for (long at = whole; at < to; at += CHUNK) { // BF16 chunks, or an F32 tail shorter than a vector
            int len = (int) Math.min(CHUNK, to - at);
            widen(a, t, at, stage, 0, len);
            if (gate != null) {
                widen(b, t, at, stage, CHUNK, len);
            }
            // whole vectors: the lanes past len hold what an earlier chunk left, computed but never stored
            compute(op, stage, 0, gate == null ? null : stage, CHUNK, stage, 0, (len + L - 1) / L * L);
            if (t == DType.F32) {
                MemorySegment.copy(stage, 0, out, at * size, len * size);
            } else {
                roundBf16(stage, out, at, len);
            }
        }
    }

    /**
     * F32 elements per block of the direct path: the next block's input is touched (a load per
     * cache line) before the current one is computed. The loads go out together, early, and bring
     * the lines in while the block's arithmetic runs; left to the hardware prefetcher, the
     * arithmetic and the reads from memory did not overlap. One thread, GELU (erf) over 64 MiB
     * from memory: 1.51 ns per element untouched, 1.19-1.22 touched 256 floats ahead (1,024:
     * 1.25-1.34; 4,096: 1.28-1.29; in L1 the arithmetic alone takes 0.81). Touching the output's
     * lines as well made it slower (1.42-1.45). Only GELU (erf) is touched: SiLU and tanh GELU,
     * a third of its arithmetic, were as fast or slower touched (0.73 and 0.85-0.92 ns against
     * 0.72-0.74 and 0.82). A BF16 row's chunks, touched the same way, were no faster (bench,
     * [8192, 4096]: 21.0 against 22.1 ms), so they are not touched.
     */
    private static final int AHEAD = 256;
    /** Where the touches' values go, so that the JIT keeps the loads. */
    @SuppressWarnings("unused")
    private static int sink;

    /** One byte of each cache line of the F32 elements [from, from + n) of s, xor-ed. */
    private static int touch(MemorySegment s, long from, long n) {
        int x = 0;
        for (long b = from * Float.BYTES, end = (from + n) * Float.BYTES; b < end; b += 64) {
            x ^= s.get(ValueLayout.JAVA_BYTE, b);
        }
        return x;
    }

    /** In place on x[0, n), n a multiple of L: x[i] = op(x[i], b[bAt + i]) (b for swiglu only), through the stage. */
    static void apply(ElementwiseOp op, float[] x, float[] b, int bAt, int n) {
        MemorySegment stage = STAGE.get();
        boolean gated = op == ElementwiseOp.SWIGLU;
        for (int at = 0; at < n; at += CHUNK) {
            int len = Math.min(CHUNK, n - at);
            MemorySegment.copy(x, at, stage, ValueLayout.JAVA_FLOAT, 0, len);
            if (gated) {
                MemorySegment.copy(b, bAt + at, stage, ValueLayout.JAVA_FLOAT, (long) CHUNK * Float.BYTES, len);
            }
            compute(op, stage, 0, gated ? stage : null, CHUNK, stage, 0, len);
            MemorySegment.copy(stage, ValueLayout.JAVA_FLOAT, 0, x, at, len);
        }
    }

    /** n F32 elements of t (F32 or BF16) from element {@code from} of s into the stage from element {@code at}. */
    private static void widen(MemorySegment s, DType t, long from, MemorySegment stage, long at, int n) {
        if (t == DType.F32) {
            MemorySegment.copy(s, from * Float.BYTES, stage, at * Float.BYTES, (long) n * Float.BYTES);
            return;
        }
        int k = 0;
        for (; k + L <= n; k += L) {
            VectorElements.bf16At(s, from + k).intoMemorySegment(stage, (at + k) * Float.BYTES, LE);
        }
        for (; k < n; k++) {
            stage.setAtIndex(ValueLayout.JAVA_FLOAT, at + k, Elements.get(s, t, from + k));
        }
    }

    /** The stage's first n floats rounded to BF16 into out from element {@code from}. */
    private static void roundBf16(MemorySegment stage, MemorySegment out, long from, int n) {
        int k = 0;
        for (; k + L <= n; k += L) {
            VectorElements.storeBf16At(FloatVector.fromMemorySegment(S, stage, (long) k * Float.BYTES, LE), out, from + k);
        }
        for (; k < n; k++) {
            Elements.set(out, DType.BF16, from + k, stage.getAtIndex(ValueLayout.JAVA_FLOAT, k));
        }
    }

    /** n (a multiple of L) F32 elements: a from element aAt on, b from bAt (swiglu, else null), out from outAt. */
    private static void compute(ElementwiseOp op, MemorySegment a, long aAt, MemorySegment b, long bAt, MemorySegment out,
                                long outAt, long n) {
        if (op == ElementwiseOp.GELU_ERF) {
            geluErf(a, aAt, out, outAt, n);
        } else {
            sigmoidTimes(op == ElementwiseOp.GELU_TANH, a, aAt, b, bAt, out, outAt, n);
        }
    }

    /**
     * x * sigmoid(z) (* b when b is not null): sigmoid(z) = (z &gt;= 0 ? 1 : e) / (1 + e), e =
     * exp(-|z|), for z = x (silu, swiglu) or 2 sqrt(2/pi) (x + 0.044715 x^3) (tanh GELU; sign(z) =
     * sign(x)).
     */
    private static void sigmoidTimes(boolean tanh, MemorySegment a, long aAt, MemorySegment b, long bAt,
                                     MemorySegment out, long outAt, long n) {
        float twoScale = 2 * SQRT_2_OVER_PI;
        for (long k = 0; k < n; k += L) {
            FloatVector v = FloatVector.fromMemorySegment(S, a, (aAt + k) * Float.BYTES, LE);
            FloatVector z = tanh ? v.mul(v).fma(GELU_CUBIC, 1f).mul(v).mul(twoScale) : v;
            FloatVector e = VectorExp.exp(z.abs().neg());
            VectorMask<Float> nonNegative = v.compare(VectorOperators.GE, 0f);
            FloatVector r = v.mul(e.blend(1f, nonNegative).div(e.add(1f)));
            if (b != null) {
                r = r.mul(FloatVector.fromMemorySegment(S, b, (bAt + k) * Float.BYTES, LE));
            }
            r.intoMemorySegment(out, (outAt + k) * Float.BYTES, LE);
        }
    }

    /** 0.5 x erfc(-x / sqrt 2) with {@link Erf}'s two regions on every lane, chosen per lane. */
    private static void geluErf(MemorySegment a, long aAt, MemorySegment out, long outAt, long n) {
        for (long k = 0; k < n; k += L) {
            FloatVector v = FloatVector.fromMemorySegment(S, a, (aAt + k) * Float.BYTES, LE);
            FloatVector t = v.mul(-FRAC_1_SQRT_2);
            FloatVector abs = t.abs();
            FloatVector c = abs.min(Erf.CLAMP);
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
            FloatVector far = VectorExp.exp(hi.neg()).mul(lo.neg().add(1f)).mul(p).mul(u);
            far = far.neg().add(2f).blend(far, t.compare(VectorOperators.GT, 0f)); // 2 - erfc(|t|) for t < 0; NaN stays
            FloatVector s = t.mul(t);
            FloatVector q = s.fma(Erf.P5, Erf.P4).fma(s, FloatVector.broadcast(S, Erf.P3))
                    .fma(s, FloatVector.broadcast(S, Erf.P2)).fma(s, FloatVector.broadcast(S, Erf.P1))
                    .fma(s, FloatVector.broadcast(S, Erf.P0));
            FloatVector near = FloatVector.broadcast(S, 1f).sub(q.fma(t, t));
            FloatVector erfc = far.blend(near, abs.compare(VectorOperators.LT, Erf.SPLIT));
            v.mul(erfc).mul(0.5f).intoMemorySegment(out, (outAt + k) * Float.BYTES, LE);
        }
    }
}
