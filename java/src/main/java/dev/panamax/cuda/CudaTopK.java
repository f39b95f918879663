package dev.panamax.cuda;

import dev.panamax.DType;
import dev.panamax.internal.KernelStruct;
import dev.panamax.internal.Kernels.Gating;
import dev.panamax.internal.Kernels.TopK;
import dev.panamax.internal.Memory;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Top-K on CUDA (topk.cu). MoE gating: topk_gating_warp_e{128,256,1024} (a warp per token) and
 * topk_gating_block_e4096 (a 128-thread block per token) by the number of experts, taking
 * GatingParams. General top-K: topk_chunk sorts chunks of each row and keeps k keys per chunk;
 * rows longer than one chunk go through topk_merge passes over the kept keys (in scratch) until
 * one chunk holds a row; every pass takes TopKParams. Stateless past its device's launch context.
 */
final class CudaTopK {
    /** GatingParams of kernels/cuda/params.cuh. */
    static final StructLayout GATING_PARAMS = KernelStruct.of("GatingParams",
            JAVA_LONG.withName("logits"), JAVA_LONG.withName("weights"), JAVA_LONG.withName("indices"),
            JAVA_LONG.withName("tokens"), JAVA_INT.withName("experts"), JAVA_INT.withName("k"),
            JAVA_INT.withName("renormalize"));
    private static final VarHandle G_LOGITS = KernelStruct.field(GATING_PARAMS, "logits");
    private static final VarHandle G_WEIGHTS = KernelStruct.field(GATING_PARAMS, "weights");
    private static final VarHandle G_INDICES = KernelStruct.field(GATING_PARAMS, "indices");
    private static final VarHandle G_TOKENS = KernelStruct.field(GATING_PARAMS, "tokens");
    private static final VarHandle G_EXPERTS = KernelStruct.field(GATING_PARAMS, "experts");
    private static final VarHandle G_K = KernelStruct.field(GATING_PARAMS, "k");
    private static final VarHandle G_RENORMALIZE = KernelStruct.field(GATING_PARAMS, "renormalize");

    /** TopKParams of kernels/cuda/params.cuh. */
    static final StructLayout TOPK_PARAMS = KernelStruct.of("TopKParams",
            JAVA_LONG.withName("x"), JAVA_LONG.withName("keysIn"), JAVA_LONG.withName("keysOut"),
            JAVA_LONG.withName("values"), JAVA_LONG.withName("indices"),
            JAVA_LONG.withName("rows"), JAVA_LONG.withName("len"), JAVA_LONG.withName("n"),
            JAVA_INT.withName("k"), JAVA_INT.withName("chunk"));
    private static final VarHandle T_X = KernelStruct.field(TOPK_PARAMS, "x");
    private static final VarHandle T_KEYS_IN = KernelStruct.field(TOPK_PARAMS, "keysIn");
    private static final VarHandle T_KEYS_OUT = KernelStruct.field(TOPK_PARAMS, "keysOut");
    private static final VarHandle T_VALUES = KernelStruct.field(TOPK_PARAMS, "values");
    private static final VarHandle T_INDICES = KernelStruct.field(TOPK_PARAMS, "indices");
    private static final VarHandle T_ROWS = KernelStruct.field(TOPK_PARAMS, "rows");
    private static final VarHandle T_LEN = KernelStruct.field(TOPK_PARAMS, "len");
    private static final VarHandle T_N = KernelStruct.field(TOPK_PARAMS, "n");
    private static final VarHandle T_K = KernelStruct.field(TOPK_PARAMS, "k");
    private static final VarHandle T_CHUNK = KernelStruct.field(TOPK_PARAMS, "chunk");

    // topk.cu
    static final int GATING_THREADS = 128;
    static final int MAX_CHUNK = 4096;
    static final int MIN_CHUNK = 64;

    private final CudaLaunchContext launches;

    CudaTopK(CudaLaunchContext launches) {
        this.launches = launches;
    }

    // ---------------------------------------------------------------- gating

    static String gatingKernel(DType dtype, int experts) {
        String variant = experts <= 128 ? "warp_e128" : experts <= 256 ? "warp_e256"
                : experts <= 1024 ? "warp_e1024" : "block_e4096";
        return "topk_gating_" + variant + "_" + CudaLaunchContext.suffix(dtype);
    }

    void gating(Gating call) {
        long blocks = call.experts() <= 1024 ? Math.ceilDiv(call.tokens(), GATING_THREADS / 32) : call.tokens();
        MemorySegment p = launches.params(GATING_PARAMS);
        G_LOGITS.set(p, 0L, launches.address(call.logits()));
        G_WEIGHTS.set(p, 0L, launches.address(call.weights()));
        G_INDICES.set(p, 0L, launches.address(call.indices()));
        G_TOKENS.set(p, 0L, call.tokens());
        G_EXPERTS.set(p, 0L, call.experts());
        G_K.set(p, 0L, call.k());
        G_RENORMALIZE.set(p, 0L, call.renormalize() ? 1 : 0);
        launches.launch(gatingKernel(call.dtype(), call.experts()), blocks, GATING_THREADS, 0, p);
    }

    // ---------------------------------------------------------------- general top-K

    /** Keys per block for a pass over rows of {@code len} keys: the row when it fits, else 4096. */
    static int chunk(long len) {
        if (len >= MAX_CHUNK) {
            return MAX_CHUNK;
        }
        return Math.max(MIN_CHUNK, Integer.highestOneBit((int) len - 1) << 1);
    }

    void topK(TopK call) {
        String suffix = CudaLaunchContext.suffix(call.dtype());
        long rows = call.rows(), n = call.n();
        int k = call.k();
        CudaLauncher launcher = launches.launcher();
        Memory keysIn = null;
        try {
            long len = n;
            boolean first = true;
            while (true) {
                int chunk = chunk(len);
                long chunks = Math.ceilDiv(len, chunk);
                Memory keysOut = chunks > 1 ? launcher.allocateScratch(Math.multiplyExact(rows * chunks, (long) k * 8)) : null;
                try {
                    // Each pass fills the struct afresh after its scratch is allocated, then launches it.
                    MemorySegment p = launches.params(TOPK_PARAMS);
                    T_X.set(p, 0L, launches.address(call.x()));
                    T_KEYS_IN.set(p, 0L, keysIn == null ? 0L : launches.address(keysIn));
                    T_KEYS_OUT.set(p, 0L, keysOut == null ? 0L : launches.address(keysOut));
                    T_VALUES.set(p, 0L, launches.address(call.values()));
                    T_INDICES.set(p, 0L, launches.address(call.indices()));
                    T_ROWS.set(p, 0L, rows);
                    T_LEN.set(p, 0L, len);
                    T_N.set(p, 0L, n);
                    T_K.set(p, 0L, k);
                    T_CHUNK.set(p, 0L, chunk);
                    launches.launch((first ? "topk_chunk_" : "topk_merge_") + suffix, Math.multiplyExact(rows, chunks),
                            Math.min(chunk / 2, 1024), chunk * 8, p);
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

    /** Every kernel this family may launch: gating first, then the top-K passes. */
    static List<String> kernelNames() {
        List<String> names = new ArrayList<>();
        for (DType t : CudaLaunchContext.FLOATS) {
            for (int e : new int[] {128, 256, 1024, 4096}) {
                names.add(gatingKernel(t, e));
            }
            names.add("topk_chunk_" + CudaLaunchContext.suffix(t));
            names.add("topk_merge_" + CudaLaunchContext.suffix(t));
        }
        return names;
    }
}
