package dev.panamax.cpu;

import dev.panamax.DType;
import dev.panamax.internal.Kernels;
import dev.panamax.internal.Kernels.NormOp;
import dev.panamax.internal.Memory;

import java.lang.foreign.MemorySegment;

/**
 * The row norms (layerNorm, rmsNorm, addRmsNorm) over x [rows, cols], F32 statistics, out may be x.
 * gamma and beta are widened once per call into float arrays on the calling thread (every row
 * reads them).
 *
 * <p>Rows of up to {@link #CHUNK} elements, spread over the workers by rows; a row is read from
 * memory once and written once, and a thread reads its next row in the pass that writes the row
 * before it, so that its reads and writes overlap (passes that only read, then only write, left
 * each waiting on the other: layerNorm F32 [8192, 4096] ran at a third of copy speed).
 * <ul>
 *   <li>layerNorm and rmsNorm, F32 and BF16 rows on the Vector API: no copy of a row. Its first
 *       sum is taken as it comes in from memory; its moments and its output read it again, from
 *       cache ({@link VectorNorm#storeSumRow}).</li>
 *   <li>addRmsNorm: s = x + residual is formed in F32 into a per-thread buffer, rounded into
 *       residual in the same pass, and the output written from the buffer
 *       ({@link NormRow#storeAddSquares}; F32 rows in turn, in place, where that ran faster).</li>
 *   <li>Otherwise (F16, scalar Java): the row is buffered by the pass that takes its first sum,
 *       its statistics taken over the buffer, and the output written from it ({@link NormRow}).</li>
 * </ul>
 * layerNorm's variance is the corrected two-pass algorithm (Chan, Golub and LeVeque): hi = mean(x)
 * rounded to float; over d = x - hi (exact for x near hi), c = mean(d), the part of the mean that
 * hi missed, and var = (sum(d^2) - n c^2) / n, whose correction n c^2 is at the level of hi's
 * rounding; out = ((x - hi) - c) / sqrt(var + eps) * gamma + beta. Never E[x^2] - mean^2, which
 * loses the whole variance of a row of mean 1e4 and spread 1. A row of equal values gives d = c,
 * var = 0 and beta exactly (eps &gt; 0).
 *
 * <p>Longer rows are cut into chunks of CHUNK, and (row, chunk) items spread over the workers
 * twice: a first read takes each chunk's statistics (count, mean and sum of squared deviations
 * by the same passes; addRmsNorm: the sum of s^2), merged per row in chunk order (Chan's formula,
 * in double); a second read writes (addRmsNorm forms s again from x and residual, which the first
 * read left alone). Every byte is read twice there and written once.
 */
final class CpuNorm {
    /** Elements per chunk of a long row: its float buffers fit in L2. */
    static final int CHUNK = 16384;

    private CpuNorm() {
    }

    static void run(CpuPool pool, Kernels.Norm call) {
        long cols = call.cols();
        float[] gamma = widen(call.gamma(), call.gammaType(), cols, Scratch.CALL_0);
        float[] beta = call.op() == NormOp.LAYER_NORM ? widen(call.beta(), call.betaType(), cols, Scratch.CALL_1) : null;
        if (cols <= CHUNK) {
            shortRows(pool, call, gamma, beta);
        } else {
            longRows(pool, call, gamma, beta);
        }
    }

    private static float[] widen(Memory m, DType t, long n, int slot) {
        float[] w = Scratch.get(slot, (int) n + NormRow.PAD);
        Elements.load(CpuMemory.segment(m), t, 0, w, 0, (int) n);
        return w;
    }

    /** The statistics of one row or chunk, per thread: (hi, lo, rstd) or the sums they come from. */
    private static final ThreadLocal<double[]> SUMS = ThreadLocal.withInitial(() -> new double[2]);

