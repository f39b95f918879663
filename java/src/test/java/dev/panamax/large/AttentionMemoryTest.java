package dev.panamax.large;

import dev.panamax.testing.ChildJvm;
import dev.panamax.testing.Data;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Attention must not hold the [Sq, Skv] scores: causal B=1, H=1, S=32768, D=64 on the CPU (4 GiB
 * of F32 scores if it did) must peak under 1 GiB resident, inputs, outputs and the JVM included.
 * Runs {@link AttentionMemoryProbe} in a child JVM (heap capped at 512 MiB, so a score matrix on
 * the heap fails with OutOfMemoryError and one in native memory shows in VmHWM), which reads its
 * own peak resident size from /proc/self/status. Not a timing check. Tagged "large": it runs in
 * every build (a few seconds with the Vector API kernels, minutes on the scalar path);
 * {@code -Dpanamax.test.excludedGroups=large} leaves it out, and this runs it alone:
 * <pre>
 * mvn -o verify -pl bindings,java -Dgroups=large
 * </pre>
 * {@code -Dpanamax.large.device=opencl:0} runs the same check on another device.
 */
@Tag("large")
class AttentionMemoryTest {
    private static final long LIMIT_KB = 1L << 20; // 1 GiB
    private static final int S = 32768;
    private static final int D = 64;

    @Test
    void causalS32768FitsInOneGiB() throws IOException, InterruptedException {
        assumeTrue(Files.isReadable(Path.of("/proc/self/status")), "needs Linux /proc to read the peak resident size");
        String spec = System.getProperty("panamax.large.device", "cpu");
        Data data = Data.fresh();
        Path log = Files.createTempFile("panamax-attention-memory", ".log");
        List<String> command = ChildJvm.command(List.of("-Xmx512m"), AttentionMemoryProbe.class,
                spec, Integer.toString(S), Integer.toString(D), Long.toString(data.seed()));
        Process child = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean done = child.waitFor(60, TimeUnit.MINUTES);
        if (!done) {
            child.destroyForcibly();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        Files.delete(log);
        System.out.println(output);
        assertTrue(done, "the probe did not finish within an hour:\n" + output);
        assertEquals(0, child.exitValue(), "the probe failed (" + data.describe() + "):\n" + output);
        long peak = -1;
        for (String line : output.split("\n")) {
            if (line.startsWith("VmHWM_KB=")) {
                peak = Long.parseLong(line.substring("VmHWM_KB=".length()).trim());
            }
        }
        assertTrue(peak > 0, "no VmHWM in the probe's output:\n" + output);
        assertTrue(peak < LIMIT_KB, "attention [1, 1, " + S + ", " + D + "] causal on " + spec + " peaked at " + peak / 1024
                + " MiB resident, over 1 GiB:\n" + output);
    }
}
