package dev.panamax.cuda;

import dev.panamax.internal.GpuWork;
import dev.panamax.internal.GpuWork.PermuteUnits;
import dev.panamax.internal.KernelStruct;
import dev.panamax.internal.Kernels.Permute;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * permute on CUDA (permute.cu): permute_u1 .. permute_u16 by the unit of {@link PermuteUnits},
 * chosen from the run's bytes and the alignment the two device addresses share (so a view at an
 * odd offset moves in smaller units and no access is ever misaligned); 256-thread blocks, one
 * thread per unit, grid-strided. Stateless: each launch goes through the launch context of the
 * calling kernel set.
 */
final class CudaPermute {
    /** PermuteParams of kernels/cuda/params.cuh. */
    static final StructLayout PARAMS = KernelStruct.of("PermuteParams", fields());
    private static final VarHandle X = KernelStruct.field(PARAMS, "x");
    private static final VarHandle OUT = KernelStruct.field(PARAMS, "out");
    private static final VarHandle COUNT = KernelStruct.field(PARAMS, "count");
    private static final VarHandle RANK = KernelStruct.field(PARAMS, "rank");
    private static final VarHandle[] DIMS = PermuteUnits.dimHandles(PARAMS);
    /** The units the kernels move, in bytes. */
    private static final int[] UNITS = {1, 2, 4, 8, 16};

    /** x, out, count, the sizes and strides, rank. */
    private static MemoryLayout[] fields() {
        List<MemoryLayout> fields = new ArrayList<>(List.of(JAVA_LONG.withName("x"), JAVA_LONG.withName("out"),
                JAVA_LONG.withName("count")));
        fields.addAll(List.of(PermuteUnits.dimFields()));
        fields.add(JAVA_INT.withName("rank"));
        return fields.toArray(MemoryLayout[]::new);
    }

    private CudaPermute() {
    }

    static void run(CudaLaunchContext launches, Permute call) {
        long x = launches.address(call.x()), out = launches.address(call.out());
        PermuteUnits units = PermuteUnits.of(call, Long.lowestOneBit(x | out | 16));
        MemorySegment p = launches.params(PARAMS);
        X.set(p, 0L, x);
        OUT.set(p, 0L, out);
        COUNT.set(p, 0L, units.count());
        units.writeDims(p, DIMS);
        RANK.set(p, 0L, call.shape().length);
        launches.launch("permute_u" + units.unitBytes(), Math.ceilDiv(units.count(), GpuWork.GROUP), GpuWork.GROUP, 0, p);
    }

    /** Every kernel this family may launch. */
    static List<String> kernelNames() {
        List<String> names = new ArrayList<>();
        for (int u : UNITS) {
            names.add("permute_u" + u);
        }
        return names;
    }
}
