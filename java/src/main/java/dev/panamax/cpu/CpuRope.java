package dev.panamax.cpu;

import dev.panamax.DType;
import dev.panamax.internal.Kernels;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Rotary position embedding in place on x [B, H, S, D], on the CPU. The work items are the (b, s)
 * pairs, spread over the pool: an item computes the cos and sin of its R/2 angles once
 * ({@code a = (float) position * inverseFrequencies[i]} in F32, then {@code Math.cos} and
 * {@code Math.sin} of that float, rounded to float) and rotates the first R features of the H rows
 * that share them, each widened into a float buffer, rotated in F32 and rounded back
 * ({@link Elements}, on the Vector API where it is on); features R to D are neither read nor
 * written. The rotation itself is a few multiplications per pair next to a cos and a sin per angle
 * and a load and store per element, so it stays scalar.
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
        long heads = call.heads(), seq = call.seq(), dim = call.dim();
        int pairs = Math.toIntExact(call.pairs());
        int span = Math.multiplyExact(2, pairs);
        boolean interleaved = call.interleaved(), batched = call.positionsBatched();
        float[] inv = new float[pairs];
        MemorySegment.copy(CpuMemory.segment(call.inverseFrequencies()), ValueLayout.JAVA_FLOAT, 0, inv, 0, pairs);
        long perItem = heads * span + 8L * pairs;
        pool.forRange(call.batch() * seq, Math.max(1, GRAIN / perItem), (lo, hi) -> {
            float[] cos = new float[pairs], sin = new float[pairs], row = new float[span];
            for (long item = lo; item < hi; item++) {
                long b = item / seq, s = item - b * seq;
                float position = positions.getAtIndex(ValueLayout.JAVA_INT, batched ? item : s);
                for (int i = 0; i < pairs; i++) {
                    float a = position * inv[i];
                    cos[i] = (float) Math.cos(a);
                    sin[i] = (float) Math.sin(a);
                }
                for (long h = 0; h < heads; h++) {
                    long at = ((b * heads + h) * seq + s) * dim;
                    Elements.load(x, t, at, row, 0, span);
                    if (interleaved) {
                        rotateInterleaved(row, cos, sin, pairs);
                    } else {
                        rotateHalves(row, cos, sin, pairs);
                    }
                    Elements.store(row, 0, x, t, at, span);
                }
            }
        });
    }

    /** Pairs (i, i + pairs). */
    static void rotateHalves(float[] row, float[] cos, float[] sin, int pairs) {
        for (int i = 0; i < pairs; i++) {
            float x1 = row[i], x2 = row[i + pairs];
            row[i] = x1 * cos[i] - x2 * sin[i];
            row[i + pairs] = x1 * sin[i] + x2 * cos[i];
        }
    }

    /** Pairs (2i, 2i + 1). */
    static void rotateInterleaved(float[] row, float[] cos, float[] sin, int pairs) {
        for (int i = 0; i < pairs; i++) {
            float x1 = row[2 * i], x2 = row[2 * i + 1];
            row[2 * i] = x1 * cos[i] - x2 * sin[i];
            row[2 * i + 1] = x1 * sin[i] + x2 * cos[i];
        }
    }
}
