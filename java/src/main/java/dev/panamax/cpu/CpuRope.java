package dev.panamax.cpu;

import dev.panamax.DType;
import dev.panamax.internal.Kernels;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Rotary position embedding in place on x [B, H, S, D], on the CPU. A work item is one row of
 * positions and a group of batches: with positions [S] (shared by every batch) the item of
 * sequence index s computes the cos and sin of its R/2 angles once ({@link RopeRow#tables}:
 * {@code a = (float) position * inverseFrequencies[i]} in F32, {@code Math.cos} and
 * {@code Math.sin} of that float) and rotates the first R features of the H rows of s in each of
 * its batches, the batches split into groups only when S alone gives the pool too few items (a
 * decoding step); with positions [B, S] the item is one (b, s). Each row is widened into a float
 * buffer ({@link Elements}), rotated in F32 ({@link RopeRow}: Vector API where it is on) and rounded
 * back; features R to D are neither read nor written.
 */
final class CpuRope {
    /** Elements an item moves plus angles it computes, at least, per chunk of items handed to a thread. */
    private static final long GRAIN = 1 << 14;

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
        long positionRows = batched ? batch * seq : seq;
        // batch groups per position row: 1, unless a short shared sequence would leave threads idle
        long groups = batched ? 1 : Math.min(batch, Math.ceilDiv(4L * pool.threads(), seq));
        long perGroup = Math.ceilDiv(batch, groups);
        long perItem = perGroup * heads * span + 8L * pairs;
        pool.forRange(positionRows * groups, Math.max(1, GRAIN / perItem), (lo, hi) -> {
            float[] cos = new float[span], sin = new float[span], row = new float[span];
            for (long item = lo; item < hi; item++) {
                long p = item / groups, g = item - p * groups;
                long s = p % seq;
                long bLo = batched ? p / seq : g * perGroup;
                long bHi = batched ? bLo + 1 : Math.min(batch, bLo + perGroup);
                rope.tables(positions.getAtIndex(ValueLayout.JAVA_INT, p), inv, pairs, cos, sin);
                for (long b = bLo; b < bHi; b++) {
                    for (long h = 0; h < heads; h++) {
                        long at = ((b * heads + h) * seq + s) * dim;
                        Elements.load(x, t, at, row, 0, span);
                        rope.rotate(row, pairs, cos, sin);
                        Elements.store(row, 0, x, t, at, span);
                    }
                }
            }
        });
    }
}
