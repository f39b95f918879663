package dev.panamax.cpu;

import dev.panamax.DeviceOutOfMemoryException;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Keeps freed large blocks for reuse. A fresh block of native memory costs a page fault per 4 KiB
 * page on first touch, the JDK's zero fill, and a thread handshake when its shared arena closes:
 * about 200 ms for 64 MiB on the 2-core VMs this project runs on, against 5 ms to compute a
 * softmax over it. Every op returns a new tensor, so without reuse a loop of ops spends most of
 * its time in the kernel's page-fault handler.
 *
 * <p>Small blocks need the cache as much: each fresh one costs an arena, the zero fill, and the
 * handshake with every thread when its shared arena closes, tens of microseconds against the few
 * an op on [16, 384] computes for (measured: add 50 us a call without the cache for blocks under
 * 1 MiB, 14 us with it; layerNorm 26 and 6 us; embedding of 16 ids 42 and 3 us).
 *
 * <p>A request of at least {@link #PAGE} bytes is rounded up to a size class (eighths of a power
 * of two: at most 12.5% slack), a smaller one to a multiple of {@link #SMALL_STEP} (64 bytes, a
 * cache line); when freed, a block is kept while the cache holds at most {@code capacity} bytes,
 * and beyond that the oldest kept blocks are released first. Blocks under a page were once left
 * to the allocator; that cost a result of [1, 8] 10 us (an add into a new tensor, closed) and a
 * {@code zeros} 42 us, against 0.2 us for the add itself. Reused memory is not zeroed (the backend
 * contract leaves fresh contents unspecified; {@code Device.zeros} zeroes explicitly). Empty
 * blocks are never kept. Blocks of {@link HugePages#MIN_BYTES} and more are mapped on their own,
 * advised for huge pages ({@link HugePages}).
 */
final class CpuMemoryCache {
    /** From this size on, size classes are eighths of a power of two. */
    static final long PAGE = 4096;
    /** Below a page, sizes are rounded up to a multiple of this. */
    static final long SMALL_STEP = 64;

    private final long capacity;
    private final long alignment;
    private final Map<Long, ArrayDeque<Kept>> free = new HashMap<>();
    private long keptBytes;
    private long sequence;

    private record Kept(CpuMemory memory, long order) {
    }

    CpuMemoryCache(long capacity, long alignment) {
        this.capacity = capacity;
        this.alignment = alignment;
    }

    /** The size class of a request: under a page, a multiple of 64; from a page on, rounded up to an eighth of its power of two. */
    static long sizeClass(long bytes) {
        if (bytes <= 0) {
            return bytes;
        }
        if (bytes < PAGE) {
            return (bytes + SMALL_STEP - 1) / SMALL_STEP * SMALL_STEP;
        }
        long step = Long.highestOneBit(bytes) / 8;
        long rounded = (bytes + step - 1) / step * step;
        return rounded < bytes ? bytes : rounded; // near 2^63 the rounding overflows: no class
    }

    /** A block of at least {@code bytes}: a kept one of the same class, else a fresh one. */
    CpuMemory allocate(long bytes) {
        long size = sizeClass(bytes);
        if (size > 0) {
            synchronized (this) {
                ArrayDeque<Kept> kept = free.get(size);
                Kept k = kept == null ? null : kept.pollLast();
                if (k != null) {
                    keptBytes -= size;
                    return new CpuMemory(k.memory.arena(), k.memory.block(), k.memory.block().asSlice(0, bytes));
                }
            }
        }
        Arena arena = Arena.ofShared();
        try {
            MemorySegment block = HugePages.applies(size) ? HugePages.allocate(arena, size) : arena.allocate(size, alignment);
            return new CpuMemory(arena, block, block.asSlice(0, bytes));
        } catch (OutOfMemoryError | IllegalArgumentException e) {
            // the JDK's IllegalArgumentException here: a size its allocator cannot express (near 2^63)
            arena.close();
            if (e instanceof OutOfMemoryError && release(Long.MAX_VALUE) > 0) {
                return allocate(bytes); // kept blocks were in the way: try once more without them
            }
            throw new DeviceOutOfMemoryException("cpu: cannot allocate " + bytes + " bytes of native memory", e);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /** Keeps {@code memory}'s block for reuse, or releases it. */
    void free(CpuMemory memory) {
        long size = memory.block().byteSize();
        if (size > 0 && size <= capacity) {
            synchronized (this) {
                evictOldestUntil(capacity - size);
                free.computeIfAbsent(size, s -> new ArrayDeque<>()).addLast(new Kept(memory, sequence++));
                keptBytes += size;
                return;
            }
        }
        memory.arena().close();
    }

    /** Releases kept blocks, oldest first, until at most {@code target} bytes are kept; returns the bytes released. */
    synchronized long release(long target) {
        return evictOldestUntil(target == Long.MAX_VALUE ? 0 : target);
    }

    private long evictOldestUntil(long target) {
        long released = 0;
        while (keptBytes > target) {
            ArrayDeque<Kept> oldest = null;
            for (ArrayDeque<Kept> q : free.values()) {
                if (!q.isEmpty() && (oldest == null || q.peekFirst().order < oldest.peekFirst().order)) {
                    oldest = q;
                }
            }
            Kept k = oldest.pollFirst();
            long size = k.memory.block().byteSize();
            keptBytes -= size;
            released += size;
            k.memory.arena().close();
        }
        return released;
    }

    /** Bytes kept for reuse now. */
    synchronized long keptBytes() {
        return keptBytes;
    }
}
