package dev.panamax.cuda;

import dev.panamax.conformance.ConformanceSuite;
import dev.panamax.testing.DeviceUnderTest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The conformance suite on {@code cuda:0} with the driver replaced by the CUDA emulator
 * ({@code native/cuda/emu}): the Java backend, its parameter packing and launches, and the code of
 * every kernel of {@code kernels/cuda} compiled for the host, run by an emulator of the CUDA thread
 * model (warps, barriers, shuffles, {@code ldmatrix}, {@code mma.sync}, {@code cp.async} groups,
 * dynamic shared memory). It checks what the kernels compute on every build, without a GPU; it
 * says nothing of how they run on one (timing, the memory model, the GPU's approximate math).
 *
 * <p>It runs only in the {@code cuda-emulated} Surefire execution of {@code java/pom.xml}, a JVM
 * of its own whose {@code panamax.cuda.library} is the emulator, built by
 * {@code native/cuda/emu/build.sh} in the same build. Where the emulator or the CUDA kernels
 * could not be built every case is skipped with the reason, unless the build was run with
 * {@code -Dpanamax.cuda=required}, and then the suite fails.
 */
class CudaEmulatedConformanceTest extends ConformanceSuite {
    /** The emulator library this JVM was started with (set by the cuda-emulated execution only). */
    static final String EMULATOR = "panamax.test.cuda.emulator";

    @Override
    protected String spec() {
        return "cuda:0";
    }

    @Override
    protected DeviceUnderTest openUnderTest() {
        boolean required = "required".equals(System.getProperty("panamax.test.cuda.build"));
        String why = unavailable();
        if (why == null) {
            DeviceUnderTest d = DeviceUnderTest.open(spec());
            if (d.isPresent()) {
                return d;
            }
            why = "cuda:0 on the emulator did not open: " + d.absentReason();
        }
        if (required) {
            throw new AssertionError("-Dpanamax.cuda=required, but the emulated CUDA suite cannot run: " + why);
        }
        return DeviceUnderTest.absent(why);
    }

    /** Why the emulator is not in place, or null. */
    private static String unavailable() {
        String library = System.getProperty(EMULATOR);
        if (library == null) {
            return "the emulated CUDA suite runs in the cuda-emulated Surefire execution only";
        }
        if (!library.equals(System.getProperty("panamax.cuda.library"))) {
            return "this JVM's panamax.cuda.library is not the emulator " + library;
        }
        Path lib = Path.of(library);
        if (Files.isRegularFile(lib)) {
            return null;
        }
        Path notBuilt = lib.resolveSibling("NOT-BUILT");
        try {
            return "the CUDA emulator was not built: " + Files.readString(notBuilt, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            return "no CUDA emulator at " + lib;
        }
    }
}
