package dev.panamax.cuda;

import dev.panamax.DType;
import dev.panamax.internal.KernelStruct;
import dev.panamax.internal.Memory;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Dtype conversion on CUDA (convert.cu): convert_{from}_{to}, 8 elements per thread step, for
 * each pair of floating-point dtypes; convert_copy, 16 bytes per thread step, when they are the
 * same (any dtype: it counts bytes). Both take ConvertParams. Stateless past its device's launch
 * context.
 */
final class CudaConvert {
    /** ConvertParams of kernels/cuda/params.cuh. */
    static final StructLayout PARAMS = KernelStruct.of("ConvertParams",
            JAVA_LONG.withName("src"), JAVA_LONG.withName("dst"), JAVA_LONG.withName("count"));
    private static final VarHandle SRC = KernelStruct.field(PARAMS, "src");
    private static final VarHandle DST = KernelStruct.field(PARAMS, "dst");
    private static final VarHandle COUNT = KernelStruct.field(PARAMS, "count");

    // convert.cu
    static final int THREADS = 256;
    static final int CONVERT_GROUP = 8;  // elements per thread step
    static final int COPY_GROUP = 16;    // bytes per thread step

    private final CudaLaunchContext launches;

    CudaConvert(CudaLaunchContext launches) {
        this.launches = launches;
    }

    static String kernel(DType from, DType to) {
        return from == to ? "convert_copy"
                : "convert_" + CudaLaunchContext.suffix(from) + "_" + CudaLaunchContext.suffix(to);
    }

    void run(Memory src, DType from, Memory dst, DType to, long count) {
        if (count == 0) {
            return;
        }
        boolean copy = from == to;
        long elements = copy ? count * from.byteSize() : count;  // convert_copy counts bytes
        long groups = Math.ceilDiv(elements, copy ? COPY_GROUP : CONVERT_GROUP);
        MemorySegment p = launches.params(PARAMS);
        SRC.set(p, 0L, launches.address(src));
        DST.set(p, 0L, launches.address(dst));
        COUNT.set(p, 0L, elements);
        launches.launch(kernel(from, to), Math.ceilDiv(groups, THREADS), THREADS, 0, p);
    }

    /** Every kernel this family may launch. */
    static List<String> kernelNames() {
        List<String> names = new ArrayList<>();
        for (DType from : CudaLaunchContext.FLOATS) {
            for (DType to : CudaLaunchContext.FLOATS) {
                names.add(kernel(from, to));
            }
        }
        return names;
    }
}
