package dev.panamax.opencl;

import dev.panamax.internal.Kernels.Gating;
import dev.panamax.internal.Kernels.TopK;

/** Top-K gating and top-K on OpenCL (topk.cl). */
final class ClTopK {
    /** Rows up to this long are sorted whole in local memory (BITONIC_SIZE in topk.cl). */
    static final int BITONIC_SIZE = 2048;

    private ClTopK() {
    }

    /** topk_gating: a power-of-two segment of min(256, E rounded up) work-items per token. */
    static void gating(OpenClKernels kernels, Gating call) {
        ClProgram program = kernels.program("topk.cl", call.dtype(), null);
        int group = OpenClDevice.GROUP_SIZE;
        long threadsPerToken = Math.min(group, OpenClKernels.nextPowerOfTwo(call.experts()));
        long tokensPerGroup = group / threadsPerToken;
        try (ClArgs args = new ClArgs()) {
            args.buffer(call.logits()).buffer(call.weights()).buffer(call.indices())
                    .struct()
                    .u64(call.tokens())
                    .u32(call.experts()).u32(call.k())
                    .u32((int) threadsPerToken).u32(call.renormalize() ? 1 : 0)
                    .end();
            long[] global = {OpenClKernels.ceilDiv(call.tokens(), tokensPerGroup) * group};
            kernels.device().launch(program, "topk_gating", args, global, new long[] {group});
        }
    }

    /** topk_rows_bitonic for rows up to 2048 long (several rows per work-group), else topk_rows_radix_select. */
    static void topK(OpenClKernels kernels, TopK call) {
        ClProgram program = kernels.program("topk.cl", call.dtype(), null);
        int group = OpenClDevice.GROUP_SIZE;
        boolean small = call.n() <= BITONIC_SIZE;
        long block = small ? OpenClKernels.nextPowerOfTwo(call.n()) : 0;
        long groups = small ? OpenClKernels.ceilDiv(call.rows(), BITONIC_SIZE / block) : call.rows();
        try (ClArgs args = new ClArgs()) {
            args.buffer(call.x()).buffer(call.values()).buffer(call.indices())
                    .struct().u64(call.rows()).u64(call.n()).u32(call.k()).u32((int) block).end();
            kernels.device().launch(program, small ? "topk_rows_bitonic" : "topk_rows_radix_select", args,
                    new long[] {groups * group}, new long[] {group});
        }
    }
}
