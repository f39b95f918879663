package dev.panamax.cpu;

import dev.panamax.DType;
import dev.panamax.internal.Kernels;
import dev.panamax.internal.Kernels.ElementwiseOp;
import dev.panamax.internal.Kernels.NormOp;

import java.lang.foreign.MemorySegment;

/**
 * The row norms (layerNorm, rmsNorm, addRmsNorm) over x [rows, cols], F32 statistics, out may be x.
 * gamma and beta are widened once per call into float arrays on the calling thread (they are
 * read by every row).
 *
 * <p>Rows of up to {@link #CHUNK} elements, spread over the workers by rows: a row is read from
 * memory once into a per-thread buffer (addRmsNorm: x and residual, and s = residual + x formed
 * there in F32, residual written from it), its statistics taken in passes over that buffer, and
 * written once. layerNorm's statistics, in three passes so that nothing cancels (a row of mean
 * 1e4 and spread 1 keeps its precision, where E[x^2] - mean^2 would lose it all):
 * hi = mean(x) rounded to float; d = x - hi (exact for x near hi); c = mean(d), the part of the
 * mean hi missed; e = d - c; var = mean(e^2); out = e / sqrt(var + eps) * gamma + beta. A row of
 * equal values has e = 0 and gives beta exactly (eps &gt; 0).
 *
 * <p>Longer rows are cut into chunks of CHUNK, and (row, chunk) items spread over the workers
 * twice: a first read takes each chunk's statistics (count, mean and sum of squared deviations,
 * by the same passes; addRmsNorm: the sum of s^2), merged per row in chunk order (Chan's
 * formula, in double); a second read writes (addRmsNorm forms s again from x and residual, which
 * the first read left alone). Every byte is read twice there and written once.
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

    private static float[] widen(dev.panamax.internal.Memory m, DType t, long n, int slot) {
        float[] w = Scratch.get(slot, (int) n + NormRow.PAD);
        Elements.load(CpuMemory.segment(m), t, 0, w, 0, (int) n);
        return w;
    }

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
        pool.forRange(call.rows(), Math.max(1, 8192 / n), (lo, hi) -> {
            float[] buf = Scratch.get(Scratch.ROW_0, n + NormRow.PAD);
            float[] other = op == NormOp.ADD_RMS_NORM ? Scratch.get(Scratch.ROW_1, n + NormRow.PAD) : null;
            for (long r = lo; r < hi; r++) {
                long at = r * cols;
                load(x, res, t, at, buf, other, n);
                if (other != null) {
                    Elements.store(buf, 0, res, t, at, n); // residual = s
                }
                if (op == NormOp.LAYER_NORM) {
                    float mean = (float) (row.sum(buf, n) / n);
                    float c = (float) (row.shiftSum(buf, n, mean) / n);
                    double var = row.shiftSquares(buf, n, c) / n;
                    row.normalize(buf, n, 0f, rstd(var, eps), gamma, beta, 0);
                } else {
                    row.normalize(buf, n, 0f, rstd(row.shiftSquares(buf, n, 0f) / n, eps), gamma, null, 0);
                }
                Elements.store(buf, 0, out, t, at, n);
            }
        });
    }

    /**
     * Elements [at, at + n) of x into buf; for addRmsNorm (other, its scratch, not null)
     * s = x + residual in F32 (the elementwise add's arithmetic) into buf.
     */
    private static void load(MemorySegment x, MemorySegment res, DType t, long at, float[] buf, float[] other, int n) {
        Elements.load(x, t, at, buf, 0, n);
        if (other != null) {
            Elements.load(res, t, at, other, 0, n);
            ElementwiseBlock.get().apply(ElementwiseOp.ADD, buf, other, 0, null, n);
        }
    }

    /** A pass over the (row, chunk) items of a long-row call: buf holds the item's n elements of x (addRmsNorm: of s). */
    @FunctionalInterface
    private interface ChunkBody {
        void run(float[] buf, int n, long item, long row, long chunk, long at);
    }

    private static void forChunks(CpuPool pool, Kernels.Norm call, ChunkBody body) {
        MemorySegment x = CpuMemory.segment(call.x());
        MemorySegment res = CpuMemory.segment(call.residual());
        DType t = call.dtype();
        long cols = call.cols();
        long chunks = Math.ceilDiv(cols, CHUNK);
        boolean add = call.op() == NormOp.ADD_RMS_NORM;
        pool.forRange(call.rows() * chunks, 1, (lo, hi) -> {
            float[] buf = Scratch.get(Scratch.ROW_0, CHUNK + NormRow.PAD);
            float[] other = add ? Scratch.get(Scratch.ROW_1, CHUNK + NormRow.PAD) : null;
            for (long item = lo; item < hi; item++) {
                long r = item / chunks, ch = item % chunks;
                int n = (int) Math.min(CHUNK, cols - ch * CHUNK);
                long at = r * cols + ch * CHUNK;
                load(x, res, t, at, buf, other, n);
                body.run(buf, n, item, r, ch, at);
            }
        });
    }

    private static void longRows(CpuPool pool, Kernels.Norm call, float[] gamma, float[] beta) {
        NormRow row = NormRow.get();
        MemorySegment res = CpuMemory.segment(call.residual());
        MemorySegment out = CpuMemory.segment(call.out());
        DType t = call.dtype();
        long rows = call.rows(), cols = call.cols();
        long chunks = Math.ceilDiv(cols, CHUNK);
        boolean layer = call.op() == NormOp.LAYER_NORM;
        boolean add = call.op() == NormOp.ADD_RMS_NORM;
        // per item: layerNorm (mean, sum of squared deviations); the rms ops (sum of squares, unused)
        double[] stats = new double[Math.toIntExact(rows * chunks * 2)];
        forChunks(pool, call, (buf, n, item, r, ch, at) -> {
            int s = (int) (2 * item);
            if (layer) {
                float mean = (float) (row.sum(buf, n) / n);
                double c = row.shiftSum(buf, n, mean) / n;
                stats[s] = mean + c;
                stats[s + 1] = row.shiftSquares(buf, n, (float) c);
            } else {
                stats[s] = row.shiftSquares(buf, n, 0f);
            }
        });
        // per row: layerNorm (hi, lo, rstd) with mean = hi + lo; the rms ops (rstd)
        float[] rowStats = new float[Math.toIntExact(rows * 3)];
        for (int r = 0; r < rows; r++) {
            merge(stats, r, chunks, cols, layer, call.eps(), rowStats);
        }
        forChunks(pool, call, (buf, n, item, r, ch, at) -> {
            int rs = (int) (3 * r);
            if (add) {
                Elements.store(buf, 0, res, t, at, n); // s, formed again: the first pass wrote nothing
            }
            if (layer) {
                row.shiftSum(buf, n, rowStats[rs]); // d = x - hi; its sum is not needed
            }
            row.normalize(buf, n, rowStats[rs + 1], rowStats[rs + 2], gamma, beta, (int) (ch * CHUNK));
            Elements.store(buf, 0, out, t, at, n);
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
        rowStats[3 * r] = layer ? hi : 0f;
        rowStats[3 * r + 1] = layer ? (float) (mean - hi) : 0f;
        rowStats[3 * r + 2] = rstd(layer ? m2 / cols : squares / cols, eps);
    }

    /** 1 / sqrt(var + eps), rounded to float once. */
    private static float rstd(double var, float eps) {
        return (float) (1 / Math.sqrt(var + eps));
    }
}
