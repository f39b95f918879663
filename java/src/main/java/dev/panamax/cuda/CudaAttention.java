package dev.panamax.cuda;

import dev.panamax.DType;
import dev.panamax.internal.KernelStruct;
import dev.panamax.internal.Kernels.Attention;
import dev.panamax.internal.Memory;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Flash attention on CUDA (attention.cu): attention_{bf16,f16}_mma_d{64,128,256} on tensor cores
 * and attention_f32_tiled_d{64,128,256} on CUDA cores, the head dimension padded to the variant's;
 * when the row blocks alone leave multiprocessors idle (decode), the key tiles are split over
 * more blocks that write F32 partials to scratch, which attention_combine_* merges. Both launches
 * take the same AttentionParams. kvLengths, when given, is a device pointer in the struct (0
 * otherwise): the kernels read and clamp L_b themselves, and the grid and the split factor depend
 * on Skv only. Stateless past its device's launch context.
 */
final class CudaAttention {
    /** AttentionParams of kernels/cuda/params.cuh. */
    static final StructLayout PARAMS = KernelStruct.of("AttentionParams",
            JAVA_LONG.withName("q"), JAVA_LONG.withName("k"), JAVA_LONG.withName("v"), JAVA_LONG.withName("out"),
            JAVA_LONG.withName("partialO"), JAVA_LONG.withName("partialLse"), JAVA_LONG.withName("kvLengths"),
            JAVA_LONG.withName("batch"), JAVA_LONG.withName("hq"), JAVA_LONG.withName("hkv"),
            JAVA_LONG.withName("sq"), JAVA_LONG.withName("skv"),
            JAVA_FLOAT.withName("scaleLog2"), JAVA_INT.withName("d"), JAVA_INT.withName("causal"),
            JAVA_INT.withName("splits"));
    private static final VarHandle Q = KernelStruct.field(PARAMS, "q");
    private static final VarHandle K = KernelStruct.field(PARAMS, "k");
    private static final VarHandle V = KernelStruct.field(PARAMS, "v");
    private static final VarHandle OUT = KernelStruct.field(PARAMS, "out");
    private static final VarHandle PARTIAL_O = KernelStruct.field(PARAMS, "partialO");
    private static final VarHandle PARTIAL_LSE = KernelStruct.field(PARAMS, "partialLse");
    private static final VarHandle KV_LENGTHS = KernelStruct.field(PARAMS, "kvLengths");
    private static final VarHandle BATCH = KernelStruct.field(PARAMS, "batch");
    private static final VarHandle HQ = KernelStruct.field(PARAMS, "hq");
    private static final VarHandle HKV = KernelStruct.field(PARAMS, "hkv");
    private static final VarHandle SQ = KernelStruct.field(PARAMS, "sq");
    private static final VarHandle SKV = KernelStruct.field(PARAMS, "skv");
    private static final VarHandle SCALE_LOG2 = KernelStruct.field(PARAMS, "scaleLog2");
    private static final VarHandle D = KernelStruct.field(PARAMS, "d");
    private static final VarHandle CAUSAL = KernelStruct.field(PARAMS, "causal");
    private static final VarHandle SPLITS = KernelStruct.field(PARAMS, "splits");

    // attention.cu
    static final int THREADS = 128;
    static final int COMBINE_THREADS = 128;  // a warp per output row
    private static final double LOG2_E = 1.4426950408889634;

    private final CudaLaunchContext launches;

    CudaAttention(CudaLaunchContext launches) {
        this.launches = launches;
    }

    /** The head dimension a variant pads D to: 64, 128 or 256. */
    static int paddedD(int d) {
        return d <= 64 ? 64 : d <= 128 ? 128 : 256;
    }

    static String kernel(DType dtype, int d) {
        int dp = paddedD(d);
        return switch (dtype) {
            case F32 -> "attention_f32_tiled_d" + dp;
            case BF16, F16 -> "attention_" + CudaLaunchContext.suffix(dtype) + "_mma_d" + dp;
            default -> throw new IllegalArgumentException("attention: unsupported dtype " + dtype);
        };
    }

    /** Rows (packed query rows) per block of a variant. */
    static int blockRows(DType dtype) {
        return dtype == DType.F32 ? 32 : 64;
    }

    /** Keys per tile of a variant. */
    static int blockKeys(DType dtype, int d) {
        return dtype == DType.F32 ? 32 : paddedD(d) == 256 ? 32 : 64;
    }

