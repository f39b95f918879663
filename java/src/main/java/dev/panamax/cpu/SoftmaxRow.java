package dev.panamax.cpu;

/**
 * The per-row arithmetic of softmax on a float buffer, shared by softmax, attention's combine and
 * gating: Vector API when present, scalar Java otherwise. Each method reads {@code buf[0, n)}.
 * A max of -inf (every entry -inf) yields zeros, never NaN from -inf - (-inf).
 */
interface SoftmaxRow {
    /** In place: buf = exp(buf - max) / sum(exp(buf - max)). */
    void softmax(float[] buf, int n);

    /** {@code ms[0]} = max of buf, {@code ms[1]} = sum of exp(buf - max) (0 when max is -inf). */
    void maxSum(float[] buf, int n, float[] ms);

    /** In place: buf = exp(buf - max) * inv (zeros when max is -inf). */
    void scaleExp(float[] buf, int n, float max, float inv);

    static SoftmaxRow get() {
        return SoftmaxScalar.INSTANCE;
    }
}
