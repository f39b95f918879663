package dev.panamax.cuda;

import dev.panamax.internal.Kernels.GroupedMatmul;
import dev.panamax.internal.Kernels.Moe;

/** The MoE family on CUDA: not built yet. */
final class CudaMoe {
    private CudaMoe() {
    }

    static void groupedMatmul(CudaLaunchContext launches, GroupedMatmul call) {
        throw new UnsupportedOperationException("groupedMatmul: not yet on CUDA");
    }

    static void moe(CudaLaunchContext launches, Moe call) {
        throw new UnsupportedOperationException("moe: not yet on CUDA");
    }
}
