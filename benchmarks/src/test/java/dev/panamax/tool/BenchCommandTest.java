package dev.panamax.tool;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BenchCommandTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void checksAndTimesOnTheCpuAndWritesJson(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("bench.json");
        int status = run("bench", "--device", "cpu", "--quick", "--op", "convert,topK", "--seed", "42", "--json", json.toString());
        assertEquals(0, status, out() + err);
        assertTrue(out().contains("convert") && out().contains("F32>BF16") && out().contains("OK"), out());
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("[1/3] topK"), "progress on stderr: " + err);
        Map<?, ?> root = (Map<?, ?>) Json.parse(Files.readString(json));
        assertEquals(42.0, root.get("seed"));
        List<?> results = (List<?>) root.get("results");
        assertEquals(3, results.size());
        for (Object r : results) {
            Map<?, ?> m = (Map<?, ?>) r;
            assertEquals("OK", m.get("status"), m.toString());
            assertTrue((Double) m.get("seconds") > 0, m.toString());
        }
    }

    @Test
    void joinsAPeerByCaseId(@TempDir Path dir) throws Exception {
        Case topK = Catalog.cases(Catalog.Profile.QUICK).stream().filter(c -> c.op().equals("topK")).findFirst().orElseThrow();
        Path peer = dir.resolve("peer.json");
        Files.writeString(peer, "{\"peer\": \"PyTorch 9.9\", \"device\": \"Some GPU\", \"ceilings\": {\"copy_bytes_per_s\": 1e9},"
                + " \"results\": {\"" + topK.id() + "\": {\"seconds\": 0.5}}}");
        assertEquals(0, run("bench", "--device", "cpu", "--quick", "--op", "topK", "--peer-json", peer.toString()), out() + err);
        assertTrue(out().contains("PyTorch") && out().contains("x peer") && out().contains("500 ms"), out());
    }

    @Test
    void writesTheGpuCasesWithoutADevice(@TempDir Path dir) throws Exception {
        Path cases = dir.resolve("cases.json");
        assertEquals(0, run("bench", "--device", "cuda:0", "--cases-json", cases.toString()), out() + err);
        Map<?, ?> root = (Map<?, ?>) Json.parse(Files.readString(cases));
        assertEquals("gpu", root.get("profile"));
        List<?> list = (List<?>) root.get("cases");
        assertEquals(Catalog.cases(Catalog.Profile.GPU).size(), list.size());
        Map<?, ?> first = (Map<?, ?>) list.get(0);
        assertTrue(first.get("id") instanceof String && first.get("dims") instanceof Map && (Double) first.get("flops") > 0, first.toString());
    }

    @Test
    void anUnavailableDeviceOrBadOptionIsStatusTwo() {
        assertEquals(2, run("bench", "--device", "cuda:7", "--quick", "--op", "topK"), out() + err);
        assertTrue(out().contains("cuda:7: unavailable"), out());
        assertEquals(2, run("bench", "--op", "nope"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("unknown op 'nope'"), err.toString(StandardCharsets.UTF_8));
        assertEquals(2, run("bench", "--device"));
    }

    @Test
    void theTableNamesEachRowsPeerAndMarksAnUnsteadyRate() {
        Case gemm = Case.of("gemm", dev.panamax.DType.F32, dev.panamax.DType.F32, "M", 64, "N", 64, "K", 64);
        Case topK = Catalog.cases(Catalog.Profile.QUICK).stream().filter(c -> c.op().equals("topK")).findFirst().orElseThrow();
        Peer openblas = Peer.parse("{\"peer\": \"OpenBLAS 0.3.21 (kernel SkylakeX)\", \"label\": \"OpenBLAS SkylakeX\","
                + " \"results\": {\"" + gemm.id() + "\": {\"seconds\": 0.002}}}", "test");
        List<Row> rows = List.of(
                new Row(gemm, "cpu", Bound.COMPUTE, 2.0 * 64 * 64 * 64, 1, 0.001, true, Verdict.of(1e-7, 1e-5), Row.Status.OK, null),
                new Row(topK, "cpu", Bound.MEMORY, 0, 1e6, 0.001, false, Verdict.of(0, 0), Row.Status.OK,
                        "not steady after 3.00 s of warm-up (9 calls): the JIT was still compiling"));
        String table = new ResultTable(rows, Map.of(), Map.of("cpu", openblas), null).render();
        String gemmLine = table.lines().filter(l -> l.startsWith("gemm")).findFirst().orElseThrow();
        assertTrue(gemmLine.contains("OpenBLAS SkylakeX") && gemmLine.contains("2.00 ms") && gemmLine.contains("2.00x"), table);
        String topKLine = table.lines().filter(l -> l.startsWith("topK")).findFirst().orElseThrow();
        assertTrue(topKLine.contains("~1.00 GB/s"), table);
        assertTrue(table.contains(topK.id() + " on cpu: OK: not steady after 3.00 s"), table);
        assertTrue(table.contains("peer on cpu: OpenBLAS 0.3.21 (kernel SkylakeX)"), table);
        assertEquals(false, BenchOptions.parse(new String[] {"--no-openblas"}).openblas());
        assertEquals(true, BenchOptions.parse(new String[0]).openblas());
    }

    @Test
    void devicesListsEveryBackend() {
        assertEquals(0, run("devices"));
        for (String backend : List.of("cpu", "opencl", "cuda")) {
            assertTrue(out().contains(backend), out());
        }
    }
}
