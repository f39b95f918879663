package dev.panamax.cpu;

import dev.panamax.internal.Kernels;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * permute on the CPU, from the merged form of {@link Kernels.Permute} (at most 8 dimensions, the
 * ones that move together already merged), on all cores of the {@link CpuPool}. A lone dimension
 * (the identity) is one copy cut into chunks. Every other permutation is a batch of 2-D
 * transposes of units:
 * <ul>
 *   <li>the unit is a run when the last dimension stays last: out's rows of shape[last] elements
 *       are contiguous in x too, each moved with one {@link MemorySegment#copy} ([B, S, H, D] to
 *       [B, H, S, D] moves rows of D), and the transposed dimensions are out's last but one and
 *       the one x walks with the stride of a run (S and H here; they are never the same, or the
 *       merge would have joined them to the run);</li>
 *   <li>the unit is one element when the last dimension moves, moved as raw bits of its size, and
 *       the transposed dimensions are out's last and x's innermost (stride 1).</li>
 * </ul>
 * The transpose goes tile by tile, {@link #tile} units a side, so that the units a tile reads
 * along x's dimension and those it writes along out's both come in contiguous stretches (a tile
 * of 512-byte rows reads and writes 4 KiB at a time instead of one row per page); the pool takes
 * (combination of the other dimensions, tile row) items.
 */
final class CpuPermute {
    /** Bytes a tile moves at most: its units read and written stay in L1. */
    static final long TILE_BYTES = 32 << 10;
    /** Units along a tile's side at most. */
    static final int MAX_TILE = 32;

    private CpuPermute() {
    }

    static void run(CpuPool pool, Kernels.Permute call) {
        MemorySegment x = CpuMemory.segment(call.x());
        MemorySegment out = CpuMemory.segment(call.out());
        int es = call.dtype().byteSize();
        long[] shape = call.shape(), strides = call.strides();
        int r = shape.length;
        if (r == 1) { // a plain copy (the stride is 1)
            long bytes = shape[0] * es;
            long grain = CpuGather.GRAIN_BYTES;
            pool.forRange(Math.ceilDiv(bytes, grain), 1, (lo, hi) -> {
                long from = lo * grain, to = Math.min(bytes, hi * grain);
                MemorySegment.copy(x, from, out, from, to - from);
            });
            return;
        }
        long run = call.run();
        // The dimensions over units: all of them for elements, all but the run's for runs, with
        // x's strides in units (exact: every stride outside the run is a multiple of it).
        int n = run > 1 ? r - 1 : r;
        long[] unitStrides = new long[n];
        for (int j = 0; j < n; j++) {
            unitStrides[j] = strides[j] / run;
        }
        transpose(pool, x, out, es, run * es, Arrays.copyOf(shape, n), unitStrides);
    }

    /**
     * out (contiguous [shape] of units of {@code unitBytes}) [i] = x[sum i_j strides[j]]: the
     * transposes of x's contiguous dimension (stride 1) with out's last, over every combination of
     * the others.
     */
    private static void transpose(CpuPool pool, MemorySegment x, MemorySegment out, int es, long unitBytes,
                                  long[] shape, long[] strides) {
        int n = shape.length;
        int k = 0;
        while (strides[k] != 1) {
            k++; // x's innermost dimension over units; never the last (that would have merged)
        }
        long[] outStrides = new long[n];
        long size = 1;
        for (int j = n - 1; j >= 0; j--) {
            outStrides[j] = size;
            size *= shape[j];
        }
        int nb = n - 2; // the other dimensions, each with its x and out stride
        long[] bShape = new long[nb], bIn = new long[nb], bOut = new long[nb];
        for (int j = 0, b = 0; j < n - 1; j++) {
            if (j != k) {
                bShape[b] = shape[j];
                bIn[b] = strides[j];
                bOut[b] = outStrides[j];
                b++;
            }
        }
        long rowsA = shape[k], colsB = shape[n - 1];
        long aStride = outStrides[k], bStride = strides[n - 1];
        int tile = tile(unitBytes);
        long tileRows = Math.ceilDiv(rowsA, tile);
        long batches = size / (rowsA * colsB);
        long grain = Math.max(1, CpuGather.GRAIN_BYTES / (tile * colsB * unitBytes));
        pool.forRange(batches * tileRows, grain, (lo, hi) -> {
            for (long item = lo; item < hi; item++) {
                long batch = item / tileRows;
                long a0 = (item - batch * tileRows) * tile, a1 = Math.min(rowsA, a0 + tile);
                long xBase = 0, oBase = 0, rest = batch;
                for (int j = nb - 1; j >= 0; j--) {
                    long c = rest % bShape[j];
                    rest /= bShape[j];
                    xBase += c * bIn[j];
                    oBase += c * bOut[j];
                }
                for (long b0 = 0; b0 < colsB; b0 += tile) {
                    long b1 = Math.min(colsB, b0 + tile);
                    long i = xBase + a0 + b0 * bStride, o = oBase + a0 * aStride + b0;
                    for (long a = 0; a < a1 - a0; a++) {
                        long src = i + a, dst = o + a * aStride;
                        for (long b = 0; b < b1 - b0; b++) {
                            move(es, unitBytes, x, src + b * bStride, out, dst + b);
                        }
                    }
                }
            }
        });
    }

    /** Units along a tile's side: a power of two, at most {@link #MAX_TILE}, the tile at most {@link #TILE_BYTES}. */
    static int tile(long unitBytes) {
        int t = MAX_TILE;
        while (t > 1 && (long) t * t * unitBytes > TILE_BYTES) {
            t /= 2;
        }
        return t;
    }

    /**
     * out's unit {@code to} = x's unit {@code from}, indices in units of {@code unitBytes}: one copy
     * for a run, else the element's raw bits (the size is the same on every pass of a transpose:
     * the JIT takes the switch out of its loop).
     */
    private static void move(int es, long unitBytes, MemorySegment x, long from, MemorySegment out, long to) {
        if (unitBytes != es) {
            MemorySegment.copy(x, from * unitBytes, out, to * unitBytes, unitBytes);
            return;
        }
        switch (es) {
            case 4 -> out.setAtIndex(ValueLayout.JAVA_INT_UNALIGNED, to, x.getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, from));
            case 2 -> out.setAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, to, x.getAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, from));
            case 1 -> out.set(ValueLayout.JAVA_BYTE, to, x.get(ValueLayout.JAVA_BYTE, from));
            default -> throw new IllegalStateException("permute: no " + es + "-byte elements");
        }
    }
}