    /** Dynamic shared memory of a variant (the PX_SMEM lines of attention.cu). */
    static int sharedBytes(DType dtype, int d) {
        int dp = paddedD(d);
        if (dtype == DType.F32) {
            return (32 * dp + 32 * (dp + 4) + 32 * dp) * 4;  // Q, padded K, V tiles
        }
        return (64 * dp + 2 * 2 * blockKeys(dtype, d) * dp) * 2;  // Q + 2 stages of K and V
    }

    /**
     * Split-KV factor: when the row blocks alone leave multiprocessors idle (decode, small Sq),
     * each one's key tiles are shared out so that all blocks together fill about one wave of two
     * resident blocks per multiprocessor (rounded down: a partial second wave would idle most of
     * the GPU while it runs), keeping at least 4 tiles per split so that the partials stay small
     * next to K and V. Sized on Skv: the kernels share out the tiles below each batch's length.
     */
    static int splits(long blocks, long keyTiles, int multiprocessors) {
        if (blocks >= multiprocessors || keyTiles < 8) {
            return 1;
        }
        long wanted = 2L * multiprocessors / blocks;
        return (int) Math.max(1, Math.min(Math.min(wanted, keyTiles / 4), 64));
    }

    void run(Attention call) {
        DType dtype = call.dtype();
        int d = call.d();
        long group = call.hq() / call.hkv();
        long rowBlocks = Math.multiplyExact(call.batch() * call.hkv(), Math.ceilDiv(call.sq() * group, blockRows(dtype)));
        long keyTiles = Math.ceilDiv(call.skv(), blockKeys(dtype, d));
        int splits = splits(rowBlocks, keyTiles, launches.launcher().multiprocessorCount());
        long rows = call.batch() * call.hq() * call.sq();
        Memory scratch = null;
        try {
            long partialO = 0, partialLse = 0;
            if (splits > 1) {
                long oBytes = Math.ceilDiv(Math.multiplyExact((long) splits * rows, (long) d * 4), 256) * 256;
                scratch = launches.launcher().allocateScratch(oBytes + (long) splits * rows * 4);
                partialO = launches.address(scratch);
                partialLse = partialO + oBytes;
            }
            // Filled once for both launches: nothing between them asks for another struct.
            MemorySegment p = launches.params(PARAMS);
            Q.set(p, 0L, launches.address(call.q()));
            K.set(p, 0L, launches.address(call.k()));
            V.set(p, 0L, launches.address(call.v()));
            OUT.set(p, 0L, launches.address(call.out()));
            PARTIAL_O.set(p, 0L, partialO);
            PARTIAL_LSE.set(p, 0L, partialLse);
            KV_LENGTHS.set(p, 0L, call.kvLengths() == null ? 0L : launches.address(call.kvLengths()));
            BATCH.set(p, 0L, call.batch());
            HQ.set(p, 0L, call.hq());
            HKV.set(p, 0L, call.hkv());
            SQ.set(p, 0L, call.sq());
            SKV.set(p, 0L, call.skv());
            SCALE_LOG2.set(p, 0L, (float) (call.scale() * LOG2_E));
            D.set(p, 0L, d);
            CAUSAL.set(p, 0L, call.causal() ? 1 : 0);
            SPLITS.set(p, 0L, splits);
            launches.launch(kernel(dtype, d), Math.multiplyExact(rowBlocks, splits), THREADS, sharedBytes(dtype, d), p);
            if (splits > 1) {
                launches.launch("attention_combine_" + CudaLaunchContext.suffix(dtype),
                        Math.ceilDiv(rows, COMBINE_THREADS / 32), COMBINE_THREADS, 0, p);
            }
        } finally {
            if (scratch != null) {
                launches.launcher().freeScratch(scratch);  // stream-ordered: after the launches that use it
            }
        }
    }

    /** Every kernel this family may launch. */
    static List<String> kernelNames() {
        List<String> names = new ArrayList<>();
        for (DType t : CudaLaunchContext.FLOATS) {
            for (int d : new int[] {64, 128, 256}) {
                names.add(kernel(t, d));
            }
            names.add("attention_combine_" + CudaLaunchContext.suffix(t));
        }
        return names;
    }

    /** The dynamic shared memory of each PX_SMEM-pinned variant, by its PX_SMEM name. */
    static Map<String, Integer> sharedBytesByVariant() {
        return Map.of(
                "attention_mma_d64", sharedBytes(DType.BF16, 64),
                "attention_mma_d128", sharedBytes(DType.BF16, 128),
                "attention_mma_d256", sharedBytes(DType.BF16, 256),
                "attention_f32_tiled_d64", sharedBytes(DType.F32, 64),
                "attention_f32_tiled_d128", sharedBytes(DType.F32, 128),
                "attention_f32_tiled_d256", sharedBytes(DType.F32, 256));
    }
}
