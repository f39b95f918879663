package dev.panamax.internal;

import dev.panamax.DType;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

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

    /**
     * A {@link Kernels.Permute} as the GPU kernels (permute.cu, permute.cl) move it: in units of
     * {@code unitBytes} (1 to 16), each work item one unit of out. When out's rows are contiguous
     * runs of x, the unit is the largest power of two up to 16 bytes that divides a run's bytes
     * and the alignment both base addresses share (a row of 128 F32 moves as 32 units of 16 bytes);
     * when the last dimension moves, the unit is one element. {@code sizes} and {@code strides}
     * (of x, in units) are out's merged dimensions from the innermost, padded to 8 with size 1 and
     * stride 0.
     */
    public record PermuteUnits(int unitBytes, long count, long[] sizes, long[] strides) {
        /** Dimensions the kernels decompose an index over. */
        public static final int DIMS = 8;

        /** The fields size0 .. size7, then stride0 .. stride7 (u64), of both PermuteParams structs (CUDA and OpenCL). */
        public static MemoryLayout[] dimFields() {
            MemoryLayout[] fields = new MemoryLayout[2 * DIMS];
            for (int i = 0; i < DIMS; i++) {
                fields[i] = ValueLayout.JAVA_LONG.withName("size" + i);
                fields[DIMS + i] = ValueLayout.JAVA_LONG.withName("stride" + i);
            }
            return fields;
        }

        /** Handles of the {@link #dimFields} of {@code struct}: size0 .. size7, then stride0 .. stride7. */
        public static VarHandle[] dimHandles(StructLayout struct) {
            VarHandle[] handles = new VarHandle[2 * DIMS];
            for (int i = 0; i < DIMS; i++) {
                handles[i] = KernelStruct.field(struct, "size" + i);
                handles[DIMS + i] = KernelStruct.field(struct, "stride" + i);
            }
            return handles;
        }

        /** Writes the sizes and strides into the struct {@code params} through {@code handles} of {@link #dimHandles}. */
        public void writeDims(MemorySegment params, VarHandle[] handles) {
            for (int i = 0; i < DIMS; i++) {
                handles[i].set(params, 0L, sizes[i]);
                handles[DIMS + i].set(params, 0L, strides[i]);
            }
        }

        /** The units of {@code call} when both memories start at a multiple of {@code alignment} bytes (a power of two). */
        public static PermuteUnits of(Kernels.Permute call, long alignment) {
            long[] shape = call.shape(), strides = call.strides();
            int r = shape.length;
            int es = call.dtype().byteSize();
            int unit = es;
            if (call.run() > 1 || r == 1) {
                long runBytes = shape[r - 1] * es;
                for (int u = 16; u > es; u /= 2) {
                    if (runBytes % u == 0 && alignment % u == 0) {
                        unit = u;
                        break;
                    }
                }
            }
            int per = unit / es; // elements per unit; divides the run and every other stride (multiples of the run)
            long[] sizes = new long[DIMS], unitStrides = new long[DIMS];
            Arrays.fill(sizes, 1);
            for (int i = 0; i < r; i++) {
                int j = r - 1 - i;
                sizes[i] = i == 0 ? shape[j] / (strides[j] == 1 ? per : 1) : shape[j];
                unitStrides[i] = i == 0 && strides[j] == 1 ? 1 : strides[j] / per;
            }
            return new PermuteUnits(unit, call.size() / per, sizes, unitStrides);
        }
    }
}
