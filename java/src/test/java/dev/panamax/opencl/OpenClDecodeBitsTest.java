package dev.panamax.opencl;

import dev.panamax.testing.ChildJvm;
import dev.panamax.testing.Data;
import dev.panamax.testing.TestDevices;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Decode attention's bits on OpenCL do not depend on the device's compute-unit count: PoCL sizes
 * its device by the host threads it may use (POCL_MAX_PTHREAD_COUNT), and the key split was once
 * sized by it. Two child JVMs, one allowed 1 thread and one 2, run the same seeded decode step and
 * must print the same hash of the output bits.
 */
class OpenClDecodeBitsTest {

    @Test
    void sameBitsWithOneAndTwoComputeUnits() throws IOException, InterruptedException {
        TestDevices.openOrSkip("opencl:0").close();
        long seed = Data.fresh().seed();
        String one = run(seed, 1), two = run(seed, 2);
        assertTrue(one.contains("units 1") && two.contains("units 2"),
                "the children did not see 1 and 2 compute units: " + one + " / " + two);
        String bitsOne = one.substring(0, one.indexOf(" units")), bitsTwo = two.substring(0, two.indexOf(" units"));
        assertEquals(bitsOne, bitsTwo, "decode attention bits differ with the compute-unit count (seed " + seed + ")");
    }

    private static String run(long seed, int threads) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(ChildJvm.command(List.of(), DecodeBitsMain.class, Long.toString(seed)))
                .redirectErrorStream(true);
        pb.environment().put("POCL_MAX_PTHREAD_COUNT", Integer.toString(threads));
        Process child = pb.start();
        byte[] out = child.getInputStream().readAllBytes();
        boolean done = child.waitFor(5, TimeUnit.MINUTES);
        String text = new String(out, StandardCharsets.UTF_8);
        assertTrue(done, "the child did not finish: " + text);
        assertEquals(0, child.exitValue(), "the child failed: " + text);
        String line = text.lines().filter(l -> l.startsWith("bits ")).findFirst().orElse("");
        assertNotEquals("", line, "no bits line in: " + text);
        return line;
    }
}
