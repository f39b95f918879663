package dev.panamax.opencl;

import dev.panamax.internal.GpuWork;
import dev.panamax.internal.KernelStruct;
import dev.panamax.internal.Kernels.Rope;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Rotary embedding on OpenCL (rope.cl): rope_halves or rope_interleaved, a work item per chunk of
 * pairs of one (b, s) in a group of heads sharing its angles ({@link GpuWork.RopeItems}); work-groups
 * along grid dimension 1, at most {@link OpenClKernels#groupsYZ()}, striding over the items.
 */
final class ClRope {
    /** RopeParams of kernels/opencl/params.h. */
    static final StructLayout PARAMS = KernelStruct.of("RopeParams",
            JAVA_LONG.withName("heads"), JAVA_LONG.withName("seq"), JAVA_LONG.withName("dim"),
            JAVA_LONG.withName("pairs"), JAVA_LONG.withName("items"),
            JAVA_INT.withName("heads_per_item"), JAVA_INT.withName("positions_batched"));
    private static final VarHandle HEADS = KernelStruct.field(PARAMS, "heads");
    private static final VarHandle SEQ = KernelStruct.field(PARAMS, "seq");
    private static final VarHandle DIM = KernelStruct.field(PARAMS, "dim");
    private static final VarHandle PAIRS = KernelStruct.field(PARAMS, "pairs");
    private static final VarHandle ITEMS = KernelStruct.field(PARAMS, "items");
    private static final VarHandle HEADS_PER_ITEM = KernelStruct.field(PARAMS, "heads_per_item");
    private static final VarHandle POSITIONS_BATCHED = KernelStruct.field(PARAMS, "positions_batched");

    private ClRope() {
    }

    static void run(OpenClKernels kernels, Rope call) {
        GpuWork.RopeItems work = GpuWork.RopeItems.of(call);
        int group = OpenClDevice.GROUP_SIZE;
        try (ClArgs args = ClArgs.begin()) {
            args.buffer(call.x()).buffer(call.positions()).buffer(call.inverseFrequencies());
            MemorySegment p = args.struct(PARAMS);
            HEADS.set(p, 0L, call.heads());
            SEQ.set(p, 0L, call.seq());
            DIM.set(p, 0L, call.dim());
            PAIRS.set(p, 0L, call.pairs());
            ITEMS.set(p, 0L, work.items());
            HEADS_PER_ITEM.set(p, 0L, work.headsPerItem());
            POSITIONS_BATCHED.set(p, 0L, call.positionsBatched() ? 1 : 0);
            args.grid(group, Math.min(kernels.groupsYZ(), Math.ceilDiv(work.items(), group)), group, 1);
            kernels.device().launch(kernels.program("rope.cl", call.dtype(), null),
                    call.interleaved() ? "rope_interleaved" : "rope_halves", args);
        }
    }
}
