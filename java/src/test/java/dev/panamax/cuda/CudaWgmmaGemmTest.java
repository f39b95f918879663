package dev.panamax.cuda;

import dev.panamax.DType;
import dev.panamax.Device;
import dev.panamax.Ops;
import dev.panamax.Tensor;
import dev.panamax.reference.Reference64;
import dev.panamax.testing.Check;
import dev.panamax.testing.Data;
import dev.panamax.testing.DeviceUnderTest;
import dev.panamax.testing.Tolerances;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The opt-in sm_90a GEMM (gemm_{bf16,f16}_wgmma, kernels/cuda/gemm_wgmma.cu) on cuda:0 against
 * the float64 reference: every transpose, both 16-bit dtypes, c F32 and c of the input dtype, the
 * vector and the scalar tile loads (dimensions multiples of 8 or not), awkward and large shapes,
 * batches with b shared or per batch, alpha and beta (beta == 0 with c poisoned with NaN), K == 0,
 * and small-integer inputs whose result must be exact. Each test runs with the GEMM option set to
 * {@code wgmma} (as {@code -Dpanamax.cuda.gemm=wgmma} sets it) and first checks that the device
 * really picks the wgmma kernel: it is skipped, with the reason, on anything but a compute
 * capability 9.0 GPU running the sm_90a cubin, and without a GPU.
 */
class CudaWgmmaGemmTest {
    /** Above this many reference multiply-adds, whole rows and columns of c are sampled. */
    private static final long FULL_CHECK_BUDGET = 1L << 25;

    private static DeviceUnderTest underTest;
    private Device device;
    private String previousOption;
    private boolean overridden;

    @BeforeAll
    static void open() {
        underTest = DeviceUnderTest.open("cuda:0");
    }

    @AfterAll
    static void close() {
        underTest.close();
    }

    @BeforeEach
    void wgmmaOn() {
        device = underTest.get(); // skipped, with the reason, without a GPU
        CudaDevice cuda = CudaDeviceChecks.backend(device);
        int cc = cuda.computeCapability();
        assumeTrue(cc == 90 && cuda.loadsSm90a(), () -> "the wgmma GEMM needs compute capability 9.0 running the "
                + "sm_90a cubin; " + device.name() + " is " + cc / 10 + "." + cc % 10 + " running "
                + device.info().get("kernels"));
        previousOption = CudaKernels.overrideGemmOption("wgmma");
        overridden = true;
        CudaKernels kernels = (CudaKernels) cuda.kernels();
        assertEquals("gemm_bf16_wgmma", kernels.gemmKernelFor(DType.BF16), "the variant under test");
        assertEquals("gemm_f16_wgmma", kernels.gemmKernelFor(DType.F16), "the variant under test");
    }

    @AfterEach
    void wgmmaOff() {
        if (overridden) {
            CudaKernels.overrideGemmOption(previousOption);
        }
    }

    /** One call {@code c = alpha * op(a) @ op(b) + beta * c}; batch 0 means rank 2. */
    record Case(DType ab, DType c, int batch, boolean bBatched, int m, int n, int k, boolean transA, boolean transB,
                float alpha, float beta, boolean integers) {
        static Case of(DType ab, DType c, int m, int n, int k, int trans) {
            return new Case(ab, c, 0, false, m, n, k, trans >= 2, trans % 2 == 1, 1f, 0f, false);
        }

        Case scale(float a, float b) {
            return new Case(ab, c, batch, bBatched, m, n, k, transA, transB, a, b, integers);
        }

        Case batched(int count, boolean perBatch) {
            return new Case(ab, c, count, perBatch, m, n, k, transA, transB, alpha, beta, integers);
        }

        Case exact() {
            return new Case(ab, c, batch, bBatched, m, n, k, transA, transB, alpha, beta, true);
        }

        @Override
        public String toString() {
            return "wgmma gemm " + ab + "->" + c + (batch == 0 ? "" : " batch " + batch + (bBatched ? " (b per batch)"
                    : " (b shared)")) + " M=" + m + " N=" + n + " K=" + k + (transA ? " transA" : "")
                    + (transB ? " transB" : "") + " alpha=" + alpha + " beta=" + beta + (integers ? " integers" : "");
        }
    }

