package dev.panamax.cpu;

import dev.panamax.internal.Kernels.ElementwiseOp;

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

    static ElementwiseBlock get() {
        return CpuSimd.VECTOR ? VectorElementwise.INSTANCE : ScalarElementwise.INSTANCE;
    }
}
