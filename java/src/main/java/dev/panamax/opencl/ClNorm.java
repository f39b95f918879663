package dev.panamax.opencl;

import dev.panamax.internal.KernelStruct;
import dev.panamax.internal.Kernels.Norm;
import dev.panamax.internal.Kernels.NormOp;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;
import java.util.Locale;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The row norms on OpenCL (norm.cl): {@code <op>_rows} holds a row in registers, at most
 * {@link #SLOTS} values per work-item, about cols / 4 work-items per row (a power of two up to
 * 256: several short rows per work-group, a work-group per long row), so rows of up to
 * {@link #REGISTER_COLS} are read once; {@code <op>_rows_long}, past that, a work-group per row
 * reading it twice (statistics, then the output). The weights' dtypes pick the variant's suffix
 * ({@link Norm#weightSuffix}); an out that is x itself is passed as a NULL buffer.
 */
final class ClNorm {
    /** NormParams of kernels/opencl/params.h. */
    static final StructLayout PARAMS = KernelStruct.of("NormParams",
            JAVA_LONG.withName("rows"), JAVA_LONG.withName("cols"), JAVA_FLOAT.withName("eps"),
            JAVA_INT.withName("threads_per_row"));
    private static final VarHandle ROWS = KernelStruct.field(PARAMS, "rows");
    private static final VarHandle COLS = KernelStruct.field(PARAMS, "cols");
    private static final VarHandle EPS = KernelStruct.field(PARAMS, "eps");
    private static final VarHandle THREADS_PER_ROW = KernelStruct.field(PARAMS, "threads_per_row");

    /** Row values per work-item in the register variants (norm.cl's NORM_SLOTS). */
    static final int SLOTS = 32;
    static final long REGISTER_COLS = (long) SLOTS * OpenClDevice.GROUP_SIZE;

    private ClNorm() {
    }

    static String kernel(Norm call) {
        return call.op().name().toLowerCase(Locale.ROOT) + (call.cols() <= REGISTER_COLS ? "_rows" : "_rows_long")
                + call.weightSuffix();
    }

    static void run(OpenClKernels kernels, Norm call) {
        ClProgram program = kernels.program("norm.cl", call.dtype(), null);
        int group = OpenClDevice.GROUP_SIZE;
        int threadsPerRow = call.cols() <= REGISTER_COLS
                ? OpenClKernels.rowThreads(call.cols()) : group;
        long rowsPerGroup = group / threadsPerRow;
        try (ClArgs args = ClArgs.begin()) {
            args.buffer(call.x());
            if (call.op() == NormOp.ADD_RMS_NORM) {
                args.buffer(call.residual());
            }
            args.buffer(call.gamma());
            if (call.op() == NormOp.LAYER_NORM) {
                args.buffer(call.beta());
            }
            if (call.op() != NormOp.ADD_RMS_NORM) {
                args.buffer(call.out() != call.x() ? call.out() : null);
            }
            MemorySegment p = args.struct(PARAMS);
            ROWS.set(p, 0L, call.rows());
            COLS.set(p, 0L, call.cols());
            EPS.set(p, 0L, call.eps());
            THREADS_PER_ROW.set(p, 0L, threadsPerRow);
            args.grid(Math.ceilDiv(call.rows(), rowsPerGroup) * group, group);
            kernels.device().launch(program, kernel(call), args);
        }
    }
}
