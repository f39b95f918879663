package dev.panamax.internal;

import dev.panamax.DType;

/**
 * The kernel set of one backend device. {@code dev.panamax.Ops} validates every argument, makes
 * the outputs, and hands each call here as one parameter record; a backend picks the kernel
 * variant for the shape and queues it. Every call has at least one output element (empty calls
 * never reach a backend). Offsets into memory are in elements of the stated dtype; dimensions are
 * {@code long} because products of them may pass 2^31.
 *
 * <p>Any memory may be a tensor view's ({@link BackendDevice#view}): it starts at a multiple of its
 * element size and no more, so a kernel tests alignment before any vector access. Two memories
 * may be the same bytes without being the same object: compare them with
 * {@link Memory#sameBytes}, never {@code ==}. Ops let an output be exactly the bytes of an input
 * where the call says so (softmax's out and x) and refuse every other overlap of an output with
 * an input, so a backend sees either the same bytes or disjoint ones.
 */
public interface Kernels {

    /**
     * {@code c[b] = alpha * op(a[b]) @ op(b[b or 0]) + beta * c[b]} for each of {@code batch}
     * matrices. op(a) is [m, k] (a stored [k, m] when {@code transA}), op(b) is [k, n] (b stored
     * [n, k] when {@code transB}), c is [m, n]. {@code bBatched} false means one b for every batch.
     * {@code beta == 0} ignores c's contents (NaN included). k may be 0 (then c = beta * c, or 0).
     */
    record Gemm(DType abType, DType cType, long batch, long m, long n, long k,
                float alpha, Memory a, boolean transA, Memory b, boolean transB, boolean bBatched,
                float beta, Memory c) {
    }

    /**
     * Row softmax over [rows, cols] (cols &gt;= 1) of dtype, F32 arithmetic; {@code out} may be
     * the same bytes as {@code x} ({@link Memory#sameBytes}). -inf gets 0; a row all -inf gives zeros.
     */
    record Softmax(DType dtype, long rows, long cols, Memory x, Memory out) {
    }

    /**
     * Attention: q [batch, hq, sq, d], k and v [batch, hkv, skv, d], out [batch, hq, sq, d], all of
     * dtype (out may be q). Query head h reads kv head h / (hq / hkv). {@code kvLengths}: null, or
     * I32 [batch] whose entry b, clamped to [0, skv] by the kernel, is the number L_b of keys batch
     * b uses (L_b = skv when null). {@code causal}: query i sees key j iff j &lt;= i + (L_b - sq);
     * a query that sees no key (or L_b == 0) gets zeros.
     */
    record Attention(DType dtype, long batch, long hq, long hkv, long sq, long skv, int d,
                     boolean causal, float scale, Memory q, Memory k, Memory v, Memory out, Memory kvLengths) {
        /** Every key visible to every batch: no kvLengths. */
        public Attention(DType dtype, long batch, long hq, long hkv, long sq, long skv, int d,
                         boolean causal, float scale, Memory q, Memory k, Memory v, Memory out) {
            this(dtype, batch, hq, hkv, sq, skv, d, causal, scale, q, k, v, out, null);
        }
    }

    /**
     * Top-k gating: logits [tokens, experts] of dtype; weights [tokens, k] F32, indices
     * [tokens, k] I32. Softmax of the row, the k largest probabilities descending (ties to the
     * lower index, NaN above everything), divided by their sum when {@code renormalize}.
     */
    record Gating(DType dtype, long tokens, int experts, int k, boolean renormalize,
                  Memory logits, Memory weights, Memory indices) {
    }

    /**
     * Top-k over rows: x [rows, n] of dtype; values [rows, k] of dtype, indices [rows, k] I32,
     * descending, ties to the lower index, NaN above everything.
     */
    record TopK(DType dtype, long rows, long n, int k, Memory x, Memory values, Memory indices) {
    }

    void gemm(Gemm call);

    void softmax(Softmax call);

    void attention(Attention call);

    void topKGating(Gating call);

    void topK(TopK call);

    /**
     * Converts {@code count} elements between floating-point dtypes (F32, F16, BF16), rounding to
     * nearest even; {@code from == to} is a copy.
     */
    void convert(Memory src, DType from, Memory dst, DType to, long count);

    // ---------------------------------------------------------------- embedding, writeCache (family "gather"), rope

    /**
     * Embedding: out [rows, width] of dtype; row r is row ids[r] of table [vocab, width], copied bit
     * for bit, or NaN when ids[r] (I32) is outside [0, vocab), and then the table is not read
     * (table is null when vocab == 0).
     */
    record Embedding(DType dtype, long rows, long width, long vocab, Memory table, Memory ids, Memory out) {
    }

    /**
     * Rotary embedding in place on x [batch, heads, seq, dim] of dtype: positions I32 [seq] or, when
     * {@code positionsBatched}, [batch, seq]; inverseFrequencies F32 [pairs], 2 * pairs &lt;= dim,
     * pairs &gt;= 1. Pair i is features (i, i + pairs), or (2i, 2i + 1) when {@code interleaved};
     * a = (float) position * inverseFrequencies[i] in F32, cos and sin of it in F32;
     * (x1, x2) becomes (x1 cos a - x2 sin a, x1 sin a + x2 cos a). Features from 2 * pairs on are untouched.
     */
    record Rope(DType dtype, long batch, long heads, long seq, long dim, long pairs, boolean interleaved,
                boolean positionsBatched, Memory x, Memory positions, Memory inverseFrequencies) {
    }

    /**
     * KV-cache append: src [batch, heads, tokens, width] into cache [batch, heads, capacity, width],
     * both of dtype, capacity &gt;= 1: cache[b, h, starts[b] + t] = src[b, h, t] (starts I32 [batch]),
     * bit for bit; rows landing outside [0, capacity) are dropped. Nothing else of the cache is written.
     */
    record WriteCache(DType dtype, long batch, long heads, long tokens, long capacity, long width,
                      Memory src, Memory cache, Memory starts) {
    }

    void embedding(Embedding call);

    void rope(Rope call);

    void writeCache(WriteCache call);
}
