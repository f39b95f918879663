package dev.panamax.tool;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.List;
import java.util.Optional;

/**
 * OpenBLAS's {@code cblas_sgemm} through the FFM API, the peer of the CPU GEMM: of
 * {@code panamax bench} (through {@link OpenBlasPeer}, in a JVM of its own) and of the JMH
 * benchmark {@code CpuGemmBenchmark}. Loads {@code libopenblas.so.0} (Debian:
 * {@code apt-get install libopenblas0-pthread}); when it is absent, {@link #unavailability()} says
 * so and how to install it, and the peer is skipped.
 *
 * <p>OpenBLAS picks its kernels when the library loads, from the CPU and from
 * {@code OPENBLAS_CORETYPE} (and sizes its blocks from {@code OPENBLAS_L2_SIZE}); with either
 * set it may run a slower kernel than this CPU allows (Debian's 0.3.21 under
 * {@code OPENBLAS_CORETYPE=Haswell} runs AVX2 code on an AVX-512 core at about half the rate).
 * {@link #coreName()} says which kernel it picked; a peer figure is only worth comparing with
 * when that is the CPU's best.
 */
public final class OpenBlas {
    private static final int ROW_MAJOR = 101;
    private static final int NO_TRANS = 111;
    private static final int TRANS = 112;
    private static final String LIBRARY = "libopenblas.so.0";
    /** The variables that steer which kernel OpenBLAS picks and how it blocks; its peer processes run without them. */
    public static final List<String> KERNEL_VARIABLES = List.of("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE");

    private static final MethodHandle SGEMM;
    private static final MethodHandle SET_THREADS;
    private static final MethodHandle CORE_NAME;
    private static final MethodHandle CONFIG;
    private static final String UNAVAILABLE;

    static {
        MethodHandle sgemm = null, threads = null, core = null, config = null;
        String why = null;
        try {
            SymbolLookup lib = SymbolLookup.libraryLookup(LIBRARY, Arena.global());
            Linker linker = Linker.nativeLinker();
            ValueLayout.OfInt i = ValueLayout.JAVA_INT;
            ValueLayout.OfFloat f = ValueLayout.JAVA_FLOAT;
            ValueLayout p = ValueLayout.ADDRESS;
            sgemm = linker.downcallHandle(find(lib, "cblas_sgemm"),
                    FunctionDescriptor.ofVoid(i, i, i, i, i, i, f, p, i, p, i, f, p, i));
            threads = linker.downcallHandle(find(lib, "openblas_set_num_threads"), FunctionDescriptor.ofVoid(i));
            core = linker.downcallHandle(find(lib, "openblas_get_corename"), FunctionDescriptor.of(p));
            config = linker.downcallHandle(find(lib, "openblas_get_config"), FunctionDescriptor.of(p));
        } catch (IllegalArgumentException | IllegalStateException e) {
            why = "OpenBLAS peer skipped: cannot load " + LIBRARY + " (" + e.getMessage()
                    + "); on Debian/Ubuntu install it with: apt-get install libopenblas0-pthread";
        }
        SGEMM = sgemm;
        SET_THREADS = threads;
        CORE_NAME = core;
        CONFIG = config;
        UNAVAILABLE = why;
    }

    private OpenBlas() {
    }

    private static MemorySegment find(SymbolLookup lib, String name) {
        return lib.find(name).orElseThrow(() -> new IllegalStateException("no symbol " + name));
    }

    /** Why the peer is unavailable, or empty when it is loaded. */
    public static Optional<String> unavailability() {
        return Optional.ofNullable(UNAVAILABLE);
    }

    public static void setThreads(int threads) {
        try {
            SET_THREADS.invokeExact(threads);
        } catch (Throwable t) {
            throw new IllegalStateException("openblas_set_num_threads failed", t);
        }
    }

    /** The kernel family OpenBLAS picked for this CPU ({@code openblas_get_corename}: "Haswell", "SkylakeX", "Cooperlake"). */
    public static String coreName() {
        return string(CORE_NAME, "openblas_get_corename");
    }

    /** How the library was built ({@code openblas_get_config}), e.g. "OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY SkylakeX MAX_THREADS=64". */
    public static String config() {
        return string(CONFIG, "openblas_get_config");
    }

    /** Whether this process has {@link #KERNEL_VARIABLES}: "OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset", or "with ... set". */
    public static String environment() {
        List<String> set = KERNEL_VARIABLES.stream().filter(v -> System.getenv(v) != null)
                .map(v -> v + "=" + System.getenv(v)).toList();
        return set.isEmpty() ? String.join(" and ", KERNEL_VARIABLES) + " unset" : "with " + String.join(", ", set) + " set";
    }

    private static String string(MethodHandle h, String name) {
        try {
            MemorySegment s = (MemorySegment) h.invokeExact();
            return s.reinterpret(256).getString(0);
        } catch (Throwable t) {
            throw new IllegalStateException(name + " failed", t);
        }
    }

    /** Row-major c [m, n] = alpha * op(a) op(b) + beta * c on native F32 segments. */
    public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, MemorySegment a,
                      MemorySegment b, float beta, MemorySegment c) {
        int lda = transA ? m : k, ldb = transB ? k : n;
        try {
            SGEMM.invokeExact(ROW_MAJOR, transA ? TRANS : NO_TRANS, transB ? TRANS : NO_TRANS, m, n, k, alpha, a, lda,
                    b, ldb, beta, c, n);
        } catch (Throwable t) {
            throw new IllegalStateException("cblas_sgemm failed", t);
        }
    }
}
