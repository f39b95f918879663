package dev.panamax.opencl;

import dev.panamax.internal.Kernels.Softmax;
import dev.panamax.internal.KernelStruct;
import dev.panamax.internal.Memory;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Softmax on OpenCL: softmax.cl with about cols / 4 work-items per row (a power of two up to
 * 256: a work-group per long row, several short rows per work-group).
 */
final class ClSoftmax {
    /** SoftmaxParams of kernels/opencl/params.h. */
    static final StructLayout PARAMS = KernelStruct.of("SoftmaxParams",
            JAVA_LONG.withName("rows"), JAVA_LONG.withName("cols"), JAVA_INT.withName("threads_per_row"));
    private static final VarHandle ROWS = KernelStruct.field(PARAMS, "rows");
    private static final VarHandle COLS = KernelStruct.field(PARAMS, "cols");
    private static final VarHandle THREADS_PER_ROW = KernelStruct.field(PARAMS, "threads_per_row");

    private ClSoftmax() {
    }

    static void run(OpenClKernels kernels, Softmax call) {
        ClProgram program = kernels.program("softmax.cl", call.dtype(), null);
        int group = OpenClDevice.GROUP_SIZE;
        int threadsPerRow = OpenClKernels.rowThreads(call.cols());
        long rowsPerGroup = group / threadsPerRow;
        boolean inPlace = Memory.sameBytes(call.x(), call.out()); // the same tensor, or two views of its bytes
        try (ClArgs args = ClArgs.begin()) {
            args.buffer(call.x());
            if (!inPlace) {
                args.buffer(call.out());
            }
            MemorySegment p = args.struct(PARAMS);
            ROWS.set(p, 0L, call.rows());
            COLS.set(p, 0L, call.cols());
            THREADS_PER_ROW.set(p, 0L, threadsPerRow);
            args.grid(Math.ceilDiv(call.rows(), rowsPerGroup) * group, group);
            kernels.device().launch(program, inPlace ? "softmax_rows_in_place" : "softmax_rows", args);
        }
    }
}
