package dev.panamax.cpu;

/**
 * The passes a row norm makes over a row held in a float buffer, Vector API when present, scalar
 * Java otherwise; {@link CpuNorm} composes them. Each pass reads {@code buf[0, n)} (the buffer is
 * L1- or L2-resident: the row was read from memory once, into it) and returns its sum in double,
 * added in a fixed order, so that results are deterministic. Buffers hold n + {@link #PAD} floats.
 */
interface NormRow {
    /** Spare floats a buffer needs past the row. */
    int PAD = 16;

    /** The sum of buf[0, n). */
    double sum(float[] buf, int n);

    /** buf[i] -= shift (in float); returns the sum of the new values. */
    double shiftSum(float[] buf, int n, float shift);

    /** buf[i] -= shift (in float); returns the sum of the squares of the new values. */
    double shiftSquares(float[] buf, int n, float shift);

    /**
     * buf[i] = (buf[i] - shift) * scale * gamma[at + i] + beta[at + i] (without beta when it is
     * null), the last step one fused multiply-add.
     */
    void normalize(float[] buf, int n, float shift, float scale, float[] gamma, float[] beta, int at);

    static NormRow get() {
        return CpuSimd.VECTOR ? VectorNorm.INSTANCE : ScalarNorm.INSTANCE;
    }
}
