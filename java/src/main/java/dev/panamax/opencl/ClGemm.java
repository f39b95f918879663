package dev.panamax.opencl;

import dev.panamax.internal.Kernels.Gemm;

/**
 * GEMM on OpenCL: gemm_tiled of gemm.cl, one 16 x 16 work-group per 64 x 64 tile of c, per batch
 * (row tiles and batches past 65535 are strided over by the work-groups).
 */
final class ClGemm {
    private static final int TILE = 64;
    private static final int THREADS = 16;

    private ClGemm() {
    }

    static void run(OpenClKernels kernels, Gemm call) {
        ClProgram program = kernels.program("gemm.cl", call.abType(), call.cType());
        long m = call.m(), n = call.n(), k = call.k();
        try (ClArgs args = new ClArgs()) {
            args.buffer(call.a()).buffer(call.b()).buffer(call.c())
                    .struct()
                    .u64(call.batch()).u64(m).u64(n).u64(k)
                    .u64(m * k).u64(call.bBatched() ? k * n : 0).u64(m * n)
                    .f32(call.alpha()).f32(call.beta())
                    .u32(call.transA() ? 1 : 0).u32(call.transB() ? 1 : 0)
                    .end();
            long[] global = {OpenClKernels.ceilDiv(n, TILE) * THREADS,
                Math.min(OpenClKernels.ceilDiv(m, TILE), kernels.groupsYZ()) * THREADS,
                Math.min(call.batch(), kernels.groupsYZ())};
            kernels.device().launch(program, "gemm_tiled", args, global, new long[] {THREADS, THREADS, 1});
        }
    }
}
