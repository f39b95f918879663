package dev.panamax.cuda;

import dev.panamax.testing.DeviceUnderTest;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Opens {@code cuda:0} on the CUDA emulator for the {@code CudaEmulated*Test} classes. They run
 * only in the {@code cuda-emulated} Surefire execution of {@code java/pom.xml}, a JVM of its own
 * whose {@code panamax.cuda.library} is the emulator, built by
 * {@code java/src/test/native/cuda/build.sh} earlier in the same build. Where the emulator or the
 * CUDA kernels could not be built, every case is skipped with the reason, unless the build runs
 * with {@code -Dpanamax.cuda=required} on x86-64 (the only architecture the emulator's fibers are
 * written for), and then the class fails.
 */
final class EmulatedCuda {
    /** The emulator library this JVM was started with (set by the cuda-emulated execution only). */
    static final String EMULATOR = "panamax.test.cuda.emulator";

    private EmulatedCuda() {
    }

    /** cuda:0 on the emulator, or a device that is absent with the reason. */
    static DeviceUnderTest open() {
        boolean required = "required".equals(System.getProperty("panamax.test.cuda.build"))
                && "amd64".equals(System.getProperty("os.arch"));
        String why = unavailable();
        if (why == null) {
            DeviceUnderTest d = DeviceUnderTest.open("cuda:0");
            if (d.isPresent()) {
                return d;
            }
            why = "cuda:0 on the emulator did not open: " + d.absentReason();
        }
        if (required) {
            throw new AssertionError("-Dpanamax.cuda=required, but the emulated CUDA tests cannot run: " + why);
        }
        return DeviceUnderTest.absent(why);
    }

    /** The emulator's scheduling orders (px_emu_set_order in java/src/test/native/cuda/emu/emu_api.h). */
    static final int WARPS = 3;
    /** Back to the order PANAMAX_EMU_ORDER names (forward when it names none). */
    static final int FROM_ENVIRONMENT = -1;

    /** Sets the order in which the emulator runs a block's threads from the next launch on. */
    static void scheduleOrder(int order) {
        String library = System.getProperty(EMULATOR);
        try {
            var set = Linker.nativeLinker().downcallHandle(
                    SymbolLookup.libraryLookup(Path.of(library), Arena.global()).find("px_emu_set_order").orElseThrow(),
                    FunctionDescriptor.ofVoid(ValueLayout.JAVA_INT));
            set.invokeExact(order);
        } catch (Throwable e) {
            throw new AssertionError("px_emu_set_order(" + order + ") in " + library + ": " + e, e);
        }
    }

    /** Why the emulator is not in place, or null. */
    private static String unavailable() {
        String library = System.getProperty(EMULATOR);
        if (library == null) {
            return "the emulated CUDA tests run in the cuda-emulated Surefire execution only";
        }
        if (!library.equals(System.getProperty("panamax.cuda.library"))) {
            return "this JVM's panamax.cuda.library is not the emulator " + library;
        }
        Path lib = Path.of(library);
        if (Files.isRegularFile(lib)) {
            return null;
        }
        try {
            return "the CUDA emulator was not built: "
                    + Files.readString(lib.resolveSibling("NOT-BUILT"), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            return "no CUDA emulator at " + lib;
        }
    }
}
