package dev.panamax.cpu;

/**
 * The softmax side of one flash-attention tile (the two products go through {@link GemmKernel}):
 * scores s [rows, keys] with row stride {@code lds}, and each row's running max m, sum l and
 * rescale factor f, at {@code at} in their arrays. Vector API when present, scalar Java otherwise.
 */
interface AttentionTiles {
    /**
     * Online softmax over one tile for each row i: m[i] becomes max(m[i], max_j s[i, j]);
     * s[i, j] becomes p = exp(s[i, j] - m[i]) (0 for -inf); l[i] = l[i] * f[i] + sum_j p, where
     * f[i] = exp(old m - new m) is the factor the row's accumulator must be scaled by (1 while
     * the row has seen only -inf: its accumulator is still zero). keys is a multiple of 16.
     */
    void online(float[] s, int rows, int keys, int lds, float[] m, float[] l, float[] f, int at);

    /** acc[r, 0..width) *= f[at + r] for r &lt; rows (acc rows of stride width from accOff). */
    void rescale(float[] acc, int accOff, int rows, int width, float[] f, int at);

    static AttentionTiles get() {
        return CpuSimd.VECTOR ? VectorAttentionTiles.INSTANCE : ScalarAttentionTiles.INSTANCE;
    }
}
