package dev.panamax.opencl;

import dev.panamax.DType;
import dev.panamax.internal.GpuWork;
import dev.panamax.internal.KernelStruct;
import dev.panamax.internal.Kernels.Embedding;
import dev.panamax.internal.Kernels.WriteCache;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Rows moved by an I32 index on OpenCL (gather.cl): embedding_rows and write_cache_rows, with
 * {@link GpuWork#rowLanes} work-items per row (the row's 16-byte chunks, a power of two up to a
 * work-group) and work-groups along grid dimension 1, at most {@link OpenClKernels#groupsYZ()},
 * striding over the rows.
 */
final class ClGather {
    /** EmbeddingParams of kernels/opencl/params.h. */
    static final StructLayout EMBEDDING_PARAMS = KernelStruct.of("EmbeddingParams",
            JAVA_LONG.withName("rows"), JAVA_LONG.withName("width"), JAVA_LONG.withName("vocab"),
            JAVA_INT.withName("lanes"));
    private static final VarHandle E_ROWS = KernelStruct.field(EMBEDDING_PARAMS, "rows");
    private static final VarHandle E_WIDTH = KernelStruct.field(EMBEDDING_PARAMS, "width");
    private static final VarHandle E_VOCAB = KernelStruct.field(EMBEDDING_PARAMS, "vocab");
    private static final VarHandle E_LANES = KernelStruct.field(EMBEDDING_PARAMS, "lanes");

    /** CacheParams of kernels/opencl/params.h. */
    static final StructLayout CACHE_PARAMS = KernelStruct.of("CacheParams",
            JAVA_LONG.withName("rows"), JAVA_LONG.withName("heads"), JAVA_LONG.withName("tokens"),
            JAVA_LONG.withName("capacity"), JAVA_LONG.withName("width"), JAVA_INT.withName("lanes"));
    private static final VarHandle C_ROWS = KernelStruct.field(CACHE_PARAMS, "rows");
    private static final VarHandle C_HEADS = KernelStruct.field(CACHE_PARAMS, "heads");
    private static final VarHandle C_TOKENS = KernelStruct.field(CACHE_PARAMS, "tokens");
    private static final VarHandle C_CAPACITY = KernelStruct.field(CACHE_PARAMS, "capacity");
    private static final VarHandle C_WIDTH = KernelStruct.field(CACHE_PARAMS, "width");
    private static final VarHandle C_LANES = KernelStruct.field(CACHE_PARAMS, "lanes");

    private ClGather() {
    }

    static void embedding(OpenClKernels kernels, Embedding call) {
        int lanes = GpuWork.rowLanes(call.dtype(), call.width());
        try (ClArgs args = ClArgs.begin()) {
            args.buffer(call.table()).buffer(call.ids()).buffer(call.out());
            MemorySegment p = args.struct(EMBEDDING_PARAMS);
            E_ROWS.set(p, 0L, call.rows());
            E_WIDTH.set(p, 0L, call.width());
            E_VOCAB.set(p, 0L, call.vocab());
            E_LANES.set(p, 0L, lanes);
            launch(kernels, args, call.dtype(), "embedding_rows", call.rows(), lanes);
        }
    }

    static void writeCache(OpenClKernels kernels, WriteCache call) {
        int lanes = GpuWork.rowLanes(call.dtype(), call.width());
        long rows = call.batch() * call.heads() * call.tokens();
        try (ClArgs args = ClArgs.begin()) {
            args.buffer(call.src()).buffer(call.cache()).buffer(call.starts());
            MemorySegment p = args.struct(CACHE_PARAMS);
            C_ROWS.set(p, 0L, rows);
            C_HEADS.set(p, 0L, call.heads());
            C_TOKENS.set(p, 0L, call.tokens());
            C_CAPACITY.set(p, 0L, call.capacity());
            C_WIDTH.set(p, 0L, call.width());
            C_LANES.set(p, 0L, lanes);
            launch(kernels, args, call.dtype(), "write_cache_rows", rows, lanes);
        }
    }

    private static void launch(OpenClKernels kernels, ClArgs args, DType dtype, String kernel, long rows, int lanes) {
        int group = OpenClDevice.GROUP_SIZE;
        long groups = Math.min(kernels.groupsYZ(), Math.ceilDiv(rows, group / lanes));
        args.grid(group, groups, group, 1);
        kernels.device().launch(kernels.program("gather.cl", dtype, null), kernel, args);
    }
}
