package dev.panamax.reference;

/**
 * The float64 oracle for every op and every backend. Written for clarity, not speed: every sum
 * is in double, so that the ground truth is far more precise than any kernel under test. Inputs
 * are the float values the kernel saw (16-bit inputs already widened), row-major.
 *
 * <p>Ordering rule shared with every kernel (top-K and gating): a larger value comes first; NaN
 * counts as larger than everything; equal values (NaN with NaN, -0.0 with 0.0) keep the lower
 * index first. Gating selects on the logits, whose order is the order of the probabilities.
 *
 * <p>Each op has a per-element form ({@code gemmAt}, {@code attentionRow}, ...) so that callers
 * checking a large result can check a sample of it.
 */
public final class Reference64 {
    private Reference64() {
    }

    // ---------------------------------------------------------------- GEMM

    /**
     * {@code c[b] = alpha * op(a[b]) @ op(b[b or 0]) + beta * c[b]}; c may be null when beta == 0
     * (BLAS: beta == 0 ignores c, NaN included). Returns [batch, m, n].
     */
    public static double[] gemm(int batch, int m, int n, int k, double alpha, float[] a, boolean transA,
                                float[] b, boolean transB, boolean bBatched, double beta, float[] c) {
        double[] out = new double[batch * m * n];
        for (int bi = 0; bi < batch; bi++) {
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    out[(bi * m + i) * n + j] = gemmAt(bi, i, j, m, n, k, alpha, a, transA, b, transB, bBatched, beta, c);
                }
            }
        }
        return out;
    }

    /** One element (batch bi, row i, column j) of {@link #gemm}. */
    public static double gemmAt(long bi, long i, long j, long m, long n, long k, double alpha, float[] a, boolean transA,
                                float[] b, boolean transB, boolean bBatched, double beta, float[] c) {
        long aBase = bi * m * k;
        long bBase = bBatched ? bi * k * n : 0;
        double sum = 0;
        for (long p = 0; p < k; p++) {
            double av = a[(int) (aBase + (transA ? p * m + i : i * k + p))];
            double bv = b[(int) (bBase + (transB ? j * k + p : p * n + j))];
            sum += av * bv;
        }
        double r = alpha * sum;
        if (beta != 0) {
            r += beta * c[(int) ((bi * m + i) * n + j)];
        }
        return r;
    }

    // ---------------------------------------------------------------- softmax

    /** Softmax of each row of x [rows, cols]: -inf gets 0, a row all -inf gives zeros. */
    public static double[] softmax(float[] x, int rows, int cols) {
        double[] out = new double[rows * cols];
        for (int r = 0; r < rows; r++) {
            double[] row = softmaxRow(x, (long) r * cols, cols);
            System.arraycopy(row, 0, out, r * cols, cols);
        }
        return out;
    }

    /** Softmax of the {@code cols} values of x starting at {@code from}. */
    public static double[] softmaxRow(float[] x, long from, int cols) {
        double max = Double.NEGATIVE_INFINITY;
        boolean nan = false;
        for (int j = 0; j < cols; j++) {
            double v = x[(int) (from + j)];
            nan |= Double.isNaN(v);
            max = Math.max(max, v);
        }
        double[] out = new double[cols];
        if (nan) {
            java.util.Arrays.fill(out, Double.NaN);
            return out;
        }
        if (max == Double.NEGATIVE_INFINITY) {
            return out; // all -inf: zeros
        }
        double sum = 0;
        for (int j = 0; j < cols; j++) {
            out[j] = Math.exp(x[(int) (from + j)] - max); // +inf - +inf is NaN, as in any kernel
            sum += out[j];
        }
        for (int j = 0; j < cols; j++) {
            out[j] /= sum;
        }
        return out;
    }

    // ---------------------------------------------------------------- attention

    /**
     * Attention of q [batch, hq, sq, d] over k, v [batch, hkv, skv, d]; out [batch, hq, sq, d].
     * Query head h reads kv head h / (hq / hkv); causal: query i sees key j iff j &lt;= i + (skv - sq);
     * a query that sees no key gets zeros.
     */
    public static double[] attention(float[] q, float[] k, float[] v, int batch, int hq, int hkv, int sq, int skv, int d,
                                     boolean causal, double scale) {
        int[] every = new int[batch];
        java.util.Arrays.fill(every, skv);
        return attention(q, k, v, batch, hq, hkv, sq, skv, d, causal, scale, every);
    }

    /** The output row [d] of query i of head h in batch b. */
    public static double[] attentionRow(float[] q, float[] k, float[] v, long b, long h, long i, long hq, long hkv,
                                        long sq, long skv, int d, boolean causal, double scale) {
        return attentionRow(q, k, v, b, h, i, hq, hkv, sq, skv, d, causal, scale, skv);
    }

    /**
     * The output row [d] of query i of head h in batch b when the batch uses keys [0, L) only, L =
     * kvLength clamped to [0, skv]: causal, query i sees key j iff j &lt;= i + (L - sq).
     */
    public static double[] attentionRow(float[] q, float[] k, float[] v, long b, long h, long i, long hq, long hkv,
                                        long sq, long skv, int d, boolean causal, double scale, long kvLength) {
        long kvHead = h / (hq / hkv);
        long qBase = ((b * hq + h) * sq + i) * d;
        long kvBase = (b * hkv + kvHead) * skv * d;
        long len = Math.clamp(kvLength, 0, skv);
        long last = causal ? Math.min(len - 1, i + (len - sq)) : len - 1;
        double[] out = new double[d];
        if (last < 0) {
            return out;
        }
        double[] s = new double[(int) (last + 1)];
        double max = Double.NEGATIVE_INFINITY;
        for (long j = 0; j <= last; j++) {
            double dot = 0;
            for (int c = 0; c < d; c++) {
                dot += (double) q[(int) (qBase + c)] * k[(int) (kvBase + j * d + c)];
            }
            s[(int) j] = scale * dot;
            max = Math.max(max, s[(int) j]);
        }
        double sum = 0;
        for (int j = 0; j < s.length; j++) {
            s[j] = Math.exp(s[j] - max);
            sum += s[j];
        }
        for (int j = 0; j < s.length; j++) {
            double p = s[j] / sum;
            for (int c = 0; c < d; c++) {
                out[c] += p * v[(int) (kvBase + (long) j * d + c)];
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- top-K and gating

    /** Per row: the k largest entries' indices, by the shared ordering rule. */
    public record Selection(double[] values, int[] indices) {
    }

    /** True when x[i] comes before x[j] in the shared ordering rule. */
    public static boolean before(double xi, int i, double xj, int j) {
        boolean ni = Double.isNaN(xi), nj = Double.isNaN(xj);
        if (ni || nj) {
            return ni && (!nj || i < j);
        }
        return xi > xj || (xi == xj && i < j);
    }

    /** Top-k of each row of x [rows, n]: values [rows, k] and indices [rows, k]. */
    public static Selection topK(float[] x, int rows, int n, int k) {
        double[] values = new double[rows * k];
        int[] indices = new int[rows * k];
        for (int r = 0; r < rows; r++) {
            int[] idx = topKRow(x, (long) r * n, n, k);
            for (int t = 0; t < k; t++) {
                indices[r * k + t] = idx[t];
                values[r * k + t] = x[(int) ((long) r * n + idx[t])];
            }
        }
        return new Selection(values, indices);
    }

    /**
     * The indices (in [0, n)) of the k first of the n values starting at {@code from}, in order:
     * all n (value, index) pairs sorted by {@link #sortKey}, the first k kept. (Sorting primitive
     * keys rather than boxed indices keeps a row of a million values under a second.)
     */
    public static int[] topKRow(float[] x, long from, int n, int k) {
        long[] keys = new long[n];
        for (int j = 0; j < n; j++) {
            keys[j] = sortKey(x[(int) (from + j)], j);
        }
        java.util.Arrays.sort(keys);
        int[] idx = new int[k];
        for (int t = 0; t < k; t++) {
            idx[t] = (int) keys[t]; // the low 32 bits
        }
        return idx;
    }

    /**
     * A key whose ascending order is the ordering rule ({@link #before}): the high 32 bits rank the
     * value (NaN first, then larger values first, -0.0 equal to 0.0), the low 32 bits hold the
     * index (lower first).
     */
    static long sortKey(float value, int index) {
        int rank;
        if (Float.isNaN(value)) {
            rank = Integer.MIN_VALUE;
        } else {
            int bits = Float.floatToIntBits(value == 0 ? 0f : value);
            // For floats other than NaN and -0.0, this int orders as the float does.
            int ascending = bits >= 0 ? bits : bits ^ 0x7FFF_FFFF;
            rank = -ascending; // no overflow: |ascending| <= bits of infinity, far from MIN_VALUE
        }
        return (long) rank << 32 | index;
    }

    /**
     * MoE gating of logits [tokens, experts]: experts by the ordering rule on the logits, weights
     * the softmax probabilities of those experts, divided by their sum when renormalizing; a row
     * all -inf (probabilities 0, sum 0) keeps zero weights, as the contract says.
     */
    public static Selection topKGating(float[] logits, int tokens, int experts, int k, boolean renormalize) {
        double[] weights = new double[tokens * k];
        int[] indices = new int[tokens * k];
        for (int t = 0; t < tokens; t++) {
            long from = (long) t * experts;
            double[] p = softmaxRow(logits, from, experts);
            int[] idx = topKRow(logits, from, experts, k);
            double sum = 0;
            for (int s = 0; s < k; s++) {
                sum += p[idx[s]];
            }
            for (int s = 0; s < k; s++) {
                indices[t * k + s] = idx[s];
                weights[t * k + s] = !renormalize ? p[idx[s]] : sum == 0 ? 0 : p[idx[s]] / sum;
            }
        }
        return new Selection(weights, indices);
    }

    // ---------------------------------------------------------------- error measure

    /**
     * ‖out − ref‖ / ‖ref‖ over every element (the absolute norm when ref is all zeros); positive
     * infinity when out has a NaN or infinity where ref is finite, so that NaN never passes.
     * Positions where ref itself is not finite must match exactly (same NaN-ness, same infinity).
     */
    public static double relativeError(float[] out, double[] ref) {
        if (out.length != ref.length) {
            throw new IllegalArgumentException("length " + out.length + " != " + ref.length);
        }
        double diff = 0, norm = 0;
        for (int i = 0; i < out.length; i++) {
            double o = out[i], r = ref[i];
            if (!Double.isFinite(r)) {
                boolean same = Double.isNaN(r) ? Double.isNaN(o) : o == r;
                if (!same) {
                    return Double.POSITIVE_INFINITY;
                }
                continue;
            }
            if (!Double.isFinite(o)) {
                return Double.POSITIVE_INFINITY;
            }
            diff += (o - r) * (o - r);
            norm += r * r;
        }
        return norm == 0 ? Math.sqrt(diff) : Math.sqrt(diff / norm);
    }

    // ---------------------------------------------------------------- elementwise and norm families

    /**
     * erf in double, to about 1e-15 relative: for |x| &lt; 3 the series
     * erf(x) = 2/sqrt(pi) exp(-x^2) sum_n 2^n x^(2n+1) / (1 3 5 ... (2n+1)), whose terms are all
     * positive (nothing cancels); past 3, 1 - {@link #erfc}.
     */
    public static double erf(double x) {
        if (Double.isNaN(x)) {
            return x;
        }
        double a = Math.abs(x);
        if (a >= 3) {
            return Math.copySign(1 - erfc(a), x);
        }
        double term = a, sum = a;
        for (int n = 1; term > 1e-17 * sum; n++) {
            term *= 2 * a * a / (2 * n + 1);
            sum += term;
        }
        return Math.copySign(2 / Math.sqrt(Math.PI) * Math.exp(-a * a) * sum, x);
    }

    /**
     * erfc = 1 - erf in double, accurate relative to itself where it is small: for x &gt;= 3 the
     * continued fraction erfc(x) = exp(-x^2)/sqrt(pi) / (x + (1/2) / (x + 1 / (x + (3/2) / (x + ...)))),
     * evaluated from 300 levels down; below, 1 - erf(x) (no less than 2e-5 there, so nothing is
     * lost); for x &lt; 0, 2 - erfc(-x).
     */
    public static double erfc(double x) {
        if (Double.isNaN(x)) {
            return x;
        }
        if (x < 0) {
            return 2 - erfc(-x);
        }
        if (x < 3) {
            return 1 - erf(x);
        }
        if (x > 27) {
            return 0; // below the smallest double
        }
        double f = x;
        for (int k = 300; k >= 1; k--) {
            f = x + (k / 2.0) / f;
        }
        return Math.exp(-x * x) / Math.sqrt(Math.PI) / f;
    }

    /** a[i] + b[i mod b.length]: b repeated over a's leading dimensions. */
    public static double[] add(float[] a, float[] b) {
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = (double) a[i] + b[i % b.length];
        }
        return out;
    }

    /** a[i] * b[i mod b.length]. */
    public static double[] mul(float[] a, float[] b) {
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = (double) a[i] * b[i % b.length];
        }
        return out;
    }

    /**
     * GELU, x Phi(x): exactly 0.5 x erfc(-x / sqrt 2) (= 0.5 x (1 + erf(x / sqrt 2)), without
     * the cancellation of 1 + erf for negative x); with {@code tanh},
     * 0.5 x (1 + tanh(y)) = x / (1 + exp(-2y)), y = sqrt(2/pi) (x + 0.044715 x^3).
     */
    public static double[] gelu(float[] x, boolean tanh) {
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = gelu(x[i], tanh);
        }
        return out;
    }

    /** {@link #gelu(float[], boolean)} of one double. */
    public static double gelu(double v, boolean tanh) {
        if (tanh) {
            double y = Math.sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v);
            return v / (1 + Math.exp(-2 * y));
        }
        return 0.5 * v * erfc(-v / Math.sqrt(2));
    }

    /** x sigmoid(x) = x / (1 + exp(-x)); -inf gives -inf / inf = NaN, as -inf * sigmoid(-inf) = -inf * 0 does. */
    public static double silu(double x) {
        return x / (1 + Math.exp(-x));
    }

    public static double[] silu(float[] x) {
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = silu(x[i]);
        }
        return out;
    }

    /** silu(gate) * up. */
    public static double[] swiglu(float[] gate, float[] up) {
        double[] out = new double[gate.length];
        for (int i = 0; i < gate.length; i++) {
            out[i] = silu(gate[i]) * up[i];
        }
        return out;
    }

    /**
     * Layer norm of each row of x [rows, cols]: (x - mean) / sqrt(var + eps) * gamma + beta, the
     * biased variance from the deviations (two passes). A NaN makes its row NaN.
     */
    public static double[] layerNorm(float[] x, int rows, int cols, float[] gamma, float[] beta, double eps) {
        double[] out = new double[rows * cols];
        for (int r = 0; r < rows; r++) {
            int base = r * cols;
            double mean = 0;
            for (int j = 0; j < cols; j++) {
                mean += x[base + j];
            }
            mean /= cols;
            double var = 0;
            for (int j = 0; j < cols; j++) {
                double d = x[base + j] - mean;
                var += d * d;
            }
            var /= cols;
            for (int j = 0; j < cols; j++) {
                out[base + j] = (x[base + j] - mean) / Math.sqrt(var + eps) * gamma[j] + beta[j];
            }
        }
        return out;
    }

    /** RMS norm of each row of x [rows, cols]: x / sqrt(mean(x^2) + eps) * gamma. */
    public static double[] rmsNorm(double[] x, int rows, int cols, float[] gamma, double eps) {
        double[] out = new double[rows * cols];
        for (int r = 0; r < rows; r++) {
            int base = r * cols;
            double squares = 0;
            for (int j = 0; j < cols; j++) {
                squares += x[base + j] * x[base + j];
            }
            double rms = Math.sqrt(squares / cols + eps);
            for (int j = 0; j < cols; j++) {
                out[base + j] = x[base + j] / rms * gamma[j];
            }
        }
        return out;
    }

    public static double[] rmsNorm(float[] x, int rows, int cols, float[] gamma, double eps) {
        double[] wide = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            wide[i] = x[i];
        }
        return rmsNorm(wide, rows, cols, gamma, eps);
    }

    /**
     * The fused pre-norm step: s = residual + x, which the kernel forms in F32 (so s here is the
     * F32 sum, exactly), and x = rmsNorm(s). Returns the new x; the new residual is s rounded to
     * its dtype, which a test states exactly.
     */
    public static double[] addRmsNorm(float[] x, float[] residual, int rows, int cols, float[] gamma, double eps) {
        double[] s = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            s[i] = residual[i] + x[i]; // a float sum, as the contract's "s = residual + x in F32"
        }
        return rmsNorm(s, rows, cols, gamma, eps);
    }

    // ---------------------------------------------------------------- attention with kvLengths

    /**
     * {@link #attention} where batch b uses keys [0, L_b) only, L_b = kvLengths[b] clamped to
     * [0, skv] (the keys past it are not part of the op); a query that sees no key gets zeros.
     */
    public static double[] attention(float[] q, float[] k, float[] v, int batch, int hq, int hkv, int sq, int skv, int d,
                                     boolean causal, double scale, int[] kvLengths) {
        double[] out = new double[batch * hq * sq * d];
        for (int b = 0; b < batch; b++) {
            for (int h = 0; h < hq; h++) {
                for (int i = 0; i < sq; i++) {
                    double[] row = attentionRow(q, k, v, b, h, i, hq, hkv, sq, skv, d, causal, scale, kvLengths[b]);
                    System.arraycopy(row, 0, out, ((b * hq + h) * sq + i) * d, d);
                }
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- embedding, rope, writeCache

    /** Rows of table [vocab, width] picked by ids: row r is table row ids[r], or NaN when ids[r] is outside [0, vocab). */
    public static double[] embedding(float[] table, int vocab, int width, int[] ids) {
        double[] out = new double[ids.length * width];
        for (int r = 0; r < ids.length; r++) {
            boolean in = ids[r] >= 0 && ids[r] < vocab;
            for (int j = 0; j < width; j++) {
                out[r * width + j] = in ? table[ids[r] * width + j] : Double.NaN;
            }
        }
        return out;
    }

    /**
     * Rotary embedding of x [batch, heads, seq, dim] (a new array), pairs = inv.length: in row
     * (b, h, s), with p = positions[s] (or positions[b * seq + s] when {@code positionsBatched}) and
     * angle = p * inv[i] exactly, pair i, that is features (i, i + pairs), or (2i, 2i + 1) when
     * {@code interleaved}, becomes (x1 cos - x2 sin, x1 sin + x2 cos); features from 2 * pairs on are
     * copied.
     */
    public static double[] rope(float[] x, int batch, int heads, int seq, int dim, int[] positions, boolean positionsBatched,
                                float[] inv, boolean interleaved) {
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i];
        }
        int pairs = inv.length;
        for (int b = 0; b < batch; b++) {
            for (int h = 0; h < heads; h++) {
                for (int s = 0; s < seq; s++) {
                    int row = ((b * heads + h) * seq + s) * dim;
                    double p = positions[positionsBatched ? b * seq + s : s];
                    for (int i = 0; i < pairs; i++) {
                        int j1 = row + ropeFirst(i, pairs, interleaved), j2 = row + ropeSecond(i, pairs, interleaved);
                        double a = p * inv[i], c = Math.cos(a), sn = Math.sin(a);
                        out[j1] = x[j1] * c - x[j2] * sn;
                        out[j2] = x[j1] * sn + x[j2] * c;
                    }
                }
            }
        }
        return out;
    }

    /** The feature of a row that is the first of pair i: i, or 2i when interleaved. */
    public static int ropeFirst(int i, int pairs, boolean interleaved) {
        return interleaved ? 2 * i : i;
    }

    /** The feature of a row that is the second of pair i: i + pairs, or 2i + 1 when interleaved. */
    public static int ropeSecond(int i, int pairs, boolean interleaved) {
        return interleaved ? 2 * i + 1 : i + pairs;
    }

    /**
     * The cache [batch, heads, capacity, width] after writing src [batch, heads, tokens, width] at
     * starts [batch]: a copy of cache where row (b, h, starts[b] + t) is src row (b, h, t) for every
     * t whose row lands in [0, capacity); other rows keep their values.
     */
    public static double[] writeCache(float[] src, float[] cache, int batch, int heads, int tokens, int capacity, int width,
                                      int[] starts) {
        double[] out = new double[cache.length];
        for (int i = 0; i < cache.length; i++) {
            out[i] = cache[i];
        }
        for (int b = 0; b < batch; b++) {
            for (int h = 0; h < heads; h++) {
                for (int t = 0; t < tokens; t++) {
                    long s = (long) starts[b] + t;
                    if (s < 0 || s >= capacity) {
                        continue;
                    }
                    for (int j = 0; j < width; j++) {
                        out[(int) ((((long) b * heads + h) * capacity + s) * width + j)] = src[((b * heads + h) * tokens + t) * width + j];
                    }
                }
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- permute

    /**
     * x of {@code shape} (raw element bits, row-major) with its axes reordered by {@code dims}, by
     * the definition and nothing cleverer: out.shape[j] = shape[dims[j]], and the element at out
     * index (i_0, ..., i_{n-1}) is x's at the index whose coordinate dims[j] is i_j. Bits, since
     * permute moves bits.
     */
    public static int[] permute(int[] x, long[] shape, int[] dims) {
        int n = shape.length;
        long[] outShape = new long[n];
        for (int j = 0; j < n; j++) {
            outShape[j] = shape[dims[j]];
        }
        int[] out = new int[x.length];
        long[] outIndex = new long[n], xIndex = new long[n];
        for (int o = 0; o < out.length; o++) {
            long rest = o;
            for (int j = n - 1; j >= 0; j--) {
                outIndex[j] = rest % outShape[j];
                rest /= outShape[j];
            }
            for (int j = 0; j < n; j++) {
                xIndex[dims[j]] = outIndex[j];
            }
            long flat = 0;
            for (int d = 0; d < n; d++) {
                flat = flat * shape[d] + xIndex[d];
            }
            out[o] = x[(int) flat];
        }
        return out;
    }

    // ---------------------------------------------------------------- groupedMatmul, moe

    /**
     * Grouped GEMM: x [rows, inner], w [groups, cols, inner]; with e_g = groupEnds[g] clamped to
     * [0, rows] and s_g the largest e before g (0 for g = 0), row r in [s_g, e_g) is x[r] · w[g]ᵀ;
     * rows no group covers are zeros.
     */
    public static double[] groupedMatmul(float[] x, float[] w, int[] groupEnds, int rows, int cols, int inner) {
        double[] out = new double[rows * cols];
        int start = 0;
        for (int g = 0; g < groupEnds.length; g++) {
            int end = Math.clamp(groupEnds[g], 0, rows);
            for (int r = start; r < end; r++) {
                for (int c = 0; c < cols; c++) {
                    double sum = 0;
                    for (int p = 0; p < inner; p++) {
                        sum += (double) x[r * inner + p] * w[(g * cols + c) * inner + p];
                    }
                    out[r * cols + c] = sum;
                }
            }
            start = Math.max(start, end);
        }
        return out;
    }

    /**
     * The MoE SwiGLU layer: x [tokens, hidden]; weights and experts [tokens, k]; gate and up
     * [E, ffn, hidden], down [E, hidden, ffn]: out[t] = sum_j weights[t, j] down_e (silu(gate_e x_t)
     * up_e x_t), e = experts[t, j], an e outside [0, E) adding nothing.
     */
    public static double[] moe(float[] x, float[] weights, int[] experts, float[] gate, float[] up, float[] down,
                               int tokens, int hidden, int ffn, int numExperts, int k) {
        double[] out = new double[tokens * hidden];
        double[] act = new double[ffn];
        for (int t = 0; t < tokens; t++) {
            for (int j = 0; j < k; j++) {
                int e = experts[t * k + j];
                if (e < 0 || e >= numExperts) {
                    continue;
                }
                for (int f = 0; f < ffn; f++) {
                    double g = 0, u = 0;
                    for (int h = 0; h < hidden; h++) {
                        double xv = x[t * hidden + h];
                        g += xv * gate[(e * ffn + f) * hidden + h];
                        u += xv * up[(e * ffn + f) * hidden + h];
                    }
                    act[f] = silu(g) * u;
                }
                for (int h = 0; h < hidden; h++) {
                    double sum = 0;
                    for (int f = 0; f < ffn; f++) {
                        sum += act[f] * down[(e * hidden + h) * ffn + f];
                    }
                    out[t * hidden + h] += weights[t * k + j] * sum;
                }
            }
        }
        return out;
    }

    /**
     * The scale quantize gives a row v[from, from + n): max|v| / 127 in F32 (a true division), NaN
     * when a value is NaN or infinite, 0 for an empty or zero row.
     */
    public static float int8Scale(float[] v, int from, int n) {
        float max = 0;
        for (int i = from; i < from + n; i++) {
            float a = Math.abs(v[i]);
            if (Float.isNaN(a)) {
                return Float.NaN;
            }
            max = a > max ? a : max;
        }
        return Float.isInfinite(max) ? Float.NaN : max / 127f;
    }

    /** The INT8 value quantize gives v under scale s: 0 unless s &gt; 0, else clamp(round-half-even(v / s), -127, 127). */
    public static int int8Value(float v, float s) {
        if (!(s > 0)) {
            return 0;
        }
        double r = Math.rint(v / s); // v / s: an F32 division, then rint of that float exactly
        return (int) Math.max(-127, Math.min(127, r));
    }
}
