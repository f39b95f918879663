package dev.panamax.cpu;

import dev.panamax.internal.Memory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * CPU tensor memory: {@code segment}, the bytes the tensor asked for, at the start of
 * {@code block}, a native allocation in a shared arena of its own (kernels read and write it from
 * the pool's threads). A block is either freed on its own (its arena closes, after which every
 * access throws {@link IllegalStateException}) or kept by {@link CpuMemoryCache} for a later
 * tensor; in both cases only the one {@code Allocation} that owns it, under its leases, touches it.
 * A view's memory is a slice of its base's segment, anywhere in the block, aligned only to its
 * element size (the kernels use unaligned vector loads and element-aligned scalar layouts).
 */
record CpuMemory(Arena arena, MemorySegment block, MemorySegment segment) implements Memory {
    @Override
    public long byteSize() {
        return segment.byteSize();
    }

    /** The same bytes: the same address and size (MemorySegment.equals ignores the size). */
    @Override
    public boolean equals(Object o) {
        return o instanceof CpuMemory m && m.segment.address() == segment.address() && m.segment.byteSize() == segment.byteSize();
    }

    @Override
    public int hashCode() {
        return Long.hashCode(segment.address()) * 31 + Long.hashCode(segment.byteSize());
    }

    /** The segment of m; an empty tensor has no memory (null) and reads as an empty segment. */
    static MemorySegment segment(Memory m) {
        return m == null ? MemorySegment.NULL : ((CpuMemory) m).segment;
    }
}
