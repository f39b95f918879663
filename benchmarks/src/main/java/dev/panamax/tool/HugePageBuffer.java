package dev.panamax.tool;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * A buffer for the copy ceiling on the same kind of memory as the cpu backend's large tensors
 * when it advises huge pages (Linux): an anonymous mapping of whole 2 MiB pages from a 2 MiB
 * boundary with {@code madvise(MADV_HUGEPAGE)}, unmapped when the arena closes. The tool reaches
 * the core through its public API alone, so it maps its own, through the JDK's linker.
 */
final class HugePageBuffer {
    private static final long TWO_MIB = 2L << 20;

    private HugePageBuffer() {
    }

    static MemorySegment allocate(Arena arena, long bytes) {
        Linker linker = Linker.nativeLinker();
        MethodHandle map = linker.downcallHandle(linker.defaultLookup().find("mmap").orElseThrow(),
                FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
        MethodHandle unmap = linker.downcallHandle(linker.defaultLookup().find("munmap").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG));
        MethodHandle advise = linker.downcallHandle(linker.defaultLookup().find("madvise").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT));
        long length = Math.ceilDiv(bytes, TWO_MIB) * TWO_MIB;
        try {
            long raw = (long) map.invokeExact(0L, length + TWO_MIB, 0x1 | 0x2, 0x02 | 0x20, -1, 0L);
            if (raw == -1L) {
                throw new OutOfMemoryError("mmap of " + (length + TWO_MIB) + " bytes failed");
            }
            long start = Math.ceilDiv(raw, TWO_MIB) * TWO_MIB; // the slack before and after stays mapped until close
            int advised = (int) advise.invokeExact(start, length, 14);
            return MemorySegment.ofAddress(start).reinterpret(bytes, arena, s -> {
                try {
                    int unmapped = (int) unmap.invokeExact(raw, length + TWO_MIB);
                } catch (Throwable t) {
                    throw new IllegalStateException("munmap failed", t);
                }
            });
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("mmap failed", t);
        }
    }
}
