package dev.panamax.cpu;

import dev.panamax.DType;
import dev.panamax.internal.Kernels;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Rows moved by an I32 index on the CPU, the "gather" family: embedding (out row r is table row
 * ids[r], or NaN when the id is outside the table) and writeCache (src row (b, h, t) goes to cache
 * row (b, h, starts[b] + t), or nowhere when that is outside the cache). Each row is one bulk copy
 * ({@link MemorySegment#copy}, the bits as they are); the rows spread over the pool in chunks of
 * at least {@link #GRAIN_BYTES}. Every index is checked before the row it names is touched.
 */
final class CpuGather {
    /** Bytes a chunk of rows moves at least: below that, handing it to another thread costs more than the copy. */
    static final long GRAIN_BYTES = 1 << 16;

    private CpuGather() {
    }

    static void embedding(CpuPool pool, Kernels.Embedding call) {
        MemorySegment table = CpuMemory.segment(call.table());
        MemorySegment ids = CpuMemory.segment(call.ids());
        MemorySegment out = CpuMemory.segment(call.out());
        DType t = call.dtype();
        long width = call.width(), vocab = call.vocab();
        long rowBytes = width * t.byteSize();
        pool.forRange(call.rows(), grain(rowBytes), (lo, hi) -> {
            for (long r = lo; r < hi; r++) {
                int id = ids.getAtIndex(ValueLayout.JAVA_INT, r);
                if (id >= 0 && id < vocab) {
                    MemorySegment.copy(table, id * rowBytes, out, r * rowBytes, rowBytes);
                } else {
                    for (long j = r * width; j < (r + 1) * width; j++) {
                        Elements.set(out, t, j, Float.NaN);
                    }
                }
            }
        });
    }

    static void writeCache(CpuPool pool, Kernels.WriteCache call) {
        MemorySegment src = CpuMemory.segment(call.src());
        MemorySegment cache = CpuMemory.segment(call.cache());
        MemorySegment starts = CpuMemory.segment(call.starts());
        long heads = call.heads(), tokens = call.tokens(), capacity = call.capacity();
        long rowBytes = call.width() * call.dtype().byteSize();
        pool.forRange(call.batch() * heads * tokens, grain(rowBytes), (lo, hi) -> {
            for (long r = lo; r < hi; r++) {
                long bh = r / tokens, t = r - bh * tokens;
                long s = starts.getAtIndex(ValueLayout.JAVA_INT, bh / heads) + t;
                if (s >= 0 && s < capacity) {
                    MemorySegment.copy(src, r * rowBytes, cache, (bh * capacity + s) * rowBytes, rowBytes);
                }
            }
        });
    }

    private static long grain(long rowBytes) {
        return Math.max(1, GRAIN_BYTES / Math.max(1, rowBytes));
    }
}
