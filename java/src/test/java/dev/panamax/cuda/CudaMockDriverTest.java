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
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The backend's host side against a double of the driver (native/cuda/mock/cuda_mock.c, compiled
 * here with the system C compiler), each case in a JVM of its own so that the double replaces
 * libcuda from the first call: discovery, context binding on every thread, allocation, copies,
 * memsets, module loading, launches and their checks, out of memory, and freeing. It says nothing
 * about the kernels, which only a GPU runs.
 */
class CudaMockDriverTest {
    private static Path library;

    @BeforeAll
    static void buildTheDouble() throws Exception {
        assumeTrue(KernelIndex.packed().notBuilt() == null, "no packed kernels: " + KernelIndex.packed().notBuilt());
        Path source = Path.of("..", "native", "cuda", "mock", "cuda_mock.c").toAbsolutePath().normalize();
        assumeTrue(Files.exists(source), "no " + source);
        Path dir = Files.createDirectories(Path.of("target", "cuda-mock").toAbsolutePath());
        library = dir.resolve("libcuda-mock.so");
        Run cc = run(List.of("cc", "-shared", "-fPIC", "-O1", "-Wall", "-Werror", "-o", library.toString(), source.toString()), 60);
        assumeTrue(cc != null, "no C compiler (cc) to build the driver double");
        assertEquals(0, cc.exit, "cc failed:\n" + cc.output);
    }

    @Test
    void theBackendDrivesTheDouble() throws Exception {
        Run r = checks("ok", "90");
        assertEquals(0, r.exit, r.output);
        assertTrue(r.output.contains("mock driver checks passed: ok"), r.output);
    }

    @Test
    void aGpuTheKernelsCannotRunOnIsUnavailable() throws Exception {
        Run r = checks("old-gpu", "75");
        assertEquals(0, r.exit, r.output);
        assertTrue(r.output.contains("mock driver checks passed: old-gpu"), r.output);
    }

    private static Run checks(String expect, String computeCapability) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.add("-Dpanamax.cuda.library=" + library);
        cmd.add("-cp");
        cmd.add(classPath());
        cmd.add(MockDriverChecks.class.getName());
        cmd.add(expect);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("PANAMAX_MOCK_CC", computeCapability);
        pb.environment().remove("PANAMAX_DEVICE");
        Run r = run(pb, 120);
        assertTrue(r != null, "could not start " + cmd.getFirst());
        return r;
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

    private static Run run(List<String> cmd, int seconds) throws Exception {
        return run(new ProcessBuilder(cmd).redirectErrorStream(true), seconds);
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
