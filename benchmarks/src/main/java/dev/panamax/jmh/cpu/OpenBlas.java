package dev.panamax.jmh.cpu;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * OpenBLAS's {@code cblas_sgemm} through the FFM API, the peer of the CPU GEMM benchmarks.
 * Loads {@code libopenblas.so.0} (Debian: {@code apt-get install libopenblas0-pthread}); when it
 * is absent, {@link #unavailability()} says so and how to install it, and the peer is skipped.
 */
final class OpenBlas {
    private static final int ROW_MAJOR = 101;
    private static final int NO_TRANS = 111;
    private static final int TRANS = 112;
    private static final String LIBRARY = "libopenblas.so.0";

    private static final MethodHandle SGEMM;
    private static final MethodHandle SET_THREADS;
    private static final MethodHandle CORE_NAME;
    private static final String UNAVAILABLE;

    static {
        MethodHandle sgemm = null, threads = null, core = null;
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
        } catch (IllegalArgumentException | IllegalStateException e) {
            why = "OpenBLAS peer skipped: cannot load " + LIBRARY + " (" + e.getMessage()
                    + "); on Debian/Ubuntu install it with: apt-get install libopenblas0-pthread";
        }
        SGEMM = sgemm;
        SET_THREADS = threads;
        CORE_NAME = core;
        UNAVAILABLE = why;
    }

    private OpenBlas() {
    }

    private static MemorySegment find(SymbolLookup lib, String name) {
        return lib.find(name).orElseThrow(() -> new IllegalStateException("no symbol " + name));
    }

    /** Why the peer is unavailable, or empty when it is loaded. */
    static Optional<String> unavailability() {
        return Optional.ofNullable(UNAVAILABLE);
    }

    static void setThreads(int threads) {
        try {
            SET_THREADS.invokeExact(threads);
        } catch (Throwable t) {
            throw new IllegalStateException("openblas_set_num_threads failed", t);
        }
    }

    /** The kernel family OpenBLAS picked for this CPU (e.g. "Haswell", "SkylakeX"). */
    static String coreName() {
        try {
            MemorySegment s = (MemorySegment) CORE_NAME.invokeExact();
            return s.reinterpret(64).getString(0);
        } catch (Throwable t) {
            throw new IllegalStateException("openblas_get_corename failed", t);
        }
    }

    /** Row-major c [m, n] = alpha * op(a) op(b) + beta * c on native F32 segments. */
    static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, MemorySegment a,
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
