package dev.panamax.cpu;

import dev.panamax.internal.Config;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Large CPU tensors, on request, in memory the kernel may back with transparent huge pages
 * (2 MiB). A kernel that streams a weight matrix from memory (a GEMV while decoding, an MoE
 * expert) misses the TLB once per 4 KiB page otherwise. Measured on the 2-core VMs this project
 * runs on (2026-12-07): two threads read 352 MiB in 12.5 to 12.9 ms from memory so advised
 * against 14.2 to 15.6 ms; BF16 decoding of a generated 8-layer Llama took 17.2 to 17.4 ms a token
 * against 19.2 to 20.1. But the first touch of fresh huge pages cost up to 3 ms per MiB there (the
 * model loaded in 0.6 to 0.7 s against 0.2 s), so the mapping is opt-in:
 * {@code -Dpanamax.cpu.hugePages=true}.
 *
 * <p>Where it is on and the host is Linux on x86-64 or AArch64, a block of at least
 * {@link #MIN_BYTES} is its own anonymous {@code mmap}, trimmed to start on a 2 MiB boundary, with
 * {@code madvise(MADV_HUGEPAGE)}; closing its arena unmaps it. The advice is only advice: a host
 * whose THP setting is {@code never}, or that has no free 2 MiB pages, backs the range with small
 * pages. Fresh memory reads as zeros, as the JDK's allocation does. Otherwise blocks come from
 * the arena.
 */
final class HugePages {
    /** Blocks from this size on are mapped on their own and advised: one huge page. */
    static final long MIN_BYTES = 2L << 20;
    private static final long HUGE = 2L << 20;
    private static final long SMALL = 4096;
    private static final int PROT_READ_WRITE = 0x1 | 0x2;
    private static final int MAP_PRIVATE_ANONYMOUS = 0x02 | 0x20;
    private static final int MADV_HUGEPAGE = 14;

    /** The system property that turns the mapping on. */
    static final String PROPERTY = "panamax.cpu.hugePages";
    private static final MethodHandle MMAP;
    private static final MethodHandle MUNMAP;
    private static final MethodHandle MADVISE;
    /** Whether {@link #allocate} can map here (Linux on x86-64 or AArch64, the functions found). */
    static final boolean SUPPORTED;
    /** Whether large tensors are mapped and advised: supported, and {@code panamax.cpu.hugePages} is true. */
    static final boolean ENABLED;
    /** Bytes mapped by {@link #allocate} and not yet unmapped. */
    private static final AtomicLong MAPPED = new AtomicLong();

    static {
        MethodHandle mmap = null, munmap = null, madvise = null;
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "");
        String wanted = Config.string(PROPERTY, null); // a malformed value: CpuDevice's checkSetting refuses it
        // the flag values above are Linux's on x86-64 and AArch64
        if (os.startsWith("linux") && (arch.equals("amd64") || arch.equals("x86_64") || arch.equals("aarch64"))) {
            try {
                Linker linker = Linker.nativeLinker();
                SymbolLookup libc = linker.defaultLookup();
                mmap = linker.downcallHandle(libc.find("mmap").orElseThrow(), FunctionDescriptor.of(ValueLayout.JAVA_LONG,
                        ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                        ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG));
                munmap = linker.downcallHandle(libc.find("munmap").orElseThrow(),
                        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG));
                madvise = linker.downcallHandle(libc.find("madvise").orElseThrow(), FunctionDescriptor.of(ValueLayout.JAVA_INT,
                        ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));
            } catch (RuntimeException e) {
                mmap = null; // no such symbols, or native access refused: the arena's allocation
            }
        }
        MMAP = mmap;
        MUNMAP = munmap;
        MADVISE = madvise;
        SUPPORTED = mmap != null;
        ENABLED = SUPPORTED && wanted != null && "true".equalsIgnoreCase(wanted.trim());
    }

    private HugePages() {
    }

    /** Refuses a {@link #PROPERTY} that is neither true nor false (IllegalArgumentException naming it). */
    static void checkSetting() {
        String v = Config.string(PROPERTY, null);
        if (v != null && !v.trim().equalsIgnoreCase("true") && !v.trim().equalsIgnoreCase("false")) {
            throw new IllegalArgumentException(PROPERTY + " must be true or false, got '" + v + "'");
        }
    }

    /** Whether a block of {@code size} bytes comes from {@link #allocate}. */
    static boolean applies(long size) {
        return ENABLED && size >= MIN_BYTES;
    }

    /**
     * A zeroed block of {@code size} bytes starting on a 2 MiB boundary, advised for huge pages,
     * unmapped when {@code arena} closes. OutOfMemoryError when the host refuses the mapping.
     */
    static MemorySegment allocate(Arena arena, long size) {
        long length = Math.ceilDiv(size, SMALL) * SMALL;
        long mapped = length + HUGE - SMALL; // room to move the start to the next 2 MiB boundary
        long at = call(MMAP, 0L, mapped, PROT_READ_WRITE, MAP_PRIVATE_ANONYMOUS, -1, 0L);
        if (at == -1L) {
            throw new OutOfMemoryError("mmap of " + mapped + " bytes failed");
        }
        long start = Math.ceilDiv(at, HUGE) * HUGE;
        unmap(at, start - at);
        unmap(start + length, at + mapped - (start + length));
        MAPPED.addAndGet(length);
        advise(start, length);
        return MemorySegment.ofAddress(start).reinterpret(size, arena, s -> {
            unmap(start, length);
            MAPPED.addAndGet(-length);
        });
    }

    /** Bytes now mapped by {@link #allocate}: what the tests count for leaks. */
    static long mappedBytes() {
        return MAPPED.get();
    }

    private static void advise(long start, long length) {
        try {
            int refused = (int) MADVISE.invokeExact(start, length, MADV_HUGEPAGE); // THP off: small pages, as before
        } catch (Throwable t) {
            throw new IllegalStateException("madvise failed", t);
        }
    }

    private static void unmap(long start, long length) {
        if (length > 0 && callInt(MUNMAP, start, length) != 0) {
            throw new IllegalStateException("munmap of " + length + " bytes at 0x" + Long.toHexString(start) + " failed");
        }
    }

    private static long call(MethodHandle h, long a, long b, int c, int d, int e, long f) {
        try {
            return (long) h.invokeExact(a, b, c, d, e, f);
        } catch (Throwable t) {
            throw new IllegalStateException("mmap failed", t);
        }
    }

    private static int callInt(MethodHandle h, long a, long b) {
        try {
            return (int) h.invokeExact(a, b);
        } catch (Throwable t) {
            throw new IllegalStateException("munmap failed", t);
        }
    }
}
