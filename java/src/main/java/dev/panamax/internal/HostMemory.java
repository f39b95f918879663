package dev.panamax.internal;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What this process may still take from the host's memory, for backends whose driver would
 * otherwise abort the process when host memory runs out (PoCL allocates a buffer lazily and fails
 * an assertion at its first use). Linux only: where /proc is unreadable nothing is known and
 * {@link #available()} is {@code Long.MAX_VALUE}.
 */
public final class HostMemory {
    private static final Path MEMINFO = Path.of("/proc/meminfo");
    private static final Path STATUS = Path.of("/proc/self/status");
    private static final Path LIMITS = Path.of("/proc/self/limits");
    private static final Path CGROUP_MAX = Path.of("/sys/fs/cgroup/memory.max");
    private static final Path CGROUP_CURRENT = Path.of("/sys/fs/cgroup/memory.current");

    /** glibc's {@code struct mallinfo2}: ten size_t; fordblks (free bytes held in malloc's arenas) is the ninth. */
    private static final StructLayout MALLINFO2 = MemoryLayout.structLayout(
            MemoryLayout.sequenceLayout(10, ValueLayout.JAVA_LONG).withName("fields"));
    private static final int FORDBLKS = 8;
    /**
     * Address space kept back under a limit: a driver's malloc may need a fresh arena or mapping
     * (tens of MiB reserved at once) even where enough freed blocks exist, scattered.
     */
    private static final long ADDRESS_MARGIN = 256L << 20;
    private static final MethodHandle MALLINFO = Linker.nativeLinker().defaultLookup().find("mallinfo2")
            .map(f -> Linker.nativeLinker().downcallHandle(f, FunctionDescriptor.of(MALLINFO2)))
            .orElse(null);

    private HostMemory() {
    }

    /**
     * The least of: the host's MemAvailable; the address-space limit ({@code ulimit -v}) less this
     * process's virtual size, plus the bytes malloc holds free for reuse (glibc keeps freed blocks
     * mapped, so that the virtual size alone would count them as taken); the cgroup's memory.max
     * less its memory.current. Bytes.
     */
    public static long available() {
        long least = Long.MAX_VALUE;
        long memAvailable = field(MEMINFO, "MemAvailable:");
        if (memAvailable >= 0) {
            least = Math.min(least, memAvailable * 1024);
        }
        long addressLimit = addressSpaceLimit();
        long vmSize = field(STATUS, "VmSize:");
        if (addressLimit >= 0 && vmSize >= 0) {
            least = Math.min(least, Math.max(0, addressLimit - vmSize * 1024 + mallocFree() - ADDRESS_MARGIN));
        }
        long cgroupMax = number(CGROUP_MAX), cgroupCurrent = number(CGROUP_CURRENT);
        if (cgroupMax >= 0 && cgroupCurrent >= 0) {
            least = Math.min(least, Math.max(0, cgroupMax - cgroupCurrent));
        }
        return least;
    }

    /** Free bytes in malloc's arenas (glibc's mallinfo2), or 0 where that is unknown. */
    private static long mallocFree() {
        if (MALLINFO == null) {
            return 0;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = (MemorySegment) MALLINFO.invokeExact((SegmentAllocator) arena);
            return Math.max(0, info.getAtIndex(ValueLayout.JAVA_LONG, FORDBLKS));
        } catch (Throwable e) {
            return 0;
        }
    }

    /** The value in kB of a "Name:   123 kB" line, or -1. */
    private static long field(Path file, String name) {
        for (String line : lines(file)) {
            if (line.startsWith(name)) {
                String[] parts = line.substring(name.length()).trim().split("\\s+");
                return parse(parts[0]);
            }
        }
        return -1;
    }

    /** The soft "Max address space" limit in bytes, or -1 when unlimited or unknown. */
    private static long addressSpaceLimit() {
        for (String line : lines(LIMITS)) {
            if (line.startsWith("Max address space")) {
                String[] parts = line.substring("Max address space".length()).trim().split("\\s+");
                return parse(parts[0]);
            }
        }
        return -1;
    }

    /** A file holding one number ("max" and anything else: -1). */
    private static long number(Path file) {
        List<String> lines = lines(file);
        return lines.isEmpty() ? -1 : parse(lines.get(0).trim());
    }

    private static long parse(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return -1; // "unlimited", "max"
        }
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException | SecurityException e) {
            return List.of();
        }
    }
}
