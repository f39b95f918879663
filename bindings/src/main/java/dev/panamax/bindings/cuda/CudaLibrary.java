package dev.panamax.bindings.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;

/**
 * Opens the CUDA driver library once, on first use, and resolves its symbols for {@link cuda_h}.
 * It stands in for the {@code SymbolLookup.libraryLookup(...)} line jextract writes, which fails
 * {@code cuda_h}'s class initialisation when the library is absent: here an absent library or a
 * missing symbol is an {@link UnsatisfiedLinkError} that names it, every time it is asked for,
 * and {@link #loadFailure()} says why without touching a symbol.
 *
 * <p>The library is {@code libcuda.so.1} (the driver's soname; the unversioned {@code libcuda.so}
 * is a development link, or the toolkit's stub). System property {@value #PROPERTY} names
 * another file, for a driver in an unusual place or a test double.
 */
public final class CudaLibrary {
    /** System property naming the driver library to open instead of {@value #DEFAULT_NAME}. */
    public static final String PROPERTY = "panamax.cuda.library";

    /** The soname of the NVIDIA driver's CUDA library on Linux. */
    public static final String DEFAULT_NAME = "libcuda.so.1";

    private CudaLibrary() {
    }

    private record Opened(String name, SymbolLookup lookup, String failure) {
    }

    private static final class Holder {
        static final Opened OPENED = open();
    }

    private static Opened open() {
        String configured = System.getProperty(PROPERTY);
        boolean custom = configured != null && !configured.isBlank();
        String name = custom ? configured.trim() : DEFAULT_NAME;
        try {
            // The library stays loaded for the life of the JVM: one global arena, once.
            return new Opened(name, SymbolLookup.libraryLookup(name, Arena.global()), null);
        } catch (IllegalArgumentException | SecurityException e) {
            String why = custom
                    ? name + " (named by -D" + PROPERTY + ") could not be opened"
                    : name + " not found: no NVIDIA driver on this machine";
            return new Opened(name, null, why + " (" + e.getMessage() + ")");
        }
    }

    /** The library this JVM opens (or tried to open). */
    public static String name() {
        return Holder.OPENED.name();
    }

    /** Why the library could not be opened, or null when it is open. */
    public static String loadFailure() {
        return Holder.OPENED.failure();
    }

    /**
     * The address of {@code symbol} in the driver library.
     *
     * @throws UnsatisfiedLinkError naming the library when it is absent, or the symbol when the
     *     driver lacks it (a driver older than the API these bindings were written from)
     */
    static MemorySegment find(String symbol) {
        Opened o = Holder.OPENED;
        if (o.lookup() == null) {
            throw new UnsatisfiedLinkError(o.failure());
        }
        return o.lookup().find(symbol).orElseThrow(() -> new UnsatisfiedLinkError(
                "unresolved symbol: " + symbol + " in " + o.name() + " (the NVIDIA driver is older than this API)"));
    }
}
