package dev.panamax.internal;

import dev.panamax.DType;

/**
 * How the work of embedding, writeCache and rope is cut for the GPU backends, whose kernels
 * (kernels/cuda/gather.cu and rope.cu, kernels/opencl/gather.cl and rope.cl) share one design on
 * blocks (work-groups) of {@link #GROUP} threads; the CUDA and OpenCL families launch from these
 * numbers alike.
 */
public final class GpuWork {
    /** Threads of a block, work-items of a work-group. */
    public static final int GROUP = 256;
    /** Rope items enough to fill a large GPU (an H200 holds about 270k resident threads) with one head per item. */
    static final long ROPE_ITEMS_ENOUGH = 1 << 17;
    /** Heads per rope item at most: past that a small batch's items get too few to spread. */
    static final int ROPE_MAX_HEADS_PER_ITEM = 16;

    private GpuWork() {
    }

    /**
     * Threads that share one row of {@code width} elements (gather.cu, gather.cl): the row's 16-byte
     * chunks rounded up to a power of two, at most a block, so that a row of 8 chunks takes 8
     * threads and a block moves 32 such rows at once.
     */
    public static int rowLanes(DType dtype, long width) {
        long chunks = Math.ceilDiv(width * dtype.byteSize(), 16);
        return (int) Math.min(GROUP, nextPowerOfTwo(chunks));
    }

    /** The smallest power of two &gt;= n (1 for n &lt;= 1). */
    public static long nextPowerOfTwo(long n) {
        return n <= 1 ? 1 : Long.highestOneBit(n - 1) << 1;
    }

    /**
     * The items of a rope launch (rope.cu, rope.cl): one per (b, s), chunk of the pairs of one
     * 16-byte chunk (from each half, or interleaved: half as many) and group of
     * {@code headsPerItem} heads that share the chunk's angles. One head per item while the items
     * stay under {@link #ROPE_ITEMS_ENOUGH} (parallelism first), else as many heads as keep about
     * that many items, up to {@link #ROPE_MAX_HEADS_PER_ITEM}, so that each sincos serves several heads.
     */
    public record RopeItems(int headsPerItem, long items) {
        public static RopeItems of(Kernels.Rope call) {
            int perChunk = 16 / call.dtype().byteSize();
            long chunks = Math.ceilDiv(call.pairs(), call.interleaved() ? perChunk / 2 : perChunk);
            long rowItems = call.batch() * call.seq() * chunks;
            long heads = call.heads();
            int perItem = (int) Math.max(1, Math.min(Math.min(heads, ROPE_MAX_HEADS_PER_ITEM),
                    rowItems * heads / ROPE_ITEMS_ENOUGH));
            return new RopeItems(perItem, rowItems * Math.ceilDiv(heads, perItem));
        }
    }
}
