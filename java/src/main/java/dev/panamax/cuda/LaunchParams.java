package dev.panamax.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Packs the one by-value struct of a kernel launch ({@link CudaLauncher}'s ABI) the way
 * {@code cuLaunchKernel} takes it: {@code kernelParams} points to an array of one pointer, which
 * points to the struct's bytes. Each platform thread keeps one 16-byte-aligned native buffer,
 * laid out {@code [pointer to offset 16 | pad | struct bytes]}, reused for every launch: the
 * driver has copied the arguments when cuLaunchKernel returns. A struct above
 * {@link #CAPACITY} bytes gets a buffer of its own for that launch.
 */
final class LaunchParams {
    /** Struct bytes the per-thread buffer holds (the classic kernel parameter limit). */
    static final int CAPACITY = 4096;
    private static final long STRUCT_OFFSET = 16;

    private LaunchParams() {
    }

    private static final ThreadLocal<MemorySegment> BUFFER = ThreadLocal.withInitial(
            () -> newBuffer(Arena.ofAuto(), CAPACITY));

    /** A buffer of {@code capacity} struct bytes whose first word already points at them. */
    static MemorySegment newBuffer(Arena arena, long capacity) {
        MemorySegment buffer = arena.allocate(STRUCT_OFFSET + capacity, 16);
        buffer.set(ValueLayout.ADDRESS, 0, buffer.asSlice(STRUCT_OFFSET));
        return buffer;
    }

    /** Copies {@code params} behind the pointer in {@code buffer}; returns {@code buffer}, the kernelParams argument. */
    static MemorySegment pack(MemorySegment buffer, MemorySegment params) {
        MemorySegment.copy(params, 0, buffer, STRUCT_OFFSET, params.byteSize());
        return buffer;
    }

    /** Something that launches with a packed kernelParams pointer (NULL for a kernel without parameters). */
    @FunctionalInterface
    interface Launch {
        int launch(MemorySegment kernelParams);
    }

    /** Packs {@code params} (null: no parameters) and runs {@code launch} with it; returns its CUresult. */
    static int with(MemorySegment params, Launch launch) {
        if (params == null) {
            return launch.launch(MemorySegment.NULL);
        }
        if (params.byteSize() <= CAPACITY && !Thread.currentThread().isVirtual()) {
            return launch.launch(pack(BUFFER.get(), params));
        }
        try (Arena arena = Arena.ofConfined()) {
            return launch.launch(pack(newBuffer(arena, params.byteSize()), params));
        }
    }
}
