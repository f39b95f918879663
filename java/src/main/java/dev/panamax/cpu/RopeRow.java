package dev.panamax.cpu;

/**
 * The per-row arithmetic of rope on a float buffer: Vector API when present, scalar Java
 * otherwise; both give the same bits (two products and a sum, each rounded to float, no fused
 * multiply-add). {@link #tables} computes one position's cos and sin once, {@link #rotate} applies
 * them to each row of that position.
 */
interface RopeRow {
    /**
     * The tables of one position for {@link #rotate}, each of 2 * pairs floats: the cos and sin of
     * a = position * inv[i], one F32 product, taken by {@code Math.cos} and {@code Math.sin} of that
     * float and rounded to float, laid out as this implementation reads them.
     */
    void tables(float position, float[] inv, int pairs, float[] cos, float[] sin);

    /** Rotates the pairs among the first 2 * pairs floats of row, in place, with the tables from element {@code at} on. */
    void rotate(float[] row, int pairs, float[] cos, float[] sin, int at);

    static RopeRow get(boolean interleaved) {
        if (CpuSimd.VECTOR) {
            return interleaved ? VectorRope.INTERLEAVED : VectorRope.HALVES;
        }
        return interleaved ? ScalarRope.INTERLEAVED : ScalarRope.HALVES;
    }

    /** cos[i] and sin[i] of pair i, i &lt; pairs: the angles every layout starts from. */
    static void angles(float position, float[] inv, int pairs, float[] cos, float[] sin) {
        for (int i = 0; i < pairs; i++) {
            float a = position * inv[i];
            cos[i] = (float) Math.cos(a);
            sin[i] = (float) Math.sin(a);
        }
    }
}
