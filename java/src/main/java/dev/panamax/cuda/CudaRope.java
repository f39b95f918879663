package dev.panamax.cuda;

import dev.panamax.DType;
import dev.panamax.internal.GpuWork;
import dev.panamax.internal.KernelStruct;
import dev.panamax.internal.Kernels.Rope;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Rotary embedding on CUDA (rope.cu): rope_halves_* (pairs (i, i + R/2)) or rope_interleaved_*
 * (pairs (2i, 2i + 1)), taking RopeParams. A work item is a chunk of pairs of one (b, s) in a
 * group of heads that share its angles ({@link GpuWork.RopeItems}); items grid-strided over
 * 256-thread blocks. Stateless: each launch goes through the launch context of the calling kernel set.
 */
final class CudaRope {
    /** RopeParams of kernels/cuda/params.cuh. */
    static final StructLayout PARAMS = KernelStruct.of("RopeParams",
            JAVA_LONG.withName("x"), JAVA_LONG.withName("positions"), JAVA_LONG.withName("inv"),
            JAVA_LONG.withName("heads"), JAVA_LONG.withName("seq"), JAVA_LONG.withName("dim"),
            JAVA_LONG.withName("pairs"), JAVA_LONG.withName("items"),
            JAVA_INT.withName("headsPerItem"), JAVA_INT.withName("positionsBatched"));
    private static final VarHandle X = KernelStruct.field(PARAMS, "x");
    private static final VarHandle POSITIONS = KernelStruct.field(PARAMS, "positions");
    private static final VarHandle INV = KernelStruct.field(PARAMS, "inv");
    private static final VarHandle HEADS = KernelStruct.field(PARAMS, "heads");
    private static final VarHandle SEQ = KernelStruct.field(PARAMS, "seq");
    private static final VarHandle DIM = KernelStruct.field(PARAMS, "dim");
    private static final VarHandle PAIRS = KernelStruct.field(PARAMS, "pairs");
    private static final VarHandle ITEMS = KernelStruct.field(PARAMS, "items");
    private static final VarHandle HEADS_PER_ITEM = KernelStruct.field(PARAMS, "headsPerItem");
    private static final VarHandle POSITIONS_BATCHED = KernelStruct.field(PARAMS, "positionsBatched");

    private CudaRope() {
    }

    static void run(CudaLaunchContext launches, Rope call) {
        GpuWork.RopeItems work = GpuWork.RopeItems.of(call);
        MemorySegment p = launches.params(PARAMS);
        X.set(p, 0L, launches.address(call.x()));
        POSITIONS.set(p, 0L, launches.address(call.positions()));
        INV.set(p, 0L, launches.address(call.inverseFrequencies()));
        HEADS.set(p, 0L, call.heads());
        SEQ.set(p, 0L, call.seq());
        DIM.set(p, 0L, call.dim());
        PAIRS.set(p, 0L, call.pairs());
        ITEMS.set(p, 0L, work.items());
        HEADS_PER_ITEM.set(p, 0L, work.headsPerItem());
        POSITIONS_BATCHED.set(p, 0L, call.positionsBatched() ? 1 : 0);
        launches.launch(kernel(call.dtype(), call.interleaved()), Math.ceilDiv(work.items(), GpuWork.GROUP),
                GpuWork.GROUP, 0, p);
    }

    static String kernel(DType dtype, boolean interleaved) {
        return (interleaved ? "rope_interleaved_" : "rope_halves_") + CudaLaunchContext.suffix(dtype);
    }

    /** Every kernel this family may launch. */
    static List<String> kernelNames() {
        List<String> names = new ArrayList<>();
        for (DType t : CudaLaunchContext.FLOATS) {
            names.add(kernel(t, false));
            names.add(kernel(t, true));
        }
        return names;
    }
}
