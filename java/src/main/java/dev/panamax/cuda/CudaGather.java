package dev.panamax.cuda;

import dev.panamax.DType;
import dev.panamax.internal.GpuWork;
import dev.panamax.internal.KernelStruct;
import dev.panamax.internal.Kernels.Embedding;
import dev.panamax.internal.Kernels.WriteCache;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Rows moved by an I32 index on CUDA (gather.cu): embedding_rows_* (EmbeddingParams) and
 * write_cache_rows_* (CacheParams), 256-thread blocks in which {@link GpuWork#rowLanes} threads
 * share a row, so that a block moves 256 / lanes rows at a time; rows grid-strided. Stateless: each
 * launch goes through the launch context of the calling kernel set.
 */
final class CudaGather {
    /** EmbeddingParams of kernels/cuda/params.cuh. */
    static final StructLayout EMBEDDING_PARAMS = KernelStruct.of("EmbeddingParams",
            JAVA_LONG.withName("table"), JAVA_LONG.withName("ids"), JAVA_LONG.withName("out"),
            JAVA_LONG.withName("rows"), JAVA_LONG.withName("width"), JAVA_LONG.withName("vocab"),
            JAVA_INT.withName("lanes"));
    private static final VarHandle E_TABLE = KernelStruct.field(EMBEDDING_PARAMS, "table");
    private static final VarHandle E_IDS = KernelStruct.field(EMBEDDING_PARAMS, "ids");
    private static final VarHandle E_OUT = KernelStruct.field(EMBEDDING_PARAMS, "out");
    private static final VarHandle E_ROWS = KernelStruct.field(EMBEDDING_PARAMS, "rows");
    private static final VarHandle E_WIDTH = KernelStruct.field(EMBEDDING_PARAMS, "width");
    private static final VarHandle E_VOCAB = KernelStruct.field(EMBEDDING_PARAMS, "vocab");
    private static final VarHandle E_LANES = KernelStruct.field(EMBEDDING_PARAMS, "lanes");

    /** CacheParams of kernels/cuda/params.cuh. */
    static final StructLayout CACHE_PARAMS = KernelStruct.of("CacheParams",
            JAVA_LONG.withName("src"), JAVA_LONG.withName("cache"), JAVA_LONG.withName("starts"),
            JAVA_LONG.withName("rows"), JAVA_LONG.withName("heads"), JAVA_LONG.withName("tokens"),
            JAVA_LONG.withName("capacity"), JAVA_LONG.withName("width"), JAVA_INT.withName("lanes"));
    private static final VarHandle C_SRC = KernelStruct.field(CACHE_PARAMS, "src");
    private static final VarHandle C_CACHE = KernelStruct.field(CACHE_PARAMS, "cache");
    private static final VarHandle C_STARTS = KernelStruct.field(CACHE_PARAMS, "starts");
    private static final VarHandle C_ROWS = KernelStruct.field(CACHE_PARAMS, "rows");
    private static final VarHandle C_HEADS = KernelStruct.field(CACHE_PARAMS, "heads");
    private static final VarHandle C_TOKENS = KernelStruct.field(CACHE_PARAMS, "tokens");
    private static final VarHandle C_CAPACITY = KernelStruct.field(CACHE_PARAMS, "capacity");
    private static final VarHandle C_WIDTH = KernelStruct.field(CACHE_PARAMS, "width");
    private static final VarHandle C_LANES = KernelStruct.field(CACHE_PARAMS, "lanes");

    private CudaGather() {
    }

    static void embedding(CudaLaunchContext launches, Embedding call) {
        int lanes = GpuWork.rowLanes(call.dtype(), call.width());
        MemorySegment p = launches.params(EMBEDDING_PARAMS);
        E_TABLE.set(p, 0L, launches.address(call.table()));
        E_IDS.set(p, 0L, launches.address(call.ids()));
        E_OUT.set(p, 0L, launches.address(call.out()));
        E_ROWS.set(p, 0L, call.rows());
        E_WIDTH.set(p, 0L, call.width());
        E_VOCAB.set(p, 0L, call.vocab());
        E_LANES.set(p, 0L, lanes);
        launches.launch("embedding_rows_" + CudaLaunchContext.suffix(call.dtype()),
                Math.ceilDiv(call.rows(), GpuWork.GROUP / lanes), GpuWork.GROUP, 0, p);
    }

    static void writeCache(CudaLaunchContext launches, WriteCache call) {
        int lanes = GpuWork.rowLanes(call.dtype(), call.width());
        long rows = call.batch() * call.heads() * call.tokens();
        MemorySegment p = launches.params(CACHE_PARAMS);
        C_SRC.set(p, 0L, launches.address(call.src()));
        C_CACHE.set(p, 0L, launches.address(call.cache()));
        C_STARTS.set(p, 0L, launches.address(call.starts()));
        C_ROWS.set(p, 0L, rows);
        C_HEADS.set(p, 0L, call.heads());
        C_TOKENS.set(p, 0L, call.tokens());
        C_CAPACITY.set(p, 0L, call.capacity());
        C_WIDTH.set(p, 0L, call.width());
        C_LANES.set(p, 0L, lanes);
        launches.launch("write_cache_rows_" + CudaLaunchContext.suffix(call.dtype()),
                Math.ceilDiv(rows, GpuWork.GROUP / lanes), GpuWork.GROUP, 0, p);
    }

    /** Every kernel this family may launch. */
    static List<String> kernelNames() {
        List<String> names = new ArrayList<>();
        for (DType t : CudaLaunchContext.FLOATS) {
            names.add("embedding_rows_" + CudaLaunchContext.suffix(t));
            names.add("write_cache_rows_" + CudaLaunchContext.suffix(t));
        }
        return names;
    }
}
