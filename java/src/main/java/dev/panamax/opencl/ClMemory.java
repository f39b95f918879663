package dev.panamax.opencl;

import dev.panamax.internal.Memory;

import java.lang.foreign.MemorySegment;

/**
 * {@code byteSize} bytes from {@code offset} on in the {@code cl_mem} buffer {@code handle}: a
 * whole buffer (offset 0), owned by one {@code Allocation} (or one call, for scratch), or a view
 * of one ({@code OpenClDevice.view}), which owns nothing. Copies take the offset natively; a
 * kernel argument cannot carry one, so {@code ClViews} makes a sub-buffer or stages the bytes for
 * each launch. Equal (the record's equals) exactly when the same bytes.
 */
record ClMemory(MemorySegment handle, long offset, long byteSize) implements Memory {
    static MemorySegment handle(Memory m) {
        return ((ClMemory) m).handle;
    }

    static long offset(Memory m) {
        return ((ClMemory) m).offset;
    }

    /** Whether the two share at least one byte. */
    boolean overlaps(ClMemory other) {
        return handle.equals(other.handle) && offset < other.offset + other.byteSize && other.offset < offset + byteSize;
    }
}
