package dev.panamax.cuda;

import dev.panamax.DType;
import dev.panamax.Device;
import dev.panamax.conformance.GemmSpec;
import dev.panamax.testing.Data;
import dev.panamax.testing.DeviceUnderTest;
import dev.panamax.testing.Placement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;

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
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CudaWgmmaGemmTest {
    private DeviceUnderTest underTest;
    private Device device;
    private CudaGemm gemm; // the GEMM family of cuda:0's kernel set, once its option is overridden
    private String previousOption;

    @BeforeAll
    final void open() {
        underTest = openUnderTest();
    }

    /** cuda:0 (CudaEmulatedWgmmaGemmTest: on the emulator). */
    protected DeviceUnderTest openUnderTest() {
        return DeviceUnderTest.open("cuda:0");
    }

    @AfterAll
    final void close() {
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
        gemm = cuda.kernels().gemmFamily();
        previousOption = gemm.overrideOption("wgmma");
        assertEquals("gemm_bf16_wgmma", gemm.kernelFor(DType.BF16), "the variant under test");
        assertEquals("gemm_f16_wgmma", gemm.kernelFor(DType.F16), "the variant under test");
    }

    @AfterEach
    void wgmmaOff() {
        if (gemm != null) {
            gemm.overrideOption(previousOption);
            gemm = null;
        }
    }

    /** A case of dtype ab, c of dtype c, [m, k] @ [k, n], transposes t: 0 none, 1 b, 2 a, 3 both. */
    private static GemmSpec spec(DType ab, DType c, int m, int n, int k, int t) {
        return GemmSpec.of(ab, c, m, n, k).trans(t >= 2, t % 2 == 1);
    }

    private static final List<DType> SIXTEEN = List.of(DType.BF16, DType.F16);

    /**
     * Every transpose for both dtypes and both c types, on a shape whose dimensions are multiples
     * of 8 (16-byte cp.async everywhere) and on one where none is (scalar loads, every tail).
     */
    static List<GemmSpec> transposesAndDtypes() {
        List<GemmSpec> cases = new ArrayList<>();
        for (DType ab : SIXTEEN) {
            for (DType c : List.of(DType.F32, ab)) {
                for (int t = 0; t < 4; t++) {
                    cases.add(spec(ab, c, 264, 520, 136, t).scale(1.25f, 0f));
                    cases.add(spec(ab, c, 300, 521, 203, t).scale(-0.5f, 0.75f));
                }
            }
        }
        return cases;
    }

    /** 1, 7, 33, 127, 1000 and tile-straddling sizes mixed, and two of about 4096. */
    static List<GemmSpec> awkwardShapes() {
        int[][] mnk = {
            {1, 1, 1}, {7, 33, 127}, {33, 127, 7}, {127, 7, 33}, {1, 1000, 1000}, {1000, 1, 1000},
            {1000, 1000, 1}, {1000, 1000, 1000}, {129, 257, 65}, {128, 256, 64}, {127, 255, 63},
        };
        List<GemmSpec> cases = new ArrayList<>();
        for (int[] s : mnk) {
            for (int t = 0; t < 4; t++) {
                cases.add(spec(DType.BF16, DType.F32, s[0], s[1], s[2], t));
            }
        }
        cases.add(spec(DType.BF16, DType.BF16, 4096, 4096, 4096, 2));  // transA, every load 16 bytes
        cases.add(spec(DType.F16, DType.F32, 4100, 4090, 4104, 1));    // transB, N not a multiple of 8
        return cases;
    }

    /** Small integers: every product and partial sum is exact in F32, so c must match exactly. */
    static List<GemmSpec> exactIntegers() {
        List<GemmSpec> cases = new ArrayList<>();
        for (DType ab : SIXTEEN) {
            for (int t = 0; t < 4; t++) {
                cases.add(spec(ab, DType.F32, 256, 512, 128, t).exact());
                cases.add(spec(ab, DType.F32, 127, 300, 1000, t).scale(1, 2).exact());
                cases.add(spec(ab, ab, 65, 264, 72, t).scale(1, 1).exact());
            }
        }
        cases.add(spec(DType.BF16, DType.F32, 2048, 2048, 2048, 0).exact());
        return cases;
    }

    /** Rank 3 with b shared or per batch, alpha and beta (beta == 0: NaN in c), K == 0. */
    static List<GemmSpec> batchesAlphaBetaAndEmptyK() {
        List<GemmSpec> cases = new ArrayList<>();
        for (boolean perBatch : new boolean[] {false, true}) {
            for (int t = 0; t < 4; t++) {
                cases.add(spec(DType.BF16, DType.F32, 70, 300, 90, t).batched(3, perBatch).scale(0.75f, 0f));
                cases.add(spec(DType.F16, DType.F16, 136, 264, 64, t).batched(2, perBatch).scale(1f, 0.5f));
            }
            cases.add(spec(DType.BF16, DType.BF16, 1, 7, 129, 0).batched(7, perBatch).scale(1, -1));
        }
        for (float[] ab : new float[][] {{0, 0}, {0, 0.75f}, {2, -0.5f}, {-1.5f, 1}}) {
            cases.add(spec(DType.BF16, DType.F32, 33, 17, 65, 0).scale(ab[0], ab[1]));
            cases.add(spec(DType.F16, DType.F16, 200, 300, 40, 3).scale(ab[0], ab[1]));
        }
        cases.add(spec(DType.BF16, DType.F32, 33, 300, 0, 0));
        cases.add(spec(DType.F16, DType.F16, 7, 5, 0, 3).scale(2, 0.5f));
        cases.add(spec(DType.BF16, DType.BF16, 4, 6, 0, 1).batched(2, true).scale(1, 1));
        return cases;
    }

    @ParameterizedTest(name = "wgmma {0}")
    @MethodSource({"transposesAndDtypes", "awkwardShapes", "exactIntegers", "batchesAlphaBetaAndEmptyK"})
    void matchesTheReference(GemmSpec spec) {
        long work = (long) Math.max(1, spec.batch()) * spec.m() * spec.n() * spec.k();  // batch 0: rank 2
        assumeTrue(work <= maxMultiplyAdds(), () -> spec + " is " + work + " multiply-adds, more than "
                + maxMultiplyAdds() + " here (it runs on a GPU)");
        spec.check(device, Data.fresh());
    }

    /**
     * Operands and c as tensor views: 1 element in (2 bytes: no 16-byte cp.async, no paired
     * stores, the scalar paths on dimensions that are all multiples of 8) and 256 elements in
     * (aligned: the vector paths), every transpose.
     */
    @ParameterizedTest(name = "wgmma on views {0} elements in")
    @ValueSource(longs = {1, 256})
    void views(long pad) {
        Data data = Data.fresh();
        for (DType ab : SIXTEEN) {
            for (int t = 0; t < 4; t++) {
                spec(ab, t % 2 == 0 ? DType.F32 : ab, 136, 264, 72, t).scale(1f, 0.5f).check(device, data, Placement.offsetBy(pad));
            }
        }
    }

    /** The largest case (batch * m * n * k) this class runs: all of them on a GPU. */
    protected long maxMultiplyAdds() {
        return Long.MAX_VALUE;
    }
}
