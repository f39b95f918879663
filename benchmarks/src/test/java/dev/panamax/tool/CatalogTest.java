package dev.panamax.tool;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CatalogTest {

    @Test
    void everyProfileRunsEveryOpOnceAtLeastWithUniqueIds() {
        for (Catalog.Profile p : Catalog.Profile.values()) {
            Set<String> ops = new HashSet<>();
            Set<String> ids = new HashSet<>();
            for (Case c : Catalog.cases(p)) {
                ops.add(c.op());
                assertTrue(ids.add(c.id()), p + ": duplicate case " + c.id());
                BenchOp op = Catalog.op(c);
                assertTrue(op.bytes(c) > 0, c.id());
                boolean fewRows = c.op().equals("gemm") && c.dim("M") <= GemmBench.FEW_ROWS
                        || c.op().startsWith("moe") && c.dim("T") <= MoeBench.FEW_ROWS // decoding: reading the experts
                        || c.op().equals("matmul-i8") && c.dim("M") <= MoeBench.FEW_ROWS; // decoding: reading the INT8 weight
                assertEquals(op.bound(c) == Bound.COMPUTE, op.flops(c) > 0 && !c.op().equals("decode") && !fewRows, c.id());
            }
            assertEquals(Catalog.OPS.keySet(), ops, p + " leaves an op out");
        }
    }

    @Test
    void aDeviceGetsTheProfileOfItsBackend() {
        assertEquals(Catalog.Profile.HOST, Catalog.Profile.of("cpu", false));
        assertEquals(Catalog.Profile.OPENCL, Catalog.Profile.of("opencl:0", false));
        assertEquals(Catalog.Profile.GPU, Catalog.Profile.of("cuda:0", false));
        assertEquals(Catalog.Profile.QUICK, Catalog.Profile.of("cuda:0", true));
    }

    @Test
    void theHostProfileHasTheCpuGemmTargetShapes() {
        java.util.List<String> ids = Catalog.cases(Catalog.Profile.HOST).stream().map(Case::id).toList();
        for (String shape : new String[] {"M=512 N=512 K=512", "M=1024 N=1024 K=1024", "M=2048 N=2048 K=2048",
                "M=4096 N=1536 K=384", "M=4096 N=384 K=1536", "M=4096 N=384 K=384", "M=4096 N=4096 K=4096"}) {
            assertTrue(ids.contains("gemm F32 " + shape), shape + " in " + ids);
        }
    }

    @Test
    void workFormulas() {
        Case gemm = Case.of("gemm", dev.panamax.DType.BF16, dev.panamax.DType.BF16, "M", 8, "N", 4, "K", 2);
        assertEquals(2.0 * 8 * 4 * 2, Catalog.op(gemm).flops(gemm));
        assertEquals((8 * 2 + 2 * 4) * 2 + 8 * 4 * 2, Catalog.op(gemm).bytes(gemm));
        // causal prefill S = 4: 1 + 2 + 3 + 4 = 10 visible pairs per head; 4 FLOPs per pair and channel
        Case causal = Case.of("attention-causal", dev.panamax.DType.F32, dev.panamax.DType.F32,
                "B", 1, "Hq", 2, "Hkv", 1, "Sq", 4, "Skv", 4, "D", 8);
        assertEquals(4.0 * 2 * 8 * 10, Catalog.op(causal).flops(causal));
        Case decode = Case.of("decode", dev.panamax.DType.F32, dev.panamax.DType.F32,
                "B", 1, "Hq", 2, "Hkv", 1, "Sq", 1, "Skv", 5, "D", 8);
        assertEquals(4.0 * 2 * 8 * 5, Catalog.op(decode).flops(decode));
        assertFalse(Catalog.op(decode).bound(decode) == Bound.COMPUTE);
        // kvLengths L = 3 of a cache of 5: the work and the bytes of 3 keys, and the lengths [B] I32
        Case lengths = Case.of("decode", dev.panamax.DType.F32, dev.panamax.DType.F32,
                "B", 1, "Hq", 2, "Hkv", 1, "Sq", 1, "Skv", 5, "L", 3, "D", 8);
        assertEquals(4.0 * 2 * 8 * 3, Catalog.op(lengths).flops(lengths));
        assertEquals((2.0 * 2 * 8 + 2.0 * 3 * 8) * 4 + 4, Catalog.op(lengths).bytes(lengths));
        Case fewRows = Case.of("gemm", dev.panamax.DType.F32, dev.panamax.DType.F32, "M", 8, "N", 16, "K", 4, "transB", 1);
        assertEquals(Bound.MEMORY, Catalog.op(fewRows).bound(fewRows));
        assertEquals((8 * 4 + 4 * 16 + 8 * 16) * 4, Catalog.op(fewRows).bytes(fewRows));
    }

    @Test
    void exactnessVerdicts() {
        assertTrue(Verdict.of(0, 0).ok());
        assertFalse(Verdict.of(1e-9, 0).ok());
        assertFalse(Verdict.of(Double.NaN, 1e-2).ok());
        assertTrue(Verdict.of(1e-3, 1e-2).ok());
        assertFalse(Verdict.of(1e-3, 1e-2).with("indices differ").ok());
    }
}
