package dev.panamax.cpu;

import dev.panamax.DType;

import java.lang.foreign.MemorySegment;

/** Conversions among F32, F16 and BF16 (round to nearest even), in parallel chunks. */
final class CpuConvert {
    private static final int BLOCK = 4096;

    private CpuConvert() {
    }

    static void run(CpuPool pool, MemorySegment src, DType from, MemorySegment dst, DType to, long count) {
        if (from == to) {
            MemorySegment.copy(src, 0, dst, 0, count * from.byteSize());
            return;
        }
        long blocks = Math.ceilDiv(count, BLOCK);
        pool.forRange(blocks, 16, (lo, hi) -> {
            float[] buf = new float[BLOCK];
            for (long b = lo; b < hi; b++) {
                long start = b * BLOCK;
                int n = (int) Math.min(BLOCK, count - start);
                Elements.load(src, from, start, buf, 0, n);
                Elements.store(buf, 0, dst, to, start, n);
            }
        });
    }
}
