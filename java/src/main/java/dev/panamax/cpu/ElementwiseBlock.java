package dev.panamax.cpu;

import dev.panamax.DType;
import dev.panamax.internal.Kernels.ElementwiseOp;

import java.lang.foreign.MemorySegment;

/**
 * The arithmetic of the elementwise ops on a block of floats, Vector API when present, scalar
 * Java otherwise. Buffers hold n + {@link #PAD} floats: an implementation may compute (and write)
 * whole vectors past n, whose values are never stored.
 */
interface ElementwiseBlock {
    /** Spare floats a buffer needs past the block: enough for the widest vector (512 bits). */
    int PAD = 16;

    /**
     * In place: x[i] = op(x[i], b[bAt + i]) for i &lt; n (b unused by the unary ops, and then may be
     * null); tmp is scratch of n + PAD floats.
     */
    void apply(ElementwiseOp op, float[] x, float[] b, int bAt, float[] tmp, int n);

    /**
     * Whether {@link #direct} computes {@code op} on {@code dtype} from and into the segments
     * itself, without the caller's blocks of {@link CpuElementwise#BLOCK}.
     */
    default boolean hasDirect(ElementwiseOp op, DType dtype) {
        return false;
    }

    /**
     * For an op and dtype that {@link #hasDirect}: out[i] = a[i] op b[i mod bSize] for i in
     * [from, to), elements of the segments (any element alignment; out may be a).
     */
    default void direct(ElementwiseOp op, DType dtype, MemorySegment a, MemorySegment b, long bSize, MemorySegment out,
                        long from, long to) {
        throw new UnsupportedOperationException(op + " on " + dtype + " has no direct path here");
    }

    static ElementwiseBlock get() {
        return CpuSimd.VECTOR ? VectorElementwise.INSTANCE : ScalarElementwise.INSTANCE;
    }
}
