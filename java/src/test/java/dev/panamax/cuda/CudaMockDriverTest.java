package dev.panamax.cuda;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The backend's host side against a double of the driver (java/src/test/native/cuda/cuda_mock.c,
 * built before the tests by that folder's build.sh), each case in a JVM of its own so that the
 * double replaces libcuda from the first call: discovery, context binding on every thread,
 * allocation, copies, memsets, module loading, launches and their checks, out of memory, and
 * freeing. It says nothing about the kernels, which only a GPU (or the emulator) runs. Where the
 * double could not be built the cases are skipped with the reason, unless the build runs with
 * {@code -Dpanamax.cuda=required}, and then they fail.
 */
class CudaMockDriverTest {
    private static Path library;
    private static Path oldDriver;

    @BeforeAll
    static void findTheDouble() throws Exception {
        assumeTrue(KernelIndex.packed().notBuilt() == null, "no packed kernels: " + KernelIndex.packed().notBuilt());
        String dir = System.getProperty("panamax.test.cuda.doubles");
        assumeTrue(dir != null, "panamax.test.cuda.doubles is not set (the Maven build sets it)");
        library = Path.of(dir, "libcuda-mock.so").toAbsolutePath();
        oldDriver = Path.of(dir, "libcuda-mock-old.so").toAbsolutePath();
        if (!Files.isRegularFile(library) || !Files.isRegularFile(oldDriver)) {
            Path why = Path.of(dir, "MOCK-NOT-BUILT");
            String reason = "the driver double was not built: "
                    + (Files.isRegularFile(why) ? Files.readString(why).strip() : "no " + library);
            if ("required".equals(System.getProperty("panamax.test.cuda.build"))) {
                throw new AssertionError("-Dpanamax.cuda=required, but " + reason);
            }
            assumeTrue(false, reason);
        }
    }

    @Test
    void theBackendDrivesTheDouble() throws Exception {
        checks("ok", library, Map.of());
    }

    @Test
    void aGpuTheKernelsCannotRunOnIsUnavailable() throws Exception {
        checks("old-gpu", library, Map.of("PANAMAX_MOCK_CC", "75"));
    }

    @Test
    void aDriverWithoutTheStreamOrderedAllocatorIsUnavailable() throws Exception {
        checks("old-driver", oldDriver, Map.of());
    }

    @Test
    void aDriverThatSeesNoGpuIsUnavailable() throws Exception {
        checks("no-device", library, Map.of("PANAMAX_MOCK_INIT", "100"));
    }

    @Test
    void aLibraryThatIsNotThereIsUnavailable() throws Exception {
        checks("no-library", library.resolveSibling("no-such-libcuda.so"), Map.of());
    }

    /** Runs MockDriverChecks in a JVM whose libcuda is {@code driver}; it must pass its {@code mode}. */
    private static void checks(String mode, Path driver, Map<String, String> env) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.add("-Dpanamax.cuda.library=" + driver);
        cmd.add("-cp");
        cmd.add(classPath());
        cmd.add(MockDriverChecks.class.getName());
        cmd.add(mode);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().remove("PANAMAX_DEVICE");
        pb.environment().putAll(env);
        Run r = run(pb, 120);
        assertTrue(r != null, "could not start " + cmd.getFirst());
        assertEquals(0, r.exit, r.output);
        assertTrue(r.output.contains("mock driver checks passed: " + mode), r.output);
    }

    /** This JVM's classes and libraries, module path or class path alike, as one class path. */
    private static String classPath() {
        List<String> entries = new ArrayList<>();
        for (String property : new String[] {"jdk.module.path", "java.class.path"}) {
            String v = System.getProperty(property);
            if (v != null && !v.isBlank()) {
                entries.add(v);
            }
        }
        // Surefire patches the test classes into the module under test rather than listing them.
        entries.add(Path.of("target", "test-classes").toAbsolutePath().toString());
        entries.add(Path.of("target", "classes").toAbsolutePath().toString());
        return String.join(File.pathSeparator, entries);
    }

    private record Run(int exit, String output) {
    }

    private static Run run(ProcessBuilder pb, int seconds) throws Exception {
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            return null;
        }
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Run(-1, "timed out after " + seconds + " s\n" + new String(out, StandardCharsets.UTF_8));
        }
        return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}
