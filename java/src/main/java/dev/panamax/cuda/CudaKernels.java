package dev.panamax.cuda;

import dev.panamax.DType;
import dev.panamax.internal.Kernels;
import dev.panamax.internal.Memory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The CUDA kernel set: picks the variant of each op from kernels/cuda/*.cu for the shape, the dtype
 * and the device's compute capability, packs the kernel's one by-value parameter struct (layouts
 * in {@link CudaLaunchStruct} constants below, pinned against the C side by
 * {@code CudaKernelsLayoutTest}), sizes the grid, and queues it through {@link CudaLauncher}.
 *
 * <p>Every kernel loops over its work items (grid-stride), so a grid is capped at
 * {@link #MAX_GRID} blocks and never has to cover the work exactly. Thread-safe: the only mutable
 * state is a once-only log flag and two test overrides (the GEMM option, the grid cap); each
 * launch packs its parameters in its own confined arena.
 *
 * <p>{@code -Dpanamax.cuda.gemm=wgmma} (read once) opts the 16-bit GEMM in to the sm_90a wgmma
 * kernels of gemm_wgmma.cu, which run only where {@link #gemmKernel(DType, int, boolean, boolean)}
 * allows; everywhere else, and by default, the mma.sync kernels of gemm.cu run.
 */
final class CudaKernels implements Kernels {
    /** grid.x limit of every architecture the fatbin targets. */
    static final long MAX_GRID = Integer.MAX_VALUE;
    /** The grid cap in force: MAX_GRID, or a small cap a test sets so that every grid-stride loop strides. */
    private static volatile long gridCap = MAX_GRID;

    static final CudaLaunchStruct CONVERT = CudaLaunchStruct.named("ConvertParams")
            .ptr("src", "dst").i64("count").build();
    static final CudaLaunchStruct SOFTMAX = CudaLaunchStruct.named("SoftmaxParams")
            .ptr("x", "out").i64("rows", "cols").build();
    static final CudaLaunchStruct GEMM = CudaLaunchStruct.named("GemmParams")
            .ptr("a", "b", "c").i64("batch", "m", "n", "k", "strideB").f32("alpha", "beta")
            .i32("transA", "transB", "cF32").build();
    static final CudaLaunchStruct ATTENTION = CudaLaunchStruct.named("AttentionParams")
            .ptr("q", "k", "v", "out", "partialO", "partialLse").i64("batch", "hq", "hkv", "sq", "skv")
            .f32("scaleLog2").i32("d", "causal", "splits", "tilesPerSplit").build();
    static final CudaLaunchStruct GATING = CudaLaunchStruct.named("GatingParams")
            .ptr("logits", "weights", "indices").i64("tokens").i32("experts", "k", "renormalize").build();
    static final CudaLaunchStruct TOPK = CudaLaunchStruct.named("TopKParams")
            .ptr("x", "keysIn", "keysOut", "values", "indices").i64("rows", "len", "n").i32("k", "chunk").build();

    /** Every parameter layout, for the layout test. */
    static final List<CudaLaunchStruct> STRUCTS = List.of(CONVERT, SOFTMAX, GEMM, ATTENTION, GATING, TOPK);

    // gemm.cu
    static final int GEMM_TILE = 128;
    static final int GEMM_THREADS = 256;
    static final int GEMM_MMA_SMEM = 65536;

    // gemm_wgmma.cu: 128 x 256 block tiles, 2 warpgroups, 4 stages of 48 KiB + 1 KiB to align to 1024
    static final int GEMM_WGMMA_TILE_M = 128;
    static final int GEMM_WGMMA_TILE_N = 256;
    static final int GEMM_WGMMA_THREADS = 256;
    static final int GEMM_WGMMA_SMEM = 197632;

    /** The system property that picks the 16-bit GEMM: {@code mma} (default) or {@code wgmma}. */
    static final String GEMM_PROPERTY = "panamax.cuda.gemm";
    private static final String GEMM_OPTION = System.getProperty(GEMM_PROPERTY, "");
    private static volatile String gemmOptionOverride; // tests: overrideGemmOption
    private static final System.Logger LOG = System.getLogger("dev.panamax");

