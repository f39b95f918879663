package dev.panamax.opencl;

import dev.panamax.internal.GpuWork;
import dev.panamax.internal.Kernels.Gating;
import dev.panamax.internal.Kernels.TopK;
import dev.panamax.internal.KernelStruct;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/** Top-K gating and top-K on OpenCL (topk.cl). */
final class ClTopK {
    /** Rows up to this long are sorted whole in local memory (BITONIC_SIZE in topk.cl). */
    static final int BITONIC_SIZE = 2048;

    /** GatingParams of kernels/opencl/params.h (topk_gating). */
    static final StructLayout GATING_PARAMS = KernelStruct.of("GatingParams",
            JAVA_LONG.withName("tokens"), JAVA_INT.withName("experts"), JAVA_INT.withName("k"),
            JAVA_INT.withName("threads_per_token"), JAVA_INT.withName("renormalize"));
    private static final VarHandle TOKENS = KernelStruct.field(GATING_PARAMS, "tokens");
    private static final VarHandle EXPERTS = KernelStruct.field(GATING_PARAMS, "experts");
    private static final VarHandle GATING_K = KernelStruct.field(GATING_PARAMS, "k");
    private static final VarHandle THREADS_PER_TOKEN = KernelStruct.field(GATING_PARAMS, "threads_per_token");
    private static final VarHandle RENORMALIZE = KernelStruct.field(GATING_PARAMS, "renormalize");

    /** TopKParams of kernels/opencl/params.h (topk_rows_bitonic, topk_rows_radix_select). */
    static final StructLayout TOPK_PARAMS = KernelStruct.of("TopKParams",
            JAVA_LONG.withName("rows"), JAVA_LONG.withName("n"), JAVA_INT.withName("k"), JAVA_INT.withName("block"));
    private static final VarHandle ROWS = KernelStruct.field(TOPK_PARAMS, "rows");
    private static final VarHandle N = KernelStruct.field(TOPK_PARAMS, "n");
    private static final VarHandle TOPK_K = KernelStruct.field(TOPK_PARAMS, "k");
    private static final VarHandle BLOCK = KernelStruct.field(TOPK_PARAMS, "block");

    private ClTopK() {
    }

    /** topk_gating: a power-of-two segment of min(256, E rounded up) work-items per token. */
    static void gating(OpenClKernels kernels, Gating call) {
        ClProgram program = kernels.program("topk.cl", call.dtype(), null);
        int group = OpenClDevice.GROUP_SIZE;
        int threadsPerToken = (int) Math.min(group, GpuWork.nextPowerOfTwo(call.experts()));
        long tokensPerGroup = group / threadsPerToken;
        try (ClArgs args = ClArgs.begin()) {
            args.buffer(call.logits()).buffer(call.weights()).buffer(call.indices());
            MemorySegment p = args.struct(GATING_PARAMS);
            TOKENS.set(p, 0L, call.tokens());
            EXPERTS.set(p, 0L, call.experts());
            GATING_K.set(p, 0L, call.k());
            THREADS_PER_TOKEN.set(p, 0L, threadsPerToken);
            RENORMALIZE.set(p, 0L, call.renormalize() ? 1 : 0);
            args.grid(Math.ceilDiv(call.tokens(), tokensPerGroup) * group, group);
            kernels.device().launch(program, "topk_gating", args);
        }
    }

    /** topk_rows_bitonic for rows up to 2048 long (several rows per work-group), else topk_rows_radix_select. */
    static void topK(OpenClKernels kernels, TopK call) {
        ClProgram program = kernels.program("topk.cl", call.dtype(), null);
        int group = OpenClDevice.GROUP_SIZE;
        boolean small = call.n() <= BITONIC_SIZE;
        int block = small ? (int) GpuWork.nextPowerOfTwo(call.n()) : 0;
        long groups = small ? Math.ceilDiv(call.rows(), BITONIC_SIZE / block) : call.rows();
        try (ClArgs args = ClArgs.begin()) {
            args.buffer(call.x()).buffer(call.values()).buffer(call.indices());
            MemorySegment p = args.struct(TOPK_PARAMS);
            ROWS.set(p, 0L, call.rows());
            N.set(p, 0L, call.n());
            TOPK_K.set(p, 0L, call.k());
            BLOCK.set(p, 0L, block);
            args.grid(groups * group, group);
            kernels.device().launch(program, small ? "topk_rows_bitonic" : "topk_rows_radix_select", args);
        }
    }
}
