package dev.panamax.cpu;

import dev.panamax.DType;
import dev.panamax.Device;
import dev.panamax.Ops;
import dev.panamax.Tensor;
import dev.panamax.reference.Reference64;
import dev.panamax.testing.Check;
import dev.panamax.testing.Data;
import dev.panamax.testing.Tolerances;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The CPU GEMM against the float64 reference: transposes, batches, alpha/beta, edges, dtypes. */
class CpuGemmTest {
    private final Device cpu = Device.cpu();

    /** Runs one gemm and checks it; c starts as NaN when beta == 0 (it must be ignored). */
    private void check(DType ab, DType cType, int batch, int m, int n, int k, boolean ta, boolean tb, boolean bBatched,
                       float alpha, float beta) {
        Data data = Data.fresh();
        float[] a = Data.roundTo(ab, data.normal(batch * m * k, 1));
        int bCount = (bBatched ? batch : 1) * k * n;
        float[] b = Data.roundTo(ab, data.normal(bCount, 1));
        float[] c0 = new float[batch * m * n];
        if (beta == 0f) {
            java.util.Arrays.fill(c0, Float.NaN);
        } else {
            c0 = Data.roundTo(cType, data.normal(batch * m * n, 1));
        }
        long[] aShape = ta ? new long[] {k, m} : new long[] {m, k};
        long[] bShape = tb ? new long[] {n, k} : new long[] {k, n};
        long[] cShape = {m, n};
        if (batch > 1 || bBatched) {
            aShape = new long[] {batch, aShape[0], aShape[1]};
            cShape = new long[] {batch, m, n};
            if (bBatched) {
                bShape = new long[] {batch, bShape[0], bShape[1]};
            }
        }
        float[] out;
        try (Tensor ta1 = Data.tensor(cpu, ab, a, aShape); Tensor tb1 = Data.tensor(cpu, ab, b, bShape);
             Tensor tc = Data.tensor(cpu, cType, c0, cShape)) {
            Ops.gemm(alpha, ta1, ta, tb1, tb, beta, tc);
            out = tc.toFloatArray();
        }
        double[] ref = Reference64.gemm(batch, m, n, k, alpha, a, ta, b, tb, bBatched, beta, c0);
        DType narrow = cType == DType.F32 ? ab : cType;
        String what = "gemm " + ab + "->" + cType + " batch " + batch + " [" + m + "," + n + "," + k + "] ta " + ta + " tb " + tb
                + " bBatched " + bBatched + " alpha " + alpha + " beta " + beta;
        Check.close(what, out, ref, Tolerances.accumulate(narrow), data);
    }

    @Test
    void awkwardShapesAllTransposes() {
        int[][] shapes = {{1, 1, 1}, {7, 33, 127}, {33, 7, 1}, {127, 129, 300}, {1, 1000, 3}, {65, 17, 513}, {3, 2100, 5}};
        for (int[] s : shapes) {
            for (int t = 0; t < 4; t++) {
                check(DType.F32, DType.F32, 1, s[0], s[1], s[2], (t & 1) != 0, (t & 2) != 0, false, 1f, 0f);
            }
        }
    }

    /**
     * A product of 16 rows (where the kernel reads B in place) gives the same bits as the same 16
     * rows inside a product of 200 (B packed): both run one chain of multiply-adds per element, so
     * which path ran never shows in the result.
     */
    @Test
    void bInPlaceSameBitsAsPacked() {
        Data data = Data.fresh();
        int m = 200, few = 16, n = 1000, k = 700;
        float[] a = data.normal(m * k, 1);
        float[] b = data.normal(k * n, 1);
        float[] c0 = data.normal(m * n, 1);
        try (Tensor ta = cpu.tensor(a, m, k); Tensor tb = cpu.tensor(b, k, n); Tensor all = cpu.tensor(c0, m, n);
             Tensor part = cpu.tensor(java.util.Arrays.copyOf(c0, few * n), few, n)) {
            Ops.gemm(1.5f, ta, false, tb, false, -0.5f, all);
            try (Tensor aFew = ta.slice(0, few)) {
                Ops.gemm(1.5f, aFew, false, tb, false, -0.5f, part);
            }
            float[] whole = all.toFloatArray();
            assertArrayEquals(java.util.Arrays.copyOf(whole, few * n), part.toFloatArray(), data.describe());
            Check.close("gemm [200, 1000, 700]", whole, Reference64.gemm(1, m, n, k, 1.5f, a, false, b, false, false,
                    -0.5f, c0), Tolerances.accumulate(DType.F32), data);
        }
    }

