package dev.panamax.cpu;

import dev.panamax.internal.Memory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * CPU tensor memory: a native segment in an arena of its own, so that it is freed on its own.
 * The arena is shared: kernels read and write it from the pool's threads. Once the arena closes,
 * every access throws {@link IllegalStateException} instead of touching freed memory.
 */
record CpuMemory(Arena arena, MemorySegment segment) implements Memory {
    @Override
    public long byteSize() {
        return segment.byteSize();
    }

    /** The segment of m; an empty tensor has no memory (null) and reads as an empty segment. */
    static MemorySegment segment(Memory m) {
        return m == null ? MemorySegment.NULL : ((CpuMemory) m).segment;
    }
}
