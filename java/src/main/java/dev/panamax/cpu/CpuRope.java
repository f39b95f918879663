package dev.panamax.cpu;

import dev.panamax.DType;
import dev.panamax.internal.Kernels;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Rotary position embedding in place on x [B, H, S, D], on the CPU. A work item is a block of up to
 * {@link #BLOCK} consecutive sequence indices and a group of batches (positions [S], shared by
 * every batch) or one batch (positions [B, S]). It computes the cos and sin of each position's R/2
 * angles once ({@link RopeRow#tables}: {@code a = (float) position * inverseFrequencies[i]} in F32,
 * {@code Math.cos} and {@code Math.sin} of that float), then rotates the first R features of its
 * rows head by head, each head's rows of the block one after another in memory. Batches are split
 * into groups only when S alone gives the pool too few items (a decoding step). Each row is
 * widened into a float buffer ({@link Elements}), rotated in F32 ({@link RopeRow}: Vector API
 * where it is on) and rounded back; features R to D are neither read nor written.
 *
 * <p>An item used to be one position, whose H rows lie S * D elements apart: each row of 512 bytes
 * was a new stream for the hardware prefetchers. [1, 32, 4096, 128] F32 ran at about a third of
 * copy speed.
 */
final class CpuRope {
    /** Elements an item moves plus angles it computes, at least, per chunk of items handed to a thread. */
    private static final long GRAIN = 1 << 14;
    /** Sequence indices per item: a head's rows of a block are one run of memory. */
    static final int BLOCK = 64;

    private CpuRope() {
    }

    static void run(CpuPool pool, Kernels.Rope call) {
        MemorySegment x = CpuMemory.segment(call.x());
        MemorySegment positions = CpuMemory.segment(call.positions());
        DType t = call.dtype();
        long batch = call.batch(), heads = call.heads(), seq = call.seq(), dim = call.dim();
        int pairs = Math.toIntExact(call.pairs());
        int span = Math.multiplyExact(2, pairs);
        boolean batched = call.positionsBatched();
        float[] inv = new float[pairs];
        MemorySegment.copy(CpuMemory.segment(call.inverseFrequencies()), ValueLayout.JAVA_FLOAT, 0, inv, 0, pairs);
        RopeRow rope = RopeRow.get(call.interleaved());
        long blocks = Math.ceilDiv(seq, BLOCK);
        long blockRows = batched ? batch * blocks : blocks;
        // batch groups per block: 1, unless a short shared sequence would leave threads idle
        long groups = batched ? 1 : Math.min(batch, Math.ceilDiv(4L * pool.threads(), blocks));
        long perGroup = Math.ceilDiv(batch, groups);
        long block = Math.min(BLOCK, seq);
        long perItem = block * (perGroup * heads * span + 8L * pairs);
        pool.forRange(blockRows * groups, Math.max(1, GRAIN / Math.max(1, perItem)), (lo, hi) -> {
            int n = (int) block;
            float[] cos = Scratch.get(Scratch.ROW_0, n * span), sin = Scratch.get(Scratch.ROW_1, n * span);
            float[] row = Scratch.get(Scratch.ROW_2, span), c1 = new float[span], s1 = new float[span];
            for (long item = lo; item < hi; item++) {
                long p = item / groups, g = item - p * groups;
                long s0 = p % blocks * BLOCK, s1End = Math.min(seq, s0 + BLOCK);
                long bLo = batched ? p / blocks : g * perGroup;
                long bHi = batched ? bLo + 1 : Math.min(batch, bLo + perGroup);
                long posRow = batched ? bLo * seq : 0; // positions [B, S]: this batch's row
                for (long s = s0; s < s1End; s++) {
                    int at = (int) (s - s0) * span;
                    rope.tables(positions.getAtIndex(ValueLayout.JAVA_INT, posRow + s), inv, pairs, c1, s1);
                    System.arraycopy(c1, 0, cos, at, span);
                    System.arraycopy(s1, 0, sin, at, span);
                }
                for (long b = bLo; b < bHi; b++) {
                    for (long h = 0; h < heads; h++) {
                        for (long s = s0; s < s1End; s++) {
                            long at = ((b * heads + h) * seq + s) * dim;
                            int tab = (int) (s - s0) * span;
                            Elements.load(x, t, at, row, 0, span);
                            rope.rotate(row, pairs, cos, sin, tab);
                            Elements.store(row, 0, x, t, at, span);
                        }
                    }
                }
            }
        });
    }
}