    /**
     * A product whose tasks all cover every row of A (40 rows against 1,000 columns of a
     * transposed B, on two threads: one row of column tasks) packs A once for all of them, and
     * gives the same bits as one task on one thread that packs its own.
     */
    @Test
    void oneRowOfTasksPacksAOnceSameBits() {
        Data data = Data.fresh();
        int m = 40, n = 1000, k = 300;
        float[] a = data.normal(m * k, 1), b = data.normal(n * k, 1);
        try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofShared()) { // shared: the pool's worker packs A too
            java.lang.foreign.MemorySegment sa = arena.allocateFrom(java.lang.foreign.ValueLayout.JAVA_FLOAT, a);
            java.lang.foreign.MemorySegment sb = arena.allocateFrom(java.lang.foreign.ValueLayout.JAVA_FLOAT, b);
            float[][] got = new float[2][];
            for (int threads = 1; threads <= 2; threads++) {
                java.lang.foreign.MemorySegment sc = arena.allocate((long) m * n * Float.BYTES);
                dev.panamax.internal.Kernels.Gemm call = new dev.panamax.internal.Kernels.Gemm(DType.F32, DType.F32, 1, m, n, k, 1f,
                        new CpuMemory(null, sa, sa), false, new CpuMemory(null, sb, sb), true, false, 0f, new CpuMemory(null, sc, sc));
                CpuGemm.Matrix mat = new CpuGemm.Matrix(GemmKernel.get(), call, 0, threads, DType.F32, k, false);
                mat.packAOnce(new CpuPool(threads));
                assertEquals(threads == 2, mat.packsAOnce(), threads + " threads");
                for (long t = 0; t < mat.tasks(); t++) {
                    mat.task(t);
                }
                got[threads - 1] = sc.toArray(java.lang.foreign.ValueLayout.JAVA_FLOAT);
            }
            assertArrayEquals(got[0], got[1], data.describe());
            Check.close("gemm [40, 1000, 300] transB", got[1], Reference64.gemm(1, m, n, k, 1f, a, false, b, true, false, 0f,
                    new float[m * n]), Tolerances.accumulate(DType.F32), data);
        }
    }

    @Test
    void alphaBetaAndBatches() {
        check(DType.F32, DType.F32, 3, 37, 45, 270, false, true, true, 0.5f, -1.25f);
        check(DType.F32, DType.F32, 4, 20, 9, 11, true, false, false, 2f, 1f);
        check(DType.F32, DType.F32, 50, 5, 6, 7, true, true, true, -1f, 0f);
        check(DType.F32, DType.F32, 2, 300, 200, 100, false, false, false, 1f, 0.5f);
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F16", "BF16"})
    void sixteenBit(DType dtype) {
        check(dtype, dtype, 1, 33, 70, 300, false, false, false, 1f, 0f);
        check(dtype, dtype, 2, 70, 33, 600, true, true, true, 0.75f, 0.5f);
        check(dtype, DType.F32, 2, 19, 130, 260, false, true, false, 1f, 2f);
        check(dtype, dtype, 1, 1, 1, 1, true, false, false, 1f, 0f);
    }

    /**
     * Inner dimensions past one kc block (2048 floats on 512-bit vectors), where C is read back
     * and added to: B packed (200 rows) and read in place (30 rows), a 16-bit C accumulated in F32,
     * beta on the first block only, the last block partial.
     */
    @Test
    void innerDimensionPastOneBlock() {
        for (int t = 0; t < 4; t++) {
            check(DType.F32, DType.F32, 1, 200, 70, 4500, (t & 1) != 0, (t & 2) != 0, false, 1f, 0f);
        }
        check(DType.F32, DType.F32, 1, 30, 200, 4200, false, false, false, 0.5f, 2f);
        check(DType.F32, DType.F32, 1, 131, 33, 2049, false, false, false, 1f, -1f);
        check(DType.BF16, DType.BF16, 1, 40, 50, 4100, false, true, false, 1f, 0.5f);
    }

    /** Few rows of A stream B unpacked: long inner dimensions and wide C cross that path's chunks. */
    @Test
    void fewRows() {
        for (int t = 0; t < 4; t++) {
            check(DType.F32, DType.F32, 1, 3, 1500, 9000, (t & 1) != 0, (t & 2) != 0, false, 1f, 0f);
            check(DType.F32, DType.F32, 2, 8, 33, 17, (t & 1) != 0, (t & 2) != 0, true, 0.5f, 2f);
        }
        check(DType.BF16, DType.BF16, 1, 1, 2049, 700, false, true, false, 1f, -1f);
        check(DType.F16, DType.F32, 3, 5, 100, 8193, true, false, false, 1f, 0f);
    }

    /**
     * BF16 weights stored [n, k] (nn.Linear) with few rows of A are dotted straight from memory:
     * inner dimensions ending on a pair of vectors, an odd vector, a partial one after either, or
     * past the chunk of A; column counts off the four-row pass; the most rows a BF16 B streams.
     */
    @Test
    void fewRowsSixteenBitTransposedB() {
        int[] ks = {1, 7, 16, 40, 53, 64, 300, 8200};
        for (int k : ks) {
            check(DType.BF16, DType.F32, 1, 1, 4 * 3 + 3, k, false, true, false, 1f, 0f);
            check(DType.BF16, DType.BF16, 1, 3, 9, k, k % 2 == 0, true, false, 0.5f, -1f);
        }
        check(DType.BF16, DType.F32, 2, 2, 70, 129, false, true, true, 1f, 0.5f);
        check(DType.F16, DType.F32, 1, 1, 33, 53, false, true, false, 1f, 0f);
        // four rows of A per pass, and the rows left over
        for (int m : new int[] {4, 6, 8}) {
            check(DType.BF16, DType.F32, 1, m, 4 * 3 + 3, 53, false, true, false, 1f, 0f);
            check(DType.BF16, DType.F32, 1, m, 9, 8200, false, true, false, 1f, 0f);
            check(DType.F32, DType.F32, 1, m, 4 * 3 + 3, 53, false, true, false, 1f, 0f);
            check(DType.F32, DType.F32, 1, m, 9, 8200, false, true, false, 1f, 0f);
        }
        // a BF16 B stored [n, k] streams up to FEW_ROWS_BF16 rows of A; one more row packs it
        for (int m : new int[] {9, 17, CpuGemm.FEW_ROWS_BF16, CpuGemm.FEW_ROWS_BF16 + 1}) {
            check(DType.BF16, DType.F32, 1, m, 4 * 3 + 3, 53, false, true, false, 1f, 0f);
            check(DType.BF16, DType.BF16, 2, m, 70, 300, false, true, false, 0.5f, -1f);
        }
    }

    /**
     * A few-row product sums each output as a product of that row alone does: the four-row passes
     * over B stored [n, k], and the F32 B [k, n] read in place, give each row the bits of its own
     * one-row product.
     */
    @Test
    void fewRowsEachRowAsAlone() {
        Data data = Data.fresh();
        int n = 37, k = 777;
        // up to three rows of A: four rows of B a pass; more: two rows of B against four of A, and the rest
        for (int m : new int[] {3, 5, 8}) {
            for (DType t : new DType[] {DType.F32, DType.BF16}) {
                for (boolean tb : new boolean[] {false, true}) {
                    eachRowAsAlone(data, m, n, k, t, tb);
                }
            }
        }
    }

    private void eachRowAsAlone(Data data, int m, int n, int k, DType t, boolean tb) {
        float[] a = Data.roundTo(t, data.normal(m * k, 1)), b = Data.roundTo(t, data.normal(k * n, 1));
        long[] bShape = tb ? new long[] {n, k} : new long[] {k, n};
        try (Tensor ta = Data.tensor(cpu, t, a, m, k); Tensor tbT = Data.tensor(cpu, t, b, bShape)) {
            float[] together = product(ta, tbT, tb, m, n);
            for (int i = 0; i < m; i++) {
                try (Tensor row = Data.tensor(cpu, t, java.util.Arrays.copyOfRange(a, i * k, (i + 1) * k), 1, k)) {
                    float[] alone = product(row, tbT, tb, 1, n);
                    assertArrayEquals(java.util.Arrays.copyOfRange(together, i * n, (i + 1) * n), alone,
                            "m " + m + " " + t + " tb " + tb + " row " + i + " " + data.describe());
                }
            }
        }
    }

    /** The direct BF16 dot of few rows: the same bits on pools of 1 and 2 threads. */
    @Test
    void fewRowsBf16SameBitsWhateverTheThreads() {
        Data data = Data.fresh();
        int m = 1, n = 1001, k = 777;
        float[] a = Data.roundTo(DType.BF16, data.normal(m * k, 1)), b = Data.roundTo(DType.BF16, data.normal(k * n, 1));
        float[] one = KernelRun.gemmTransB16(1, a, b, m, n, k);
        float[] two = KernelRun.gemmTransB16(2, a, b, m, n, k);
        assertArrayEquals(one, two, data.describe());
    }

    /** a times b (transposed when tb) into a new F32 [rows, n]. */
    private float[] product(Tensor a, Tensor b, boolean tb, int rows, int n) {
        try (Tensor c = cpu.zeros(DType.F32, rows, n)) {
            Ops.gemm(1f, a, false, b, tb, 0f, c);
            return c.toFloatArray();
        }
    }

    @Test
    void emptyInnerDimension() {
        check(DType.F32, DType.F32, 1, 5, 7, 0, false, false, false, 1f, 0f);
        check(DType.F32, DType.F32, 2, 5, 7, 0, true, true, true, 1f, 3f);
        check(DType.BF16, DType.BF16, 1, 5, 7, 0, false, false, false, 1f, -2f);
    }

    @Test
    void integersAreExact() {
        Data data = Data.fresh();
        int m = 70, n = 90, k = 300;
        float[] a = data.integers(m * k, -3, 3), b = data.integers(k * n, -3, 3);
        try (Tensor ta = cpu.tensor(a, m, k); Tensor tb = cpu.tensor(b, k, n); Tensor c = Ops.matmul(ta, tb)) {
            double[] ref = Reference64.gemm(1, m, n, k, 1, a, false, b, false, false, 0, null);
            float[] out = c.toFloatArray();
            for (int i = 0; i < out.length; i++) {
                assertEquals(ref[i], out[i], 0.0, "element " + i + "; " + data.describe());
            }
        }
    }

    /** The same call on pools of 1 and 3 threads gives the same bits. */
    @Test
    void sameBitsWhateverTheThreads() {
        Data data = Data.fresh();
        int m = 301, n = 203, k = 777;
        float[] a = data.normal(m * k, 1), b = data.normal(k * n, 1);
        float[] one = KernelRun.gemm(1, a, b, m, n, k);
        float[] three = KernelRun.gemm(3, a, b, m, n, k);
        assertArrayEquals(one, three, data.describe());
    }

    /**
     * A product with a packed matrix runs the same chains of multiply-adds as gemm on the matrix
     * unpacked (the in-place tile reads a strip as it reads a row-major B; past 96 rows the strips
     * are packed into the same panels), so the bits agree wherever gemm does not take its few-row
     * path: rows in and past the in-place range, whole strips and a partial one, K past one kc
     * block, b stored either way, a BF16 a (its products rounded once from the same F32 sums).
     */
    @Test
    void packedProductHasTheBitsOfGemm() {
        Device cpu = Device.cpu();
        Data data = Data.fresh();
        int[][] cases = {{9, 400, 300, 0}, {16, 384, 384, 0}, {16, 384, 384, 1}, {40, 200, 2100, 0}, {97, 250, 130, 1},
            {200, 193, 70, 0}, {96, 96, 1, 1}};
        for (DType dtype : new DType[] {DType.F32, DType.BF16}) {
            for (int[] s : cases) {
                int m = s[0], n = s[1], k = s[2];
                boolean transB = s[3] == 1;
                if (dtype == DType.BF16 && (m <= 32 && transB || m <= 8)) {
                    continue; // gemm's few-row paths sum in another order
                }
                float[] a = Data.roundTo(dtype, data.normal(m * k, 1));
                float[] b = Data.roundTo(dtype, data.normal(n * k, 1));
                String what = "packed " + dtype + " M=" + m + " N=" + n + " K=" + k + (transB ? " transB" : "");
                try (Tensor ta = Data.tensor(cpu, dtype, a, m, k);
                     Tensor tb = Data.tensor(cpu, dtype, b, transB ? n : k, transB ? k : n);
                     Tensor plain = cpu.zeros(dtype, m, n);
                     dev.panamax.PackedMatrix p = Ops.pack(tb, transB);
                     Tensor packed = Ops.packedMatmul(ta, p)) {
                    Ops.gemm(1f, ta, false, tb, transB, 0f, plain);
                    Check.sameBits(what, packed.toFloatArray(), plain.toFloatArray(), data);
                }
            }
        }
    }
}