    // softmax.cu: register variants hold 32 values per thread
    static final int SOFTMAX_WARP_MAX_COLS = 32 * 32;
    static final int SOFTMAX_BLOCK_THREADS = 128;
    static final int SOFTMAX_BLOCK_MAX_COLS = SOFTMAX_BLOCK_THREADS * 32;
    static final int SOFTMAX_WIDE_THREADS = 512;
    static final int SOFTMAX_WIDE_MAX_COLS = SOFTMAX_WIDE_THREADS * 32;

    // attention.cu
    static final int ATTENTION_THREADS = 128;
    static final int ATTENTION_COMBINE_THREADS = 128;
    private static final double LOG2_E = 1.4426950408889634;

    // topk.cu
    static final int GATING_THREADS = 128;
    static final int TOPK_MAX_CHUNK = 4096;
    static final int TOPK_MIN_CHUNK = 64;

    private final CudaLauncher launcher;
    private final AtomicBoolean wgmmaRefusalLogged = new AtomicBoolean();

    CudaKernels(CudaLauncher launcher) {
        this.launcher = launcher;
    }

    // ---------------------------------------------------------------- GEMM

    /** The default GEMM kernel for a dtype on a device of compute capability {@code cc}. */
    static String gemmKernel(DType abType, int cc) {
        return switch (abType) {
            case F32 -> "gemm_f32_tiled";
            case BF16 -> "gemm_bf16_mma";  // sm_80+
            case F16 -> "gemm_f16_mma";
            default -> throw new IllegalArgumentException("gemm: unsupported dtype " + abType);
        };
    }

    /**
     * The GEMM kernel when the wgmma variant may be asked for: gemm_{bf16,f16}_wgmma only when it
     * was asked for ({@code wgmmaRequested}), the inputs are 16-bit, the device is compute
     * capability 9.0 exactly (sm_90a code runs on nothing else) and the driver loaded the sm_90a
     * cubin ({@code sm90a}; in any other code of the fatbin the kernel traps). Otherwise the default.
     */
    static String gemmKernel(DType abType, int cc, boolean wgmmaRequested, boolean sm90a) {
        if (wgmmaRequested && wgmmaDtype(abType) && cc == 90 && sm90a) {
            return "gemm_" + suffix(abType) + "_wgmma";
        }
        return gemmKernel(abType, cc);
    }

    private static boolean wgmmaDtype(DType abType) {
        return abType == DType.BF16 || abType == DType.F16;
    }

    /** The value of {@value #GEMM_PROPERTY} in force: the test override, else the property read at class load. */
    static String gemmOption() {
        String o = gemmOptionOverride;
        return o != null ? o : GEMM_OPTION;
    }

    /** For tests: caps every grid at {@code cap} blocks (MAX_GRID restores it); returns the previous cap. */
    static long capGrid(long cap) {
        if (cap < 1 || cap > MAX_GRID) {
            throw new IllegalArgumentException("grid cap " + cap + " outside [1, " + MAX_GRID + "]");
        }
        long previous = gridCap;
        gridCap = cap;
        return previous;
    }

    /** For tests: uses {@code value} instead of the property ({@code null}: the property again); returns the previous override. */
    static String overrideGemmOption(String value) {
        String previous = gemmOptionOverride;
        gemmOptionOverride = value;
        return previous;
    }

    /** Whether the option asks for the wgmma GEMM; an unknown value is an error that names the property. */
    static boolean wgmmaRequested(String option) {
        return switch (option) {
            case "", "mma" -> false;
            case "wgmma" -> true;
            default -> throw new IllegalArgumentException("gemm: -D" + GEMM_PROPERTY + " must be 'mma' or 'wgmma', got '"
                    + option + "'");
        };
    }