    private static final List<DType> SIXTEEN = List.of(DType.BF16, DType.F16);

    /**
     * Every transpose for both dtypes and both c types, on a shape whose dimensions are multiples
     * of 8 (16-byte cp.async everywhere) and on one where none is (scalar loads, every tail).
     */
    static List<Case> transposesAndDtypes() {
        List<Case> cases = new ArrayList<>();
        for (DType ab : SIXTEEN) {
            for (DType c : List.of(DType.F32, ab)) {
                for (int t = 0; t < 4; t++) {
                    cases.add(Case.of(ab, c, 264, 520, 136, t).scale(1.25f, 0f));
                    cases.add(Case.of(ab, c, 300, 521, 203, t).scale(-0.5f, 0.75f));
                }
            }
        }
        return cases;
    }

    /** 1, 7, 33, 127, 1000 and tile-straddling sizes mixed, and two of about 4096. */
    static List<Case> awkwardShapes() {
        int[][] mnk = {
            {1, 1, 1}, {7, 33, 127}, {33, 127, 7}, {127, 7, 33}, {1, 1000, 1000}, {1000, 1, 1000},
            {1000, 1000, 1}, {1000, 1000, 1000}, {129, 257, 65}, {128, 256, 64}, {127, 255, 63},
        };
        List<Case> cases = new ArrayList<>();
        for (int[] s : mnk) {
            for (int t = 0; t < 4; t++) {
                cases.add(Case.of(DType.BF16, DType.F32, s[0], s[1], s[2], t));
            }
        }
        cases.add(Case.of(DType.BF16, DType.BF16, 4096, 4096, 4096, 2));  // transA, every load 16 bytes
        cases.add(Case.of(DType.F16, DType.F32, 4100, 4090, 4104, 1));    // transB, N not a multiple of 8
        return cases;
    }

    /** Small integers: every product and partial sum is exact in F32, so c must match exactly. */
    static List<Case> exactIntegers() {
        List<Case> cases = new ArrayList<>();
        for (DType ab : SIXTEEN) {
            for (int t = 0; t < 4; t++) {
                cases.add(Case.of(ab, DType.F32, 256, 512, 128, t).exact());
                cases.add(Case.of(ab, DType.F32, 127, 300, 1000, t).scale(1, 2).exact());
                cases.add(Case.of(ab, ab, 65, 264, 72, t).scale(1, 1).exact());
            }
        }
        cases.add(Case.of(DType.BF16, DType.F32, 2048, 2048, 2048, 0).exact());
        return cases;
    }

