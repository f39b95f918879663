package dev.panamax.opencl;

import dev.panamax.internal.GpuWork.PermuteUnits;
import dev.panamax.internal.KernelStruct;
import dev.panamax.internal.Kernels.Permute;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

/**
 * permute on OpenCL (permute.cl): permute_u1 .. permute_u16 by the unit of {@link PermuteUnits},
 * one work-item per unit of out, work-groups along grid dimension 1, at most
 * {@link OpenClKernels#groupsYZ()}, striding over the units. The buffers the kernel sees are
 * always aligned (a sub-buffer or a staged view), so the unit depends on the run alone.
 */
final class ClPermute {
    /** PermuteParams of kernels/opencl/params.h: the sizes and strides alone (the count is their product). */
    static final StructLayout PARAMS = KernelStruct.of("PermuteParams", PermuteUnits.dimFields());
    private static final VarHandle[] DIMS = PermuteUnits.dimHandles(PARAMS);
    /** Every buffer an OpenCL kernel receives starts at a multiple of this many bytes at least. */
    private static final long BUFFER_ALIGNMENT = 16;

    private ClPermute() {
    }

    static void run(OpenClKernels kernels, Permute call) {
        PermuteUnits units = PermuteUnits.of(call, BUFFER_ALIGNMENT);
        int group = OpenClDevice.GROUP_SIZE;
        try (ClArgs args = ClArgs.begin()) {
            args.buffer(call.x()).buffer(call.out());
            MemorySegment p = args.struct(PARAMS);
            units.writeDims(p, DIMS);
            long groups = Math.min(kernels.groupsYZ(), Math.ceilDiv(units.count(), group));
            args.grid(group, groups, group, 1);
            kernels.device().launch(kernels.program("permute.cl", null, null), "permute_u" + units.unitBytes(), args);
        }
    }
}
