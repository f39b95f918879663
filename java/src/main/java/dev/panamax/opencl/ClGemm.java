package dev.panamax.opencl;

import dev.panamax.internal.Kernels.Gemm;
import dev.panamax.internal.KernelStruct;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * GEMM on OpenCL: gemm_tiled of gemm.cl, one 16 x 16 work-group per 64 x 64 tile of c, per batch
 * (row tiles and batches past 65535 are strided over by the work-groups).
 */
final class ClGemm {
    private static final int TILE = 64;
    private static final int THREADS = 16;

    /** GemmParams of kernels/opencl/params.h: strides in elements, transposes 0 or 1. */
    static final StructLayout PARAMS = KernelStruct.of("GemmParams",
            JAVA_LONG.withName("batch"), JAVA_LONG.withName("m"), JAVA_LONG.withName("n"), JAVA_LONG.withName("k"),
            JAVA_LONG.withName("batch_stride_a"), JAVA_LONG.withName("batch_stride_b"),
            JAVA_LONG.withName("batch_stride_c"),
            JAVA_FLOAT.withName("alpha"), JAVA_FLOAT.withName("beta"),
            JAVA_INT.withName("trans_a"), JAVA_INT.withName("trans_b"));
    private static final VarHandle BATCH = KernelStruct.field(PARAMS, "batch");
    private static final VarHandle M = KernelStruct.field(PARAMS, "m");
    private static final VarHandle N = KernelStruct.field(PARAMS, "n");
    private static final VarHandle K = KernelStruct.field(PARAMS, "k");
    private static final VarHandle STRIDE_A = KernelStruct.field(PARAMS, "batch_stride_a");
    private static final VarHandle STRIDE_B = KernelStruct.field(PARAMS, "batch_stride_b");
    private static final VarHandle STRIDE_C = KernelStruct.field(PARAMS, "batch_stride_c");
    private static final VarHandle ALPHA = KernelStruct.field(PARAMS, "alpha");
    private static final VarHandle BETA = KernelStruct.field(PARAMS, "beta");
    private static final VarHandle TRANS_A = KernelStruct.field(PARAMS, "trans_a");
    private static final VarHandle TRANS_B = KernelStruct.field(PARAMS, "trans_b");

    private ClGemm() {
    }

    static void run(OpenClKernels kernels, Gemm call) {
        ClProgram program = kernels.program("gemm.cl", call.abType(), call.cType());
        long m = call.m(), n = call.n(), k = call.k();
        try (ClArgs args = ClArgs.begin()) {
            args.buffer(call.a()).buffer(call.b()).buffer(call.c());
            MemorySegment p = args.struct(PARAMS);
            BATCH.set(p, 0L, call.batch());
            M.set(p, 0L, m);
            N.set(p, 0L, n);
            K.set(p, 0L, k);
            STRIDE_A.set(p, 0L, m * k);
            STRIDE_B.set(p, 0L, call.bBatched() ? k * n : 0L);
            STRIDE_C.set(p, 0L, m * n);
            ALPHA.set(p, 0L, call.alpha());
            BETA.set(p, 0L, call.beta());
            TRANS_A.set(p, 0L, call.transA() ? 1 : 0);
            TRANS_B.set(p, 0L, call.transB() ? 1 : 0);
            args.grid(Math.ceilDiv(n, TILE) * THREADS, Math.min(Math.ceilDiv(m, TILE), kernels.groupsYZ()) * THREADS,
                    Math.min(call.batch(), kernels.groupsYZ()), THREADS, THREADS, 1);
            kernels.device().launch(program, "gemm_tiled", args);
        }
    }
}
