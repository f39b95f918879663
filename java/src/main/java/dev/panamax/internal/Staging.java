package dev.panamax.internal;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Moves bytes between host segments and device memory, staging heap segments through native
 * memory for backends whose drivers take native pointers only.
 */
public final class Staging {
    private Staging() {
    }

    /**
     * A host segment this thread may read and write: its scope alive and, when confined, confined
     * to this thread. Anything else is the caller's mistake, an {@code IllegalArgumentException}
     * naming the op (not the JDK's {@code WrongThreadException} or {@code IllegalStateException}
     * from deep inside a copy).
     */
    public static void checkAccessible(String op, MemorySegment host) {
        if (!host.scope().isAlive()) {
            throw new IllegalArgumentException(op + ": the host segment's arena is closed");
        }
        if (!host.isAccessibleBy(Thread.currentThread())) {
            throw new IllegalArgumentException(op + ": the host segment is confined to another thread");
        }
    }

    public static void copyIn(BackendDevice device, MemorySegment host, Memory dst, long bytes) {
        if (host.isNative() || device.acceptsHeapSegments()) {
            device.copyIn(host, dst, bytes);
            return;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment staged = arena.allocate(bytes, 16);
            MemorySegment.copy(host, 0, staged, 0, bytes);
            device.copyIn(staged, dst, bytes);
        }
    }

    public static void copyOut(BackendDevice device, Memory src, MemorySegment host, long bytes) {
        if (host.isNative() || device.acceptsHeapSegments()) {
            device.copyOut(src, host, bytes);
            return;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment staged = arena.allocate(bytes, 16);
            device.copyOut(src, staged, bytes);
            MemorySegment.copy(staged, 0, host, 0, bytes);
        }
    }

    /** Copies {@code bytes} between two devices, directly when either side is host memory. */
    public static void transfer(BackendDevice from, Memory src, BackendDevice to, Memory dst, long bytes) {
        if (from == to) {
            from.copy(src, dst, bytes);
            return;
        }
        MemorySegment srcHost = from.hostView(src);
        if (srcHost != null) {
            to.copyIn(srcHost, dst, bytes);
            return;
        }
        MemorySegment dstHost = to.hostView(dst);
        if (dstHost != null) {
            from.copyOut(src, dstHost, bytes);
            return;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment staged = arena.allocate(bytes, 16);
            from.copyOut(src, staged, bytes);
            to.copyIn(staged, dst, bytes);
        }
    }
}
