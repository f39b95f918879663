package dev.panamax.cpu;

import dev.panamax.DType;

import java.lang.foreign.MemorySegment;

/**
 * The per-row arithmetic of softmax on a float buffer, shared by softmax and gating: Vector API
 * when present, scalar Java otherwise. Each method reads {@code buf[0, n)} and may write
 * {@code buf[n, n + PAD)} (padding to whole vectors), so buffers hold n + {@link #PAD} floats.
 * A max of -inf (every entry -inf) yields zeros, never NaN from -inf - (-inf).
 */
interface SoftmaxRow {
    /** Spare floats a buffer needs past the row: enough for the widest vector (512 bits). */
    int PAD = 16;

    /** In place: buf = exp(buf - max) / sum(exp(buf - max)). */
    void softmax(float[] buf, int n);

    /**
     * One row of n elements of dtype t from element {@code from} of x into the same place of out
     * (which may be x), with buf (n + PAD floats) as scratch: read once, written once.
     */
    default void softmax(MemorySegment x, MemorySegment out, DType t, long from, int n, float[] buf) {
        Elements.load(x, t, from, buf, 0, n);
        softmax(buf, n);
        Elements.store(buf, 0, out, t, from, n);
    }

    /**
     * Rows [r0, r1) of n elements each (row r from element r * n), as {@link #softmax(MemorySegment,
     * MemorySegment, DType, long, int, float[])} gives each of them, with three buffers of n +
     * {@link #PAD} floats.
     */
    default void softmaxRows(MemorySegment x, MemorySegment out, DType t, long r0, long r1, int n, float[][] bufs) {
        for (long r = r0; r < r1; r++) {
            softmax(x, out, t, r * n, n, bufs[0]);
        }
    }

    /**
     * {@code ms[0]} = max of buf, {@code ms[1]} = sum of exp(buf - max) (0 when max is -inf).
     * May overwrite buf (with the exps).
     */
    void maxSum(float[] buf, int n, float[] ms);

    /** In place: buf = exp(buf - max) * inv (zeros when max is -inf). */
    void scaleExp(float[] buf, int n, float max, float inv);

    static SoftmaxRow get() {
        return CpuSimd.VECTOR ? VectorSoftmax.INSTANCE : ScalarSoftmax.INSTANCE;
    }
}
