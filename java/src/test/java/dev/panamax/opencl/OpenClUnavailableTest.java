package dev.panamax.opencl;

import dev.panamax.Backend;
import dev.panamax.Device;
import dev.panamax.DeviceUnavailableException;
import dev.panamax.internal.Devices;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Without an OpenCL library, Device.open("opencl") is a DeviceUnavailableException naming the
 * library it tried, and the CPU still works. Runs a second JVM (this one's module setup) whose
 * panamax.opencl.library points at a file that does not exist. Needs no OpenCL device.
 */
class OpenClUnavailableTest {
    /** The second JVM's entry point: prints what Device.open("opencl") did. */
    public static void main(String[] args) {
        System.out.println("available=" + Device.available());
        System.out.println("cause=" + Devices.unavailabilityCause(Backend.OPENCL));
        try (Device d = Device.open("opencl")) {
            System.out.println("opened " + d.spec());
        } catch (DeviceUnavailableException e) {
            System.out.println("unavailable=" + e.getMessage());
        }
    }

    @Test
    void missingLibraryIsUnavailableAndSaysWhich() throws Exception {
        String missing = Path.of(System.getProperty("java.io.tmpdir"), "no-such-dir", "libOpenCL.so.1").toString();
        String out = runWithLibrary(missing);
        assertTrue(out.contains("available=[cpu]"), out);
        assertTrue(out.contains("unavailable=opencl: cannot load the OpenCL ICD loader (tried " + missing + ")"), out);
        assertTrue(out.contains("cause=opencl: cannot load"), out);
    }

    /** A library that loads but is not OpenCL (the C math library): the message lists the missing functions. */
    @Test
    void missingSymbolsAreUnavailableAndSayWhich() throws Exception {
        assumeTrue(System.getProperty("os.name").toLowerCase(java.util.Locale.ROOT).contains("linux"), "libm.so.6 is a Linux name");
        String out = runWithLibrary("libm.so.6");
        assertTrue(out.contains("available=[cpu]"), out);
        assertTrue(out.contains("unavailable=opencl: libm.so.6 lacks clGetPlatformIDs, clGetPlatformInfo,"), out);
        assertTrue(out.contains("clReleaseEvent (OpenCL 1.2 functions)"), out);
    }

    /** Runs {@link #main} in a second JVM whose OpenCL library is {@code library}; returns what it printed. */
    private static String runWithLibrary(String library) throws IOException, InterruptedException, URISyntaxException {
        // this class's root: the test classes, patched into the module when the tests run on the module path
        Path classes = Path.of(OpenClUnavailableTest.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Module module = OpenClUnavailableTest.class.getModule();
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED" + (module.isNamed() ? ",dev.panamax.bindings,dev.panamax" : ""),
                "-Dpanamax.opencl.library=" + library));
        if (module.isNamed()) {
            command.addAll(List.of("--module-path", System.getProperty("jdk.module.path"),
                    "--patch-module", module.getName() + "=" + classes,
                    "-m", module.getName() + "/" + OpenClUnavailableTest.class.getName()));
        } else {
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), OpenClUnavailableTest.class.getName()));
        }
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "second JVM did not finish: " + out);
        assertEquals(0, p.exitValue(), command + "\n" + out);
        return out;
    }
}
