package dev.panamax.cpu;

/**
 * The arithmetic on one tile of flash attention, on float buffers: a block of query rows
 * q [rows, d], a tile of keys k [keys, d] and values v [keys, d], scores s [rows, keys] with row
 * stride {@code lds}, and the running state of each row (max m, sum l, accumulator acc [rows, d]).
 * Vector API when present, scalar Java otherwise.
 */
interface AttentionTiles {
    /** s[i, j] = dot(q[i], k[j]) for i &lt; rows, j &lt; keys. */
    void scores(float[] q, int rows, int d, float[] k, int keys, float[] s, int lds);

    /**
     * Online softmax over one tile for each row: m[i] becomes max(m[i], max_j s[i, j]); s[i, j]
     * becomes p = exp(s[i, j] - m[i]) (0 for -inf); l[i] = l[i] * f[i] + sum_j p; f[i] receives the
     * factor exp(old m - new m) by which the row's accumulator must be rescaled (1 while the row
     * has seen only -inf, whose accumulator is still zero).
     */
    void online(float[] s, int rows, int keys, int lds, float[] m, float[] l, float[] f);

    /** acc[i] = acc[i] * f[i] + sum_j s[i, j] * v[j] for i &lt; rows (acc [rows, d]). */
    void accumulate(float[] s, int rows, int keys, int lds, float[] v, int d, float[] f, float[] acc);

    static AttentionTiles get() {
        return AttentionScalar.INSTANCE;
    }
}