    private static void shortRows(CpuPool pool, Kernels.Norm call, float[] gamma, float[] beta) {
        NormRow row = NormRow.get();
        MemorySegment x = CpuMemory.segment(call.x());
        MemorySegment res = CpuMemory.segment(call.residual());
        MemorySegment out = CpuMemory.segment(call.out());
        DType t = call.dtype();
        int n = (int) call.cols();
        long cols = call.cols();
        NormOp op = call.op();
        float eps = call.eps();
        long grain = Math.max(1, 8192 / n);
        if (op == NormOp.ADD_RMS_NORM) {
            // a thread's first row alone; then each row's output goes out in the pass that brings the next one in
            pool.forRange(call.rows(), grain, (lo, hi) -> {
                float[] buf = Scratch.get(Scratch.ROW_0, n + NormRow.PAD);
                float[] next = Scratch.get(Scratch.ROW_2, n + NormRow.PAD);
                float[] other = Scratch.get(Scratch.ROW_1, n + NormRow.PAD);
                double sum = row.addSquares(x, res, t, lo * cols, buf, other, n, true);
                for (long r = lo + 1; r < hi; r++) {
                    sum = row.storeAddSquares(buf, rstd(sum / n, eps), gamma, out, (r - 1) * cols, x, res, t, r * cols, next,
                            other, n);
                    float[] swap = buf;
                    buf = next;
                    next = swap;
                }
                row.normalizeStore(buf, n, 0f, 0f, rstd(sum / n, eps), gamma, null, 0, out, t, (hi - 1) * cols);
            });
            return;
        }
        boolean layer = op == NormOp.LAYER_NORM;
        if (CpuSimd.VECTOR && VectorNorm.readsRows(t)) {
            // no copy of a row: its sum as it comes in, its moments and output read from cache,
            // each row's output written in the pass that reads the next row in
            pool.forRange(call.rows(), grain, (lo, hi) -> {
                double[] sums = SUMS.get();
                double sum = VectorNorm.sumRow(x, t, lo * cols, n, !layer);
                for (long r = lo; r < hi; r++) {
                    long at = r * cols;
                    float mean = 0, c = 0, scale;
                    if (layer) {
                        mean = (float) (sum / n);
                        VectorNorm.momentsRow(x, t, at, n, mean, sums);
                        c = (float) (sums[0] / n);
                        scale = rstd(variance(sums, n), eps);
                    } else {
                        scale = rstd(sum / n, eps);
                    }
                    long next = r + 1 < hi ? at + cols : at; // the last row's pass sums it again, unused
                    sum = VectorNorm.storeSumRow(x, t, at, mean, c, scale, gamma, beta, out, at, next, n, !layer);
                }
            });
            return;
        }
        pool.forRange(call.rows(), grain, (lo, hi) -> {
            float[] buf = Scratch.get(Scratch.ROW_0, n + NormRow.PAD);
            double[] sums = SUMS.get();
            for (long r = lo; r < hi; r++) {
                long at = r * cols;
                if (layer) {
                    float mean = (float) (row.loadSum(x, t, at, buf, n) / n);
                    row.moments(buf, n, mean, sums);
                    double c = sums[0] / n;
                    row.normalizeStore(buf, n, mean, (float) c, rstd(variance(sums, n), eps), gamma, beta, 0, out, t, at);
                } else {
                    row.normalizeStore(buf, n, 0f, 0f, rstd(row.loadSquares(x, t, at, buf, n) / n, eps), gamma, null, 0, out,
                            t, at);
                }
            }
        });
    }

    /** The biased variance from the moments of d = x - hi: (sum(d^2) - (sum d)^2 / n) / n, never below 0. */
    private static double variance(double[] sums, int n) {
        return Math.max(0, sums[1] - sums[0] * sums[0] / n) / n;
    }

    /** A pass over the (row, chunk) items of a long-row call: the item's n elements start at element at. */
    @FunctionalInterface
    private interface ChunkBody {
        void run(float[] buf, float[] other, int n, long item, long row, long chunk, long at);
    }

