package dev.panamax.cpu;

import dev.panamax.DType;
import dev.panamax.internal.Kernels;

import java.lang.foreign.MemorySegment;

/**
 * Row softmax over x [rows, cols], F32 arithmetic, out may be x.
 *
 * <p>A row is cut into chunks of {@link #CHUNK} elements (a function of cols only). A row of one
 * chunk is read once into a buffer, its max and sum of exp(x - max) taken there, and written
 * once; consecutive rows of whole vectors run pipelined ({@link SoftmaxRow#softmaxRows}: a
 * row's exps in the pass that reads the next row and writes the one before). A longer row gets a
 * (max, sum) per chunk, combined in chunk order by rescaling, then a second pass writes
 * exp(x - max) / sum; the chunks of a few long rows run on all workers. -inf gives 0 and a row
 * all -inf gives zeros; NaN anywhere in a row gives a row of NaN.
 */
final class CpuSoftmax {
    /** Elements per chunk of a row: a chunk's floats fit in L2 with room to spare. */
    static final int CHUNK = 16384;

    private CpuSoftmax() {
    }

    static void run(CpuPool pool, Kernels.Softmax call) {
        SoftmaxRow row = SoftmaxRow.get();
        MemorySegment x = CpuMemory.segment(call.x());
        MemorySegment out = CpuMemory.segment(call.out());
        DType t = call.dtype();
        long rows = call.rows();
        long cols = call.cols();
        if (cols <= CHUNK) {
            int n = (int) cols;
            pool.forRange(rows, Math.max(1, 8192 / n), (lo, hi) -> {
                // the body's three row buffers are the thread's scratch: no allocation per call
                int len = n + SoftmaxRow.PAD;
                float[][] bufs = {Scratch.get(Scratch.ROW_0, len), Scratch.get(Scratch.ROW_1, len), Scratch.get(Scratch.ROW_2, len)};
                row.softmaxRows(x, out, t, lo, hi, n, bufs);
            });
            return;
        }
        long chunks = Math.ceilDiv(cols, CHUNK);
        float[] stats = new float[(int) (rows * chunks * 2)];
        pool.forRange(rows * chunks, 1, (lo, hi) -> {
            float[] buf = new float[CHUNK + SoftmaxRow.PAD];
            float[] ms = new float[2];
            for (long item = lo; item < hi; item++) {
                long r = item / chunks, ch = item % chunks;
                int n = (int) Math.min(CHUNK, cols - ch * CHUNK);
                Elements.load(x, t, r * cols + ch * CHUNK, buf, 0, n);
                row.maxSum(buf, n, ms);
                stats[(int) (2 * item)] = ms[0];
                stats[(int) (2 * item + 1)] = ms[1];
            }
        });
        float[] rowMax = new float[(int) rows];
        float[] rowInv = new float[(int) rows];
        for (int r = 0; r < rows; r++) {
            combine(stats, r * chunks, chunks, rowMax, rowInv, r);
        }
        pool.forRange(rows * chunks, 1, (lo, hi) -> {
            float[] buf = new float[CHUNK + SoftmaxRow.PAD];
            for (long item = lo; item < hi; item++) {
                long r = item / chunks, ch = item % chunks;
                int n = (int) Math.min(CHUNK, cols - ch * CHUNK);
                long at = r * cols + ch * CHUNK;
                Elements.load(x, t, at, buf, 0, n);
                row.scaleExp(buf, n, rowMax[(int) r], rowInv[(int) r]);
                Elements.store(buf, 0, out, t, at, n);
            }
        });
    }

    /** Folds the (max, sum) of chunks [first, first + count) into the row's max and 1 / sum. */
    private static void combine(float[] stats, long first, long count, float[] rowMax, float[] rowInv, int r) {
        float max = Float.NEGATIVE_INFINITY;
        for (long ch = first; ch < first + count; ch++) {
            max = Math.max(max, stats[(int) (2 * ch)]);
        }
        double sum = 0;
        if (max != Float.NEGATIVE_INFINITY) {
            for (long ch = first; ch < first + count; ch++) {
                float m = stats[(int) (2 * ch)];
                if (m != Float.NEGATIVE_INFINITY) {
                    sum += stats[(int) (2 * ch + 1)] * Math.exp(m - max);
                }
            }
        }
        rowMax[r] = max;
        // a chunk whose max is +inf or NaN has a NaN sum (+inf - +inf): the row is NaN
        rowInv[r] = max == Float.POSITIVE_INFINITY || Float.isNaN(max) ? Float.NaN : (float) (1 / sum);
    }
}
