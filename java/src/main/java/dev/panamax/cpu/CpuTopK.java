package dev.panamax.cpu;

import dev.panamax.DType;
import dev.panamax.internal.Kernels;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Top-k over rows and MoE top-k gating, with {@link TopKSelector}'s ordering rule.
 *
 * <p>top-k: x [rows, n] to values [rows, k] (exact copies of the selected elements, x's dtype)
 * and indices [rows, k] I32. Rows go to workers; a few long rows are cut into parts whose
 * candidates are merged, which gives the same answer, since the selection is unique.
 *
 * <p>gating: logits [tokens, E] to weights [tokens, k] F32 and experts [tokens, k] I32. Experts
 * are selected on the logits (the order of the probabilities); weights are the softmax
 * probabilities of those experts, divided by their sum when renormalizing. Tokens go to workers;
 * on the Vector API, for k up to {@link #VECTOR_K}, a group of tokens at a time, one per lane
 * ({@link VectorGating}).
 */
final class CpuTopK {
    /** Elements read per step of a row. */
    private static final int CHUNK = 16384;
    /** Rows longer than this are cut into parts when there are few rows. */
    private static final long SPLIT_ROW = 4L * CHUNK;
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT;
    /** The largest k that gating runs on {@link VectorGating}. */
    private static final int VECTOR_K = 8;

    private CpuTopK() {
    }

    static void topK(CpuPool pool, Kernels.TopK call) {
        MemorySegment x = CpuMemory.segment(call.x());
        long rows = call.rows(), n = call.n();
        int k = call.k();
        if (n > SPLIT_ROW && rows < 2L * pool.threads()) {
            topKSplit(pool, call, x);
            return;
        }
        pool.forRange(rows, Math.max(1, 16384 / n), (lo, hi) -> {
            Scan scan = new Scan(call.dtype(), x, k);
            long[] picked = new long[k];
            for (long r = lo; r < hi; r++) {
                scan.selector.reset(k);
                scan.range(r * n, 0, n);
                scan.selector.drainDescending(picked);
                writeTopK(call, x, r, picked);
            }
        });
    }

    /** Few long rows: each row in parts (k candidates each), merged per row. */
    private static void topKSplit(CpuPool pool, Kernels.TopK call, MemorySegment x) {
        long rows = call.rows(), n = call.n();
        int k = call.k();
        int parts = (int) Math.min(Math.ceilDiv(n, SPLIT_ROW / 2), 4L * pool.threads());
        long[] candidates = new long[(int) (rows * parts * k)];
        int[] counts = new int[(int) (rows * parts)];
        pool.forRange(rows * parts, 1, (lo, hi) -> {
            Scan scan = new Scan(call.dtype(), x, k);
            long[] picked = new long[k];
            for (long item = lo; item < hi; item++) {
                long r = item / parts;
                int p = (int) (item % parts);
                long from = n * p / parts, to = n * (p + 1) / parts;
                scan.selector.reset(k);
                scan.range(r * n, from, to);
                int got = scan.selector.size();
                scan.selector.drainDescending(picked);
                System.arraycopy(picked, 0, candidates, (int) (item * k), got);
                counts[(int) item] = got;
            }
        });
        pool.forRange(rows, 1, (lo, hi) -> {
            TopKSelector merge = new TopKSelector(k);
            long[] picked = new long[k];
            for (long r = lo; r < hi; r++) {
                merge.reset(k);
                for (int p = 0; p < parts; p++) {
                    int item = (int) (r * parts + p);
                    for (int i = 0; i < counts[item]; i++) {
                        merge.offer(candidates[item * k + i]);
                    }
                }
                merge.drainDescending(picked);
                writeTopK(call, x, r, picked);
            }
        });
    }

    /** Copies the picked elements of row r (raw, so NaN payloads and -0.0 survive) and their indices. */
    private static void writeTopK(Kernels.TopK call, MemorySegment x, long r, long[] picked) {
        MemorySegment values = CpuMemory.segment(call.values());
        MemorySegment indices = CpuMemory.segment(call.indices());
        int k = call.k();
        long src = r * call.n(), dst = r * k;
        boolean wide = call.dtype() == DType.F32;
        for (int i = 0; i < k; i++) {
            int idx = TopKSelector.index(picked[i]);
            if (wide) {
                values.setAtIndex(I32, dst + i, x.getAtIndex(I32, src + idx));
            } else {
                values.setAtIndex(ValueLayout.JAVA_SHORT, dst + i, x.getAtIndex(ValueLayout.JAVA_SHORT, src + idx));
            }
            indices.setAtIndex(I32, dst + i, idx);
        }
    }

    static void gating(CpuPool pool, Kernels.Gating call) {
        MemorySegment logits = CpuMemory.segment(call.logits());
        MemorySegment weights = CpuMemory.segment(call.weights());
        MemorySegment experts = CpuMemory.segment(call.indices());
        int e = call.experts(), k = call.k();
        // a token per lane (VectorGating) for a router's k: its k passes over the E experts would
        // cost more than the selector's insertions for a large k
        if (CpuSimd.VECTOR && k <= VECTOR_K) {
            int g = VectorGating.group();
            pool.forRange(call.tokens(), Math.max(g, 8192 / e / g * g), (lo, hi) -> {
                for (long t = lo; t < hi; t += g) {
                    VectorGating.tokens(logits, call.dtype(), t, (int) Math.min(g, hi - t), e, k, call.renormalize(), weights,
                            experts);
                }
            });
            return;
        }
        SoftmaxRow math = SoftmaxRow.get();
        pool.forRange(call.tokens(), Math.max(1, 8192 / e), (lo, hi) -> {
            float[] row = new float[e + SoftmaxRow.PAD];
            float[] ms = new float[2];
            float[] w = new float[k + SoftmaxRow.PAD];
            int[] idx = new int[k];
            long[] picked = new long[k];
            TopKSelector selector = new TopKSelector(k);
            for (long t = lo; t < hi; t++) {
                Elements.load(logits, call.dtype(), t * e, row, 0, e);
                selector.reset(k);
                selector.offerAll(row, e, 0);
                selector.drainDescending(picked);
                for (int i = 0; i < k; i++) {
                    idx[i] = TopKSelector.index(picked[i]);
                    w[i] = row[idx[i]];
                }
                math.maxSum(row, e, ms); // overwrites row
                math.scaleExp(w, k, ms[0], 1f / ms[1]); // p of the selected experts
                if (call.renormalize()) {
                    float sum = 0f;
                    for (int i = 0; i < k; i++) {
                        sum += w[i];
                    }
                    // a row all -inf has p = 0 everywhere: its weights stay 0 (not 0 / 0)
                    float norm = 1f / sum;
                    for (int i = 0; i < k; i++) {
                        w[i] = sum == 0f ? 0f : w[i] * norm;
                    }
                }
                MemorySegment.copy(w, 0, weights, ValueLayout.JAVA_FLOAT, t * k * Float.BYTES, k);
                MemorySegment.copy(idx, 0, experts, I32, t * k * Integer.BYTES, k);
            }
        });
    }

    /** Reads a row range in chunks into a selector. */
    private static final class Scan {
        final DType dtype;
        final MemorySegment x;
        final TopKSelector selector;
        final float[] buf = new float[CHUNK];

        Scan(DType dtype, MemorySegment x, int k) {
            this.dtype = dtype;
            this.x = x;
            this.selector = new TopKSelector(k);
        }

        /** Offers elements [from, to) of the row starting at element {@code rowStart}. */
        void range(long rowStart, long from, long to) {
            for (long c = from; c < to; c += CHUNK) {
                int len = (int) Math.min(CHUNK, to - c);
                Elements.loadQuarters(x, dtype, rowStart + c, buf, 0, len);
                selector.offerAll(buf, len, c);
            }
        }
    }
}