    /**
     * The kernel this device runs for {@code abType} under the current option. The arch probe runs
     * (once) only when wgmma is asked for on a compute capability 9.0 device; a request that cannot
     * be met is logged once and the default kernel runs.
     */
    String gemmKernelFor(DType abType) {
        int cc = launcher.computeCapability();
        boolean requested = wgmmaRequested(gemmOption()) && wgmmaDtype(abType);
        if (!requested) {
            return gemmKernel(abType, cc);
        }
        boolean fits = launcher.maxSharedBytesPerBlock() >= GEMM_WGMMA_SMEM;
        boolean sm90a = cc == 90 && fits && launcher.loadsSm90a();
        String kernel = gemmKernel(abType, cc, true, sm90a);
        if (!sm90a && wgmmaRefusalLogged.compareAndSet(false, true)) {
            LOG.log(System.Logger.Level.WARNING, "Panamax: -D" + GEMM_PROPERTY + "=wgmma ignored on a device of compute "
                    + "capability " + cc / 10 + "." + cc % 10 + (cc != 90 ? "" : fits ? " whose driver did not load the "
                    + "sm_90a cubin" : " with " + launcher.maxSharedBytesPerBlock() + " bytes of shared memory per block")
                    + " (the wgmma GEMM needs 9.0, the sm_90a cubin and " + GEMM_WGMMA_SMEM + " bytes); running " + kernel);
        }
        return kernel;
    }

    @Override
    public void gemm(Gemm call) {
        String kernel = gemmKernelFor(call.abType());
        if (kernel.endsWith("_wgmma")) {
            long tiles = ceilDiv(call.m(), GEMM_WGMMA_TILE_M) * ceilDiv(call.n(), GEMM_WGMMA_TILE_N);
            launchGemm(kernel, call, Math.multiplyExact(call.batch(), tiles), GEMM_WGMMA_THREADS, GEMM_WGMMA_SMEM);
            return;
        }
        boolean mma = call.abType() != DType.F32;
        long tiles = ceilDiv(call.m(), GEMM_TILE) * ceilDiv(call.n(), GEMM_TILE);
        launchGemm(kernel, call, Math.multiplyExact(call.batch(), tiles), GEMM_THREADS, mma ? GEMM_MMA_SMEM : 0);
    }

