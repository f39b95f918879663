package dev.panamax.cuda;

import dev.panamax.DType;
import dev.panamax.internal.KernelStruct;
import dev.panamax.internal.Kernels.Gemm;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * GEMM on CUDA: gemm_f32_tiled (F32 on CUDA cores) and gemm_{bf16,f16}_mma (mma.sync) of gemm.cu,
 * 128 x 128 tiles per block over (batch, tile) work items; or, opted in with
 * {@code -Dpanamax.cuda.gemm=wgmma} (read once), the sm_90a wgmma kernels of gemm_wgmma.cu with
 * 128 x 256 tiles, which run only where {@link #kernel(DType, int, boolean, boolean)} allows;
 * everywhere else, and by default, the mma.sync kernels run. Every variant takes GemmParams.
 *
 * <p>One per device; thread-safe: the mutable state is a once-only log flag and the test
 * override of the option ({@link #overrideOption}).
 */
final class CudaGemm {
    /** GemmParams of kernels/cuda/params.cuh. */
    static final StructLayout PARAMS = KernelStruct.of("GemmParams",
            JAVA_LONG.withName("a"), JAVA_LONG.withName("b"), JAVA_LONG.withName("c"),
            JAVA_LONG.withName("batch"), JAVA_LONG.withName("m"), JAVA_LONG.withName("n"), JAVA_LONG.withName("k"),
            JAVA_LONG.withName("strideB"), JAVA_FLOAT.withName("alpha"), JAVA_FLOAT.withName("beta"),
            JAVA_INT.withName("transA"), JAVA_INT.withName("transB"), JAVA_INT.withName("cF32"));
    private static final VarHandle A = KernelStruct.field(PARAMS, "a");
    private static final VarHandle B = KernelStruct.field(PARAMS, "b");
    private static final VarHandle C = KernelStruct.field(PARAMS, "c");
    private static final VarHandle BATCH = KernelStruct.field(PARAMS, "batch");
    private static final VarHandle M = KernelStruct.field(PARAMS, "m");
    private static final VarHandle N = KernelStruct.field(PARAMS, "n");
    private static final VarHandle K = KernelStruct.field(PARAMS, "k");
    private static final VarHandle STRIDE_B = KernelStruct.field(PARAMS, "strideB");
    private static final VarHandle ALPHA = KernelStruct.field(PARAMS, "alpha");
    private static final VarHandle BETA = KernelStruct.field(PARAMS, "beta");
    private static final VarHandle TRANS_A = KernelStruct.field(PARAMS, "transA");
    private static final VarHandle TRANS_B = KernelStruct.field(PARAMS, "transB");
    private static final VarHandle C_F32 = KernelStruct.field(PARAMS, "cF32");

    // gemm.cu
    static final int TILE = 128;
    static final int THREADS = 256;
    static final int MMA_SMEM = 65536;

    // gemm_wgmma.cu: 128 x 256 block tiles, 2 warpgroups, 4 stages of 48 KiB + 1 KiB to align to 1024
    static final int WGMMA_TILE_M = 128;
    static final int WGMMA_TILE_N = 256;
    static final int WGMMA_THREADS = 256;
    static final int WGMMA_SMEM = 197632;

    /** The system property that picks the 16-bit GEMM: {@code mma} (default) or {@code wgmma}. */
    static final String PROPERTY = "panamax.cuda.gemm";
    private static final String OPTION = System.getProperty(PROPERTY, "");
    private static final System.Logger LOG = System.getLogger("dev.panamax");

    private final CudaLaunchContext launches;
    private final AtomicBoolean wgmmaRefusalLogged = new AtomicBoolean();
    private volatile String optionOverride; // tests: overrideOption

    CudaGemm(CudaLaunchContext launches) {
        this.launches = launches;
    }

    /** The default GEMM kernel for a dtype (the mma.sync kernels run on every target of the fatbin, sm_80+). */
    static String kernel(DType abType) {
        return switch (abType) {
            case F32 -> "gemm_f32_tiled";
            case BF16 -> "gemm_bf16_mma";
            case F16 -> "gemm_f16_mma";
            default -> throw new IllegalArgumentException("gemm: unsupported dtype " + abType);
        };
    }

    /**
     * The GEMM kernel when the wgmma variant may be asked for: gemm_{bf16,f16}_wgmma only when it
     * was asked for ({@code wgmmaRequested}), the inputs are 16-bit, the device is compute
     * capability 9.0 exactly ({@code cc}: sm_90a code runs on nothing else) and the driver loaded
     * the sm_90a cubin ({@code sm90a}; in any other code of the fatbin the kernel traps).
     * Otherwise the default.
     */
    static String kernel(DType abType, int cc, boolean wgmmaRequested, boolean sm90a) {
        if (wgmmaRequested && wgmmaDtype(abType) && cc == 90 && sm90a) {
            return "gemm_" + CudaLaunchContext.suffix(abType) + "_wgmma";
        }
        return kernel(abType);
    }

    private static boolean wgmmaDtype(DType abType) {
        return abType == DType.BF16 || abType == DType.F16;
    }

    /** The value of {@value #PROPERTY} in force: the test override, else the property read at class load. */
    String option() {
        String o = optionOverride;
        return o != null ? o : OPTION;
    }

    /** For tests: uses {@code value} instead of the property ({@code null}: the property again); returns the previous override. */
    String overrideOption(String value) {
        String previous = optionOverride;
        optionOverride = value;
        return previous;
    }

    /** Whether the option asks for the wgmma GEMM; an unknown value is an error that names the property. */
    static boolean wgmmaRequested(String option) {
        return switch (option) {
            case "", "mma" -> false;
            case "wgmma" -> true;
            default -> throw new IllegalArgumentException("gemm: -D" + PROPERTY + " must be 'mma' or 'wgmma', got '"
                    + option + "'");
        };
    }

    /**
     * The kernel this device runs for {@code abType} under the current option. The arch probe runs
     * (once) only when wgmma is asked for on a compute capability 9.0 device; a request that cannot
     * be met is logged once and the default kernel runs.
     */
    String kernelFor(DType abType) {
        boolean requested = wgmmaRequested(option()) && wgmmaDtype(abType);
        if (!requested) {
            return kernel(abType);
        }
        CudaLauncher launcher = launches.launcher();
        int cc = launcher.computeCapability();
        boolean fits = launcher.maxSharedBytesPerBlock() >= WGMMA_SMEM;
        boolean sm90a = cc == 90 && fits && launcher.loadsSm90a();
        String kernel = kernel(abType, cc, true, sm90a);
        if (!sm90a && wgmmaRefusalLogged.compareAndSet(false, true)) {
            LOG.log(System.Logger.Level.WARNING, "Panamax: -D" + PROPERTY + "=wgmma ignored on a device of compute "
                    + "capability " + cc / 10 + "." + cc % 10 + (cc != 90 ? "" : fits ? " whose driver did not load the "
                    + "sm_90a cubin" : " with " + launcher.maxSharedBytesPerBlock() + " bytes of shared memory per block")
                    + " (the wgmma GEMM needs 9.0, the sm_90a cubin and " + WGMMA_SMEM + " bytes); running " + kernel);
        }
        return kernel;
    }

    void run(Gemm call) {
        String kernel = kernelFor(call.abType()); // first: it may launch the arch probe
        boolean wgmma = kernel.endsWith("_wgmma");
        long tiles = wgmma ? Math.ceilDiv(call.m(), WGMMA_TILE_M) * Math.ceilDiv(call.n(), WGMMA_TILE_N)
                : Math.ceilDiv(call.m(), TILE) * Math.ceilDiv(call.n(), TILE);
        int sharedBytes = wgmma ? WGMMA_SMEM : call.abType() != DType.F32 ? MMA_SMEM : 0;
        MemorySegment p = launches.params(PARAMS);
        A.set(p, 0L, launches.address(call.a()));
        B.set(p, 0L, launches.address(call.b()));
        C.set(p, 0L, launches.address(call.c()));
        BATCH.set(p, 0L, call.batch());
        M.set(p, 0L, call.m());
        N.set(p, 0L, call.n());
        K.set(p, 0L, call.k());
        STRIDE_B.set(p, 0L, call.bBatched() ? call.k() * call.n() : 0L);
        ALPHA.set(p, 0L, call.alpha());
        BETA.set(p, 0L, call.beta());
        TRANS_A.set(p, 0L, call.transA() ? 1 : 0);
        TRANS_B.set(p, 0L, call.transB() ? 1 : 0);
        C_F32.set(p, 0L, call.cType() == DType.F32 ? 1 : 0);
        launches.launch(kernel, Math.multiplyExact(call.batch(), tiles), wgmma ? WGMMA_THREADS : THREADS, sharedBytes, p);
    }

    /** Every kernel this family may launch. */
    static List<String> kernelNames() {
        List<String> names = new ArrayList<>();
        for (DType t : CudaLaunchContext.FLOATS) {
            names.add(kernel(t));
            names.add(kernel(t, 90, true, true));
        }
        return names;
    }

    /** The dynamic shared memory of each PX_SMEM-pinned variant, by its PX_SMEM name. */
    static Map<String, Integer> sharedBytesByVariant() {
        return Map.of("gemm_mma", MMA_SMEM, "gemm_wgmma", WGMMA_SMEM);
    }
}
