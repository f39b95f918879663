package dev.panamax.opencl;

import dev.panamax.internal.Kernels.GroupedMatmul;
import dev.panamax.internal.Kernels.Moe;

/** The MoE family on OpenCL: not built yet. */
final class ClMoe {
    private ClMoe() {
    }

    static void groupedMatmul(OpenClKernels kernels, GroupedMatmul call) {
        throw new UnsupportedOperationException("groupedMatmul: not yet on OpenCL");
    }

    static void moe(OpenClKernels kernels, Moe call) {
        throw new UnsupportedOperationException("moe: not yet on OpenCL");
    }
}