    /** Packs the one GemmParams struct every GEMM kernel takes and launches {@code blocks} blocks. */
    private void launchGemm(String kernel, Gemm call, long blocks, int threads, int sharedBytes) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment params = GEMM.pack(arena)
                    .ptr("a", launcher.address(call.a()))
                    .ptr("b", launcher.address(call.b()))
                    .ptr("c", launcher.address(call.c()))
                    .i64("batch", call.batch()).i64("m", call.m()).i64("n", call.n()).i64("k", call.k())
                    .i64("strideB", call.bBatched() ? call.k() * call.n() : 0)
                    .f32("alpha", call.alpha()).f32("beta", call.beta())
                    .i32("transA", call.transA()).i32("transB", call.transB())
                    .i32("cF32", call.cType() == DType.F32)
                    .segment();
            launch1d(kernel, blocks, threads, sharedBytes, params);
        }
    }

    // ---------------------------------------------------------------- softmax

    /** softmax_row_warp / _block / _block_wide / _online by row length. */
    static String softmaxKernel(DType dtype, long cols) {
        String variant = cols <= SOFTMAX_WARP_MAX_COLS ? "warp" : cols <= SOFTMAX_BLOCK_MAX_COLS ? "block"
                : cols <= SOFTMAX_WIDE_MAX_COLS ? "block_wide" : "online";
        return "softmax_row_" + variant + "_" + suffix(dtype);
    }

    @Override
    public void softmax(Softmax call) {
        String kernel = softmaxKernel(call.dtype(), call.cols());
        long blocks;
        int threads;
        if (call.cols() <= SOFTMAX_WARP_MAX_COLS) {
            threads = 256;  // 8 rows per block
            blocks = ceilDiv(call.rows(), 8);
        } else {
            threads = call.cols() <= SOFTMAX_BLOCK_MAX_COLS ? SOFTMAX_BLOCK_THREADS
                    : call.cols() <= SOFTMAX_WIDE_MAX_COLS ? SOFTMAX_WIDE_THREADS : 1024;
            blocks = call.rows();
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment params = SOFTMAX.pack(arena)
                    .ptr("x", launcher.address(call.x())).ptr("out", launcher.address(call.out()))
                    .i64("rows", call.rows()).i64("cols", call.cols())
                    .segment();
            launch1d(kernel, blocks, threads, 0, params);
        }
    }

    // ---------------------------------------------------------------- attention

    /** The head dimension a variant pads D to: 64, 128 or 256. */
    static int attentionPaddedD(int d) {
        return d <= 64 ? 64 : d <= 128 ? 128 : 256;
    }

    static String attentionKernel(DType dtype, int d) {
        int dp = attentionPaddedD(d);
        return switch (dtype) {
            case F32 -> "attention_f32_tiled_d" + dp;
            case BF16, F16 -> "attention_" + suffix(dtype) + "_mma_d" + dp;
            default -> throw new IllegalArgumentException("attention: unsupported dtype " + dtype);
        };
    }

    /** Rows (packed query rows) per block of a variant. */
    static int attentionBlockRows(DType dtype) {
        return dtype == DType.F32 ? 32 : 64;
    }

    /** Keys per tile of a variant. */
    static int attentionBlockKeys(DType dtype, int d) {
        return dtype == DType.F32 ? 32 : attentionPaddedD(d) == 256 ? 32 : 64;
    }

    /** Dynamic shared memory of a variant (the PX_SMEM lines of attention.cu). */
    static int attentionSharedBytes(DType dtype, int d) {
        int dp = attentionPaddedD(d);
        if (dtype == DType.F32) {
            return (32 * dp + 32 * (dp + 4) + 32 * dp) * 4;  // Q, padded K, V tiles
        }
        return (64 * dp + 2 * 2 * attentionBlockKeys(dtype, d) * dp) * 2;  // Q + 2 stages of K and V
    }

    /**
     * Split-KV factor: when the row blocks alone leave multiprocessors idle (decode, small Sq),
     * each one's key tiles are shared out so that all blocks together fill about one wave of two
     * resident blocks per multiprocessor (rounded down: a partial second wave would idle most of
     * the GPU while it runs), keeping at least 4 tiles per split so that the partials stay small
     * next to K and V.
     */
    static int attentionSplits(long blocks, long keyTiles, int multiprocessors) {
        if (blocks >= multiprocessors || keyTiles < 8) {
            return 1;
        }
        long wanted = 2L * multiprocessors / blocks;
        return (int) Math.max(1, Math.min(Math.min(wanted, keyTiles / 4), 64));
    }

    @Override
    public void attention(Attention call) {
        DType dtype = call.dtype();
        int d = call.d();
        String kernel = attentionKernel(dtype, d);
        int bm = attentionBlockRows(dtype), bn = attentionBlockKeys(dtype, d);
        long group = call.hq() / call.hkv();
        long rowBlocks = Math.multiplyExact(call.batch() * call.hkv(), ceilDiv(call.sq() * group, bm));
        long keyTiles = ceilDiv(call.skv(), bn);
        int splits = attentionSplits(rowBlocks, keyTiles, launcher.multiprocessorCount());
        int tilesPerSplit = (int) Math.min(Integer.MAX_VALUE, ceilDiv(keyTiles, splits));
        if (splits > 1) {
            splits = (int) ceilDiv(keyTiles, tilesPerSplit);
        }
        long rows = call.batch() * call.hq() * call.sq();
        Memory scratch = null;
        try (Arena arena = Arena.ofConfined()) {
            long partialO = 0, partialLse = 0;
            if (splits > 1) {
                long oBytes = alignUp(Math.multiplyExact((long) splits * rows, (long) d * 4), 256);
                scratch = launcher.allocateScratch(oBytes + (long) splits * rows * 4);
                partialO = launcher.address(scratch);
                partialLse = partialO + oBytes;
            }
            MemorySegment params = ATTENTION.pack(arena)
                    .ptr("q", launcher.address(call.q())).ptr("k", launcher.address(call.k()))
                    .ptr("v", launcher.address(call.v())).ptr("out", launcher.address(call.out()))
                    .ptr("partialO", partialO).ptr("partialLse", partialLse)
                    .i64("batch", call.batch()).i64("hq", call.hq()).i64("hkv", call.hkv())
                    .i64("sq", call.sq()).i64("skv", call.skv())
                    .f32("scaleLog2", (float) (call.scale() * LOG2_E))
                    .i32("d", d).i32("causal", call.causal())
                    .i32("splits", splits).i32("tilesPerSplit", tilesPerSplit)
                    .segment();
            launch1d(kernel, Math.multiplyExact(rowBlocks, splits), ATTENTION_THREADS,
                    attentionSharedBytes(dtype, d), params);
            if (splits > 1) {
                launch1d("attention_combine_" + suffix(dtype), ceilDiv(rows, ATTENTION_COMBINE_THREADS / 32),
                        ATTENTION_COMBINE_THREADS, 0, params);
            }
        } finally {
            if (scratch != null) {
                launcher.freeScratch(scratch);  // stream-ordered: after the launches that use it
            }
        }
    }

    // ---------------------------------------------------------------- top-K gating

    static String gatingKernel(DType dtype, int experts) {
        String variant = experts <= 128 ? "warp_e128" : experts <= 256 ? "warp_e256"
                : experts <= 1024 ? "warp_e1024" : "block_e4096";
        return "topk_gating_" + variant + "_" + suffix(dtype);
    }

    @Override
    public void topKGating(Gating call) {
        String kernel = gatingKernel(call.dtype(), call.experts());
        long blocks = call.experts() <= 1024 ? ceilDiv(call.tokens(), GATING_THREADS / 32) : call.tokens();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment params = GATING.pack(arena)
                    .ptr("logits", launcher.address(call.logits()))
                    .ptr("weights", launcher.address(call.weights()))
                    .ptr("indices", launcher.address(call.indices()))
                    .i64("tokens", call.tokens()).i32("experts", call.experts()).i32("k", call.k())
                    .i32("renormalize", call.renormalize())
                    .segment();
            launch1d(kernel, blocks, GATING_THREADS, 0, params);
        }
    }

    // ---------------------------------------------------------------- general top-K

    /** Keys per block for a pass over rows of {@code len} keys: the row when it fits, else 4096. */
    static int topKChunk(long len) {
        if (len >= TOPK_MAX_CHUNK) {
            return TOPK_MAX_CHUNK;
        }
        return Math.max(TOPK_MIN_CHUNK, Integer.highestOneBit((int) len - 1) << 1);
    }

    @Override
    public void topK(TopK call) {
        String suffix = suffix(call.dtype());
        long rows = call.rows(), n = call.n();
        int k = call.k();
        long x = launcher.address(call.x());
        long values = launcher.address(call.values()), indices = launcher.address(call.indices());
        Memory keysIn = null;
        try {
            long len = n;
            boolean first = true;
            while (true) {
                int chunk = topKChunk(len);
                long chunks = ceilDiv(len, chunk);
                Memory keysOut = chunks > 1 ? launcher.allocateScratch(Math.multiplyExact(rows * chunks, (long) k * 8)) : null;
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment params = TOPK.pack(arena)
                            .ptr("x", x)
                            .ptr("keysIn", keysIn == null ? 0 : launcher.address(keysIn))
                            .ptr("keysOut", keysOut == null ? 0 : launcher.address(keysOut))
                            .ptr("values", values).ptr("indices", indices)
                            .i64("rows", rows).i64("len", len).i64("n", n).i32("k", k).i32("chunk", chunk)
                            .segment();
                    launch1d((first ? "topk_chunk_" : "topk_merge_") + suffix, Math.multiplyExact(rows, chunks),
                            Math.min(chunk / 2, 1024), chunk * 8, params);
                } catch (RuntimeException e) {
                    if (keysOut != null) {
                        launcher.freeScratch(keysOut);
                    }
                    throw e;
                }
                if (keysIn != null) {
                    launcher.freeScratch(keysIn);
                }
                keysIn = keysOut;
                if (chunks == 1) {
                    return;
                }
                len = chunks * k;  // < len: chunk >= 2k whenever a row spans several chunks
                first = false;
            }
        } finally {
            if (keysIn != null) {
                launcher.freeScratch(keysIn);
            }
        }
    }

    // ---------------------------------------------------------------- convert

    static String convertKernel(DType from, DType to) {
        return from == to ? "convert_copy" : "convert_" + suffix(from) + "_" + suffix(to);
    }

    @Override
    public void convert(Memory src, DType from, Memory dst, DType to, long count) {
        if (count == 0) {
            return;
        }
        long elements = from == to ? count * from.byteSize() : count;  // convert_copy counts bytes
        long groups = ceilDiv(elements, from == to ? 16 : 8);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment params = CONVERT.pack(arena)
                    .ptr("src", launcher.address(src)).ptr("dst", launcher.address(dst)).i64("count", elements)
                    .segment();
            launch1d(convertKernel(from, to), ceilDiv(groups, 256), 256, 0, params);
        }
    }

    // ---------------------------------------------------------------- helpers

    /**
     * Every kernel this class may launch, by op (for the test that checks each is defined in
     * kernels/cuda).
     */
    static Map<String, List<String>> kernelNames() {
        List<DType> floats = List.of(DType.F32, DType.F16, DType.BF16);
        java.util.List<String> gemm = new java.util.ArrayList<>(), softmax = new java.util.ArrayList<>(),
                attention = new java.util.ArrayList<>(), gating = new java.util.ArrayList<>(),
                topK = new java.util.ArrayList<>(), convert = new java.util.ArrayList<>();
        for (DType t : floats) {
            gemm.add(gemmKernel(t, 90));
            gemm.add(gemmKernel(t, 90, true, true));
            for (long cols : new long[] {1, SOFTMAX_WARP_MAX_COLS + 1, SOFTMAX_BLOCK_MAX_COLS + 1,
                    SOFTMAX_WIDE_MAX_COLS + 1}) {
                softmax.add(softmaxKernel(t, cols));
            }
            for (int d : new int[] {64, 128, 256}) {
                attention.add(attentionKernel(t, d));
            }
            attention.add("attention_combine_" + suffix(t));
            for (int e : new int[] {128, 256, 1024, 4096}) {
                gating.add(gatingKernel(t, e));
            }
            topK.add("topk_chunk_" + suffix(t));
            topK.add("topk_merge_" + suffix(t));
            for (DType to : floats) {
                convert.add(convertKernel(t, to));
            }
        }
        return Map.of("gemm", gemm, "softmax", softmax, "attention", attention, "gating", gating, "topK", topK,
                "convert", convert);
    }

    /** The dynamic shared memory CudaKernels launches each PX_SMEM-pinned configuration with. */
    static Map<String, Integer> sharedBytes() {
        return Map.of(
                "gemm_mma", GEMM_MMA_SMEM,
                "gemm_wgmma", GEMM_WGMMA_SMEM,
                "attention_mma_d64", attentionSharedBytes(DType.BF16, 64),
                "attention_mma_d128", attentionSharedBytes(DType.BF16, 128),
                "attention_mma_d256", attentionSharedBytes(DType.BF16, 256),
                "attention_f32_tiled_d64", attentionSharedBytes(DType.F32, 64),
                "attention_f32_tiled_d128", attentionSharedBytes(DType.F32, 128),
                "attention_f32_tiled_d256", attentionSharedBytes(DType.F32, 256));
    }

    private void launch1d(String kernel, long blocks, int threads, int sharedBytes, MemorySegment params) {
        if (blocks <= 0) {
            return;
        }
        launcher.launch(kernel, Math.min(blocks, gridCap), 1, 1, threads, 1, 1, sharedBytes, params);
    }

    static String suffix(DType dtype) {
        return switch (dtype) {
            case F32 -> "f32";
            case F16 -> "f16";
            case BF16 -> "bf16";
            default -> throw new IllegalArgumentException("not a floating-point dtype: " + dtype);
        };
    }

    static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    private static long alignUp(long value, long alignment) {
        return ceilDiv(value, alignment) * alignment;
    }
}