    private static void forChunks(CpuPool pool, Kernels.Norm call, ChunkBody body) {
        long cols = call.cols();
        long chunks = Math.ceilDiv(cols, CHUNK);
        boolean add = call.op() == NormOp.ADD_RMS_NORM;
        pool.forRange(call.rows() * chunks, 1, (lo, hi) -> {
            float[] buf = Scratch.get(Scratch.ROW_0, CHUNK + NormRow.PAD);
            float[] other = add ? Scratch.get(Scratch.ROW_1, CHUNK + NormRow.PAD) : null;
            for (long item = lo; item < hi; item++) {
                long r = item / chunks, ch = item % chunks;
                body.run(buf, other, (int) Math.min(CHUNK, cols - ch * CHUNK), item, r, ch, r * cols + ch * CHUNK);
            }
        });
    }

    private static void longRows(CpuPool pool, Kernels.Norm call, float[] gamma, float[] beta) {
        NormRow row = NormRow.get();
        MemorySegment x = CpuMemory.segment(call.x());
        MemorySegment res = CpuMemory.segment(call.residual());
        MemorySegment out = CpuMemory.segment(call.out());
        DType t = call.dtype();
        long rows = call.rows(), cols = call.cols();
        long chunks = Math.ceilDiv(cols, CHUNK);
        NormOp op = call.op();
        // per item: layerNorm (mean, sum of squared deviations); the rms ops (sum of squares, unused)
        double[] stats = new double[Math.toIntExact(rows * chunks * 2)];
        forChunks(pool, call, (buf, other, n, item, r, ch, at) -> {
            int s = (int) (2 * item);
            switch (op) {
                case LAYER_NORM -> {
                    float mean = (float) (row.loadSum(x, t, at, buf, n) / n);
                    double[] sums = SUMS.get();
                    row.moments(buf, n, mean, sums);
                    stats[s] = mean + sums[0] / n;
                    stats[s + 1] = variance(sums, n) * n;
                }
                case RMS_NORM -> stats[s] = row.loadSquares(x, t, at, buf, n);
                case ADD_RMS_NORM -> stats[s] = row.addSquares(x, res, t, at, buf, other, n, false);
            }
        });
        // per row: (hi, lo, rstd), the mean hi + lo (0 for the rms ops)
        float[] rowStats = new float[Math.toIntExact(rows * 3)];
        for (int r = 0; r < rows; r++) {
            merge(stats, r, chunks, cols, op == NormOp.LAYER_NORM, call.eps(), rowStats);
        }
        forChunks(pool, call, (buf, other, n, item, r, ch, at) -> {
            int rs = (int) (3 * r);
            switch (op) {
                case LAYER_NORM, RMS_NORM -> Elements.load(x, t, at, buf, 0, n);
                case ADD_RMS_NORM -> row.addSquares(x, res, t, at, buf, other, n, true); // s again; residual = s
            }
            row.normalizeStore(buf, n, rowStats[rs], rowStats[rs + 1], rowStats[rs + 2], gamma, beta, (int) (ch * CHUNK),
                    out, t, at);
        });
    }

    /** Merges the chunk statistics of row r in chunk order into rowStats[3r ..]: (hi, lo, rstd). */
    private static void merge(double[] stats, int r, long chunks, long cols, boolean layer, float eps, float[] rowStats) {
        double count = 0, mean = 0, m2 = 0, squares = 0;
        for (long ch = 0; ch < chunks; ch++) {
            int s = (int) (2 * (r * chunks + ch));
            double n = Math.min(CHUNK, cols - ch * CHUNK);
            if (layer) {
                double total = count + n;
                double delta = stats[s] - mean;
                mean += delta * n / total;
                m2 += stats[s + 1] + delta * delta * count * n / total;
                count = total;
            } else {
                squares += stats[s];
            }
        }
        float hi = (float) mean;
        rowStats[3 * r] = hi;
        rowStats[3 * r + 1] = (float) (mean - hi);
        rowStats[3 * r + 2] = rstd(layer ? m2 / cols : squares / cols, eps);
    }

    /** 1 / sqrt(var + eps), rounded to float once. */
    private static float rstd(double var, float eps) {
        return (float) (1 / Math.sqrt(var + eps));
    }
}
