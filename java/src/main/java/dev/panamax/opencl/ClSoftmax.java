package dev.panamax.opencl;

import dev.panamax.internal.Kernels.Softmax;

/**
 * Softmax on OpenCL: softmax.cl with about cols / 4 work-items per row (a power of two up to
 * 256: a work-group per long row, several short rows per work-group).
 */
final class ClSoftmax {
    private ClSoftmax() {
    }

    static void run(OpenClKernels kernels, Softmax call) {
        ClProgram program = kernels.program("softmax.cl", call.dtype(), null);
        int group = OpenClDevice.GROUP_SIZE;
        long threadsPerRow = Math.min(group, OpenClKernels.nextPowerOfTwo(OpenClKernels.ceilDiv(call.cols(), 4)));
        long rowsPerGroup = group / threadsPerRow;
        boolean inPlace = call.x() == call.out();
        try (ClArgs args = new ClArgs()) {
            args.buffer(call.x());
            if (!inPlace) {
                args.buffer(call.out());
            }
            args.struct().u64(call.rows()).u64(call.cols()).u32((int) threadsPerRow).u32(0).end();
            long[] global = {OpenClKernels.ceilDiv(call.rows(), rowsPerGroup) * group};
            kernels.device().launch(program, inPlace ? "softmax_rows_in_place" : "softmax_rows", args, global,
                    new long[] {group});
        }
    }
}
