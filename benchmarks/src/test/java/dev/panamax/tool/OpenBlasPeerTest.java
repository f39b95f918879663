package dev.panamax.tool;

import dev.panamax.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The OpenBLAS peer's child process: its environment lacks OPENBLAS_CORETYPE and
 * OPENBLAS_L2_SIZE (checked on the ProcessBuilder, never started that way here: tests keep the
 * environment they are given), and its protocol (cases in, checked and timed figures out), run
 * with this JVM's environment unchanged.
 */
class OpenBlasPeerTest {

    @Test
    void theChildsEnvironmentLacksTheKernelVariablesAndKeepsTheRest() {
        Map<String, String> env = new HashMap<>(Map.of("OPENBLAS_CORETYPE", "Haswell", "OPENBLAS_L2_SIZE", "1048576",
                "OPENBLAS_NUM_THREADS", "2", "PATH", "/usr/bin"));
        assertEquals(List.of("OPENBLAS_CORETYPE=Haswell", "OPENBLAS_L2_SIZE=1048576"), OpenBlasPeer.forBestKernel(env));
        assertEquals(Map.of("OPENBLAS_NUM_THREADS", "2", "PATH", "/usr/bin"), env);

        ProcessBuilder pb = OpenBlasPeer.process(Path.of("in.json"), Path.of("out.json"), 2, Catalog.Profile.QUICK, 1, 10);
        for (String v : OpenBlas.KERNEL_VARIABLES) {
            assertFalse(pb.environment().containsKey(v), v + " in " + pb.environment());
        }
        Map<String, String> rest = new HashMap<>(System.getenv());
        OpenBlas.KERNEL_VARIABLES.forEach(rest::remove);
        assertEquals(rest, pb.environment());
        assertEquals(OpenBlasPeer.class.getName(), pb.command().get(4));
        assertTrue(pb.command().get(0).startsWith(System.getProperty("java.home")), pb.command().toString());
    }

    @Test
    void takesTheF32GemmCasesAlone() {
        assertTrue(OpenBlasPeer.takes(Case.of("gemm", DType.F32, DType.F32, "M", 1, "N", 2, "K", 3)));
        assertFalse(OpenBlasPeer.takes(Case.of("gemm", DType.BF16, DType.BF16, "M", 1, "N", 2, "K", 3)));
        assertTrue(OpenBlasPeer.takes(Case.of("gemm-packed", DType.F32, DType.F32, "M", 16, "N", 2, "K", 3, "transB", 1)));
        assertFalse(OpenBlasPeer.takes(Case.of("gemm-packed", DType.BF16, DType.BF16, "M", 16, "N", 2, "K", 3, "transB", 0)));
        assertFalse(OpenBlasPeer.takes(Case.of("matmul", DType.F32, DType.F32, "B", 2, "M", 1, "N", 2, "K", 3)));
    }

    @Test
    void theChildChecksAndTimesEachCaseOnTheBenchsInputs(@TempDir Path dir) throws Exception {
        assumeTrue(OpenBlas.unavailability().isEmpty(), () -> OpenBlas.unavailability().orElseThrow());
        List<Case> cases = List.of(Case.of("gemm", DType.F32, DType.F32, "M", 64, "N", 48, "K", 32),
                Case.of("gemm", DType.F32, DType.F32, "M", 8, "N", 48, "K", 32, "transB", 1));
        Path in = dir.resolve("cases.json"), out = dir.resolve("peer.json");
        Files.writeString(in, Json.write(Map.of("cases", cases.stream().map(ResultTable::describe).toList())));
        ProcessBuilder pb = OpenBlasPeer.process(in, out, 1, Catalog.Profile.QUICK, 7, Double.POSITIVE_INFINITY);
        // this test's child keeps the environment it was given: put back what process() removed
        OpenBlas.KERNEL_VARIABLES.forEach(v -> {
            if (System.getenv(v) != null) {
                pb.environment().put(v, System.getenv(v));
            }
        });
        Process p = pb.start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), log);
        assertEquals(0, p.exitValue(), log);
        Peer peer = Peer.read(out);
        assertNull(peer.unavailable(), log);
        assertEquals("OpenBLAS " + OpenBlas.coreName(), peer.label(), "the same kernel as this JVM's, whose environment it has");
        assertTrue(peer.name().contains(OpenBlas.environment()), peer.name());
        for (Case c : cases) {
            assertTrue(peer.secondsFor(c) > 0, c.id() + ": " + peer + "\n" + log);
            assertFalse(peer.errors().containsKey(c.id()), peer.errors().toString());
        }
    }
}
