package dev.panamax.opencl;

import dev.panamax.DType;
import dev.panamax.internal.Memory;

import java.util.Locale;

/** F32/F16/BF16 conversions on OpenCL: convert.cl, a bounded grid striding over any count. */
final class ClConvert {
    /** At most this many work-groups; each work-item then loops over count / grid elements. */
    private static final long MAX_GROUPS = 4096;

    private ClConvert() {
    }

    static void run(OpenClKernels kernels, Memory src, DType from, Memory dst, DType to, long count) {
        OpenClDevice device = kernels.device();
        if (from == to) {
            device.copy(src, dst, count * from.byteSize());
            return;
        }
        ClProgram program = kernels.program("convert.cl", null, null);
        String kernel = "convert_" + from.name().toLowerCase(Locale.ROOT) + "_to_" + to.name().toLowerCase(Locale.ROOT);
        int group = OpenClDevice.GROUP_SIZE;
        try (ClArgs args = ClArgs.begin()) {
            args.buffer(src).buffer(dst).u64(count);
            args.grid(Math.min(MAX_GROUPS, Math.ceilDiv(count, group)) * group, group);
            device.launch(program, kernel, args);
        }
    }
}