    /** Rank 3 with b shared or per batch, alpha and beta (beta == 0: NaN in c), K == 0. */
    static List<Case> batchesAlphaBetaAndEmptyK() {
        List<Case> cases = new ArrayList<>();
        for (boolean perBatch : new boolean[] {false, true}) {
            for (int t = 0; t < 4; t++) {
                cases.add(Case.of(DType.BF16, DType.F32, 70, 300, 90, t).batched(3, perBatch).scale(0.75f, 0f));
                cases.add(Case.of(DType.F16, DType.F16, 136, 264, 64, t).batched(2, perBatch).scale(1f, 0.5f));
            }
            cases.add(Case.of(DType.BF16, DType.BF16, 1, 7, 129, 0).batched(7, perBatch).scale(1, -1));
        }
        for (float[] ab : new float[][] {{0, 0}, {0, 0.75f}, {2, -0.5f}, {-1.5f, 1}}) {
            cases.add(Case.of(DType.BF16, DType.F32, 33, 17, 65, 0).scale(ab[0], ab[1]));
            cases.add(Case.of(DType.F16, DType.F16, 200, 300, 40, 3).scale(ab[0], ab[1]));
        }
        cases.add(Case.of(DType.BF16, DType.F32, 33, 300, 0, 0));
        cases.add(Case.of(DType.F16, DType.F16, 7, 5, 0, 3).scale(2, 0.5f));
        cases.add(Case.of(DType.BF16, DType.BF16, 4, 6, 0, 1).batched(2, true).scale(1, 1));
        return cases;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource({"transposesAndDtypes", "awkwardShapes", "exactIntegers", "batchesAlphaBetaAndEmptyK"})
    void matchesTheReference(Case c) {
        check(c);
    }

    private void check(Case c) {
        Data data = Data.fresh();
        int nb = Math.max(c.batch(), 1);
        float[] a = Data.roundTo(c.ab(), inputs(c, data, (long) nb * c.m() * c.k()));
        float[] b = Data.roundTo(c.ab(), inputs(c, data, (long) (c.bBatched() ? nb : 1) * c.k() * c.n()));
        float[] c0 = c.beta() == 0 ? Data.filled(nb * c.m() * c.n(), Float.NaN)
                : Data.roundTo(c.c(), inputs(c, data, (long) nb * c.m() * c.n()));
        float[] out;
        try (Tensor ta = Data.tensor(device, c.ab(), a, shape(c.batch(), c.transA() ? c.k() : c.m(), c.transA() ? c.m() : c.k()));
             Tensor tb = Data.tensor(device, c.ab(), b, shape(c.bBatched() ? c.batch() : 0, c.transB() ? c.n() : c.k(),
                     c.transB() ? c.k() : c.n()));
             Tensor tc = Data.tensor(device, c.c(), c0, shape(c.batch(), c.m(), c.n()))) {
            Ops.gemm(c.alpha(), ta, c.transA(), tb, c.transB(), c.beta(), tc);
            out = tc.toFloatArray();
        }
        int[] at = sampled(nb, c.m(), c.n(), (long) nb * c.m() * c.n() * c.k(), data.random());
        float[] got = new float[at.length];
        double[] want = new double[at.length];
        for (int s = 0; s < at.length; s++) {
            int flat = at[s];
            got[s] = out[flat];
            want[s] = Reference64.gemmAt(flat / (c.m() * c.n()), flat / c.n() % c.m(), flat % c.n(), c.m(), c.n(),
                    c.k(), c.alpha(), a, c.transA(), b, c.transB(), c.bBatched(), c.beta(), c0);
        }
        if (c.integers()) {
            float[] exact = new float[want.length];
            for (int s = 0; s < want.length; s++) {
                exact[s] = (float) want[s];
            }
            Check.equal(c.toString(), got, Data.roundTo(c.c(), exact), data);
        } else {
            Check.close(c.toString(), got, want, Tolerances.accumulate(Tolerances.narrowest(c.ab(), c.c())), data);
        }
    }

    private static float[] inputs(Case c, Data data, long count) {
        int n = Math.toIntExact(count);
        return c.integers() ? data.integers(n, -4, 4) : data.normal(n, 1.0);
    }

    private static long[] shape(int batch, int rows, int cols) {
        return batch == 0 ? new long[] {rows, cols} : new long[] {batch, rows, cols};
    }

    /**
     * Flat indices of c [batch, m, n] to check: all when the reference's work is small, else whole
     * rows and whole columns (the first, the last and three random ones) of the first and last
     * matrix, so that the tails of every tile are in.
     */
    private static int[] sampled(int batch, int m, int n, long work, SplittableRandom random) {
        if (work <= FULL_CHECK_BUDGET) {
            return java.util.stream.IntStream.range(0, batch * m * n).toArray();
        }
        TreeSet<Integer> at = new TreeSet<>();
        for (int bi : new int[] {0, batch - 1}) {
            for (int r = 0; r < 5; r++) {
                int i = r == 0 ? 0 : r == 1 ? m - 1 : random.nextInt(m);
                int j = r == 0 ? 0 : r == 1 ? n - 1 : random.nextInt(n);
                for (int x = 0; x < n; x++) {
                    at.add((bi * m + i) * n + x);
                }
                for (int y = 0; y < m; y++) {
                    at.add((bi * m + y) * n + j);
                }
            }
        }
        return at.stream().mapToInt(Integer::intValue).toArray();
    }
}
