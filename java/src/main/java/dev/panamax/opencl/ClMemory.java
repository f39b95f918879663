package dev.panamax.opencl;

import dev.panamax.internal.Memory;

import java.lang.foreign.MemorySegment;

/** A {@code cl_mem} buffer of {@code byteSize} bytes, owned by one {@code Allocation} (or one call, for scratch). */
record ClMemory(MemorySegment handle, long byteSize) implements Memory {
    static MemorySegment handle(Memory m) {
        return ((ClMemory) m).handle;
    }
}
