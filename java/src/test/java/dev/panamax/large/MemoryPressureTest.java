package dev.panamax.large;

import dev.panamax.testing.ChildJvm;
import dev.panamax.testing.TestDevices;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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
 * Memory stays bounded by what the caller holds, and running out is an exception, never a dead
 * JVM, on each backend: child JVMs under an address-space limit ({@code ulimit -v}) drop 100,000
 * results without closing them (1 MiB each on the CPU, 64 KiB on OpenCL, whose PoCL kernels are
 * slower: 6 GiB or more in all, over the limit), and keep 64 MiB tensors until
 * {@code DeviceOutOfMemoryException}, then go on working ({@link MemoryPressureProbe}). The peak
 * resident size of each child is printed.
 */
class MemoryPressureTest {
    /** The address-space limit of the children: the JVM's own reservations plus about 3 GiB. */
    private static final long LIMIT_KB = 6L << 20;

    @ParameterizedTest
    @ValueSource(strings = {"cpu drop 100000 65536", "cpu exhaust", "opencl:0 drop 100000 4096", "opencl:0 exhaust"})
    void boundedUnderAnAddressSpaceLimit(String arguments) throws IOException, InterruptedException {
        assumeTrue(Files.isReadable(Path.of("/proc/self/status")), "needs Linux /proc and a shell with ulimit");
        String[] args = arguments.split(" ");
        TestDevices.openOrSkip(args[0]).close();
        List<String> java = ChildJvm.command(List.of("-Xmx256m", "-XX:ReservedCodeCacheSize=64m",
                "-XX:CompressedClassSpaceSize=64m", "-XX:MaxMetaspaceSize=128m"), MemoryPressureProbe.class, args);
        List<String> command = new ArrayList<>(List.of("bash", "-c", "ulimit -v " + LIMIT_KB + " && exec \"$@\"", "probe"));
        command.addAll(java);
        Path log = Files.createTempFile("panamax-memory-pressure", ".log");
        Process child = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean done = child.waitFor(10, TimeUnit.MINUTES);
        if (!done) {
            child.destroyForcibly();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        Files.delete(log);
        System.out.println("[" + arguments + "] " + output.lines().filter(l -> !l.startsWith("dropped")).toList());
        assertTrue(done, arguments + ": the probe did not finish in 10 minutes:\n" + output);
        assertEquals(0, child.exitValue(), arguments + ": the probe died:\n" + output);
        assertTrue(output.lines().anyMatch(l -> l.equals("ok")), arguments + ": no ok:\n" + output);
    }
}
