package dev.panamax.cpu;

import dev.panamax.internal.Kernels;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * permute on the CPU, from the merged form of {@link Kernels.Permute} (at most 8 dimensions, the
 * ones that move together already merged), on all cores of the {@link CpuPool}:
 * <ul>
 *   <li>runs: when the last dimension stays last, each output row is one contiguous run of x,
 *       moved with one {@link MemorySegment#copy} (the bits as they are); the rows spread over
 *       the pool in chunks of at least {@link CpuGather#GRAIN_BYTES}, each chunk walking its
 *       rows' x offsets as an odometer ([B, S, H, D] to [B, H, S, D] is this: rows of D). A lone
 *       dimension (the identity) is one copy cut into chunks.</li>
 *   <li>transpose: when the last dimension moves, the two that matter are x's contiguous one (k)
 *       and out's (the last): every combination of the other dimensions is a 2-D transpose of
 *       [shape[k], shape[last]], done in {@link #TILE} x {@link #TILE} tiles so that both the
 *       reads along k and the writes along the last dimension stay in cache lines already
 *       fetched; the pool takes (combination, tile row) items.</li>
 * </ul>
 */
final class CpuPermute {
    /** Elements along each side of a transpose tile (32 x 32 x 4 bytes = 4 KiB read and written). */
    static final int TILE = 32;

    private CpuPermute() {
    }

    static void run(CpuPool pool, Kernels.Permute call) {
        MemorySegment x = CpuMemory.segment(call.x());
        MemorySegment out = CpuMemory.segment(call.out());
        if (call.run() > 1 || call.shape().length == 1) {
            runs(pool, call, x, out);
        } else {
            transpose(pool, call, x, out);
        }
    }

    private static void runs(CpuPool pool, Kernels.Permute call, MemorySegment x, MemorySegment out) {
        long es = call.dtype().byteSize();
        long[] shape = call.shape(), strides = call.strides();
        int r = shape.length;
        if (r == 1) { // a plain copy (the strides are 1)
            long bytes = shape[0] * es;
            long grain = CpuGather.GRAIN_BYTES;
            pool.forRange(Math.ceilDiv(bytes, grain), 1, (lo, hi) -> {
                long from = lo * grain, to = Math.min(bytes, hi * grain);
                MemorySegment.copy(x, from, out, from, to - from);
            });
            return;
        }
        long runBytes = shape[r - 1] * es;
        long rows = call.size() / shape[r - 1];
        pool.forRange(rows, Math.max(1, CpuGather.GRAIN_BYTES / runBytes), (lo, hi) -> {
            long[] at = new long[r - 1];
            long offset = start(lo, shape, strides, r - 1, at);
            for (long row = lo; row < hi; row++) {
                MemorySegment.copy(x, offset * es, out, row * runBytes, runBytes);
                offset = next(shape, strides, r - 1, at, offset);
            }
        });
    }

    /** Coordinates of item {@code index} over dims [0, n) into {@code at}; returns its x offset. */
    private static long start(long index, long[] shape, long[] strides, int n, long[] at) {
        long offset = 0;
        for (int j = n - 1; j >= 0; j--) {
            at[j] = index % shape[j];
            index /= shape[j];
            offset += at[j] * strides[j];
        }
        return offset;
    }

    /** Steps the odometer {@code at} over dims [0, n) by one; returns the new x offset. */
    private static long next(long[] shape, long[] strides, int n, long[] at, long offset) {
        for (int j = n - 1; j >= 0; j--) {
            if (++at[j] < shape[j]) {
                return offset + strides[j];
            }
            offset -= (shape[j] - 1) * strides[j];
            at[j] = 0;
        }
        return offset;
    }

    private static void transpose(CpuPool pool, Kernels.Permute call, MemorySegment x, MemorySegment out) {
        long[] shape = call.shape(), strides = call.strides();
        int r = shape.length;
        int k = 0;
        while (strides[k] != 1) {
            k++; // x's innermost dimension (some merged dimension has stride 1; it is not the last)
        }
        long[] outStrides = new long[r];
        long s = 1;
        for (int j = r - 1; j >= 0; j--) {
            outStrides[j] = s;
            s *= shape[j];
        }
        // The other dimensions, each with its x and out stride: a batch of 2-D transposes.
        int nb = r - 2;
        long[] bShape = new long[nb], bIn = new long[nb], bOut = new long[nb];
        for (int j = 0, b = 0; j < r - 1; j++) {
            if (j != k) {
                bShape[b] = shape[j];
                bIn[b] = strides[j];
                bOut[b] = outStrides[j];
                b++;
            }
        }
        long rowsA = shape[k], colsB = shape[r - 1];
        long aStride = outStrides[k], bStride = strides[r - 1];
        long tileRows = Math.ceilDiv(rowsA, TILE);
        long batches = call.size() / (rowsA * colsB);
        int es = call.dtype().byteSize();
        long grain = Math.max(1, CpuGather.GRAIN_BYTES / (TILE * colsB * es));
        pool.forRange(batches * tileRows, grain, (lo, hi) -> {
            long[] at = new long[nb];
            for (long item = lo; item < hi; item++) {
                long batch = item / tileRows;
                long a0 = (item - batch * tileRows) * TILE, a1 = Math.min(rowsA, a0 + TILE);
                long xBase = 0, oBase = 0, rest = batch;
                for (int j = nb - 1; j >= 0; j--) {
                    long c = rest % bShape[j];
                    rest /= bShape[j];
                    xBase += c * bIn[j];
                    oBase += c * bOut[j];
                }
                for (long b0 = 0; b0 < colsB; b0 += TILE) {
                    long b1 = Math.min(colsB, b0 + TILE);
                    tile(es, x, out, xBase + a0 + b0 * bStride, oBase + a0 * aStride + b0, a1 - a0, b1 - b0, bStride, aStride);
                }
            }
        });
    }

    /**
     * One tile: out[o + a * aStride + b] = x[i + a + b * bStride] for a < rows, b < cols (offsets
     * in elements), the element moved as raw bits of its size (the size is the same on every
     * pass: the JIT takes the switch out of the loop).
     */
    private static void tile(int es, MemorySegment x, MemorySegment out, long i, long o, long rows, long cols,
                             long bStride, long aStride) {
        for (long a = 0; a < rows; a++) {
            long src = i + a, dst = o + a * aStride;
            for (long b = 0; b < cols; b++) {
                move(es, x, src + b * bStride, out, dst + b);
            }
        }
    }

    /** out[to] = x[from], indices in elements of {@code es} bytes. */
    private static void move(int es, MemorySegment x, long from, MemorySegment out, long to) {
        switch (es) {
            case 4 -> out.setAtIndex(ValueLayout.JAVA_INT_UNALIGNED, to, x.getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, from));
            case 2 -> out.setAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, to, x.getAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, from));
            case 1 -> out.set(ValueLayout.JAVA_BYTE, to, x.get(ValueLayout.JAVA_BYTE, from));
            default -> throw new IllegalStateException("permute: no " + es + "-byte elements");
        }
    }
}
