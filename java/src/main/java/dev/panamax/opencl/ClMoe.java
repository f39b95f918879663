package dev.panamax.opencl;

import dev.panamax.DType;
import dev.panamax.internal.KernelStruct;
import dev.panamax.internal.Kernels.GroupedMatmul;
import dev.panamax.internal.Kernels.Moe;
import dev.panamax.internal.Memory;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The MoE family on OpenCL (moe.cl). groupedMatmul: one grouped_matmul launch whose row dimension
 * holds the 64-row tiles of every group (ceil(rows / 64) + groups of them, the extra ones exiting
 * at once), 16 x 16 work-items per 64 x 64 tile. moe: four launches on the device's in-order
 * queue, no host round trip: moe_align (one work-group), moe_gate_up (the grouped GEMM against
 * gate and up with SwiGLU in its epilogue, into act [pairs, ffn] of x's dtype), grouped_matmul
 * (act by down into y [pairs, hidden] F32), moe_combine; for at most {@link #DECODE_PAIRS} pairs
 * moe_gate_up_rows and moe_down_rows (32 work-items per output element) in place of the two
 * tiled GEMMs. Scratch: act, y and four int arrays.
 */
final class ClMoe {
    private static final int TILE = 64;
    private static final int THREADS = 16;
    /** At most this many (token, slot) pairs take the decode kernels (32 work-items per output element). */
    static final long DECODE_PAIRS = 16;
    private static final int ROW_LANES = 32;

    /** GroupedParams of kernels/opencl/params.h. */
    static final StructLayout GROUPED_PARAMS = KernelStruct.of("GroupedParams",
            JAVA_LONG.withName("rows"), JAVA_LONG.withName("cols"), JAVA_LONG.withName("inner"), JAVA_LONG.withName("groups"));
    private static final VarHandle G_ROWS = KernelStruct.field(GROUPED_PARAMS, "rows");
    private static final VarHandle G_COLS = KernelStruct.field(GROUPED_PARAMS, "cols");
    private static final VarHandle G_INNER = KernelStruct.field(GROUPED_PARAMS, "inner");
    private static final VarHandle G_GROUPS = KernelStruct.field(GROUPED_PARAMS, "groups");

    /** MoeParams of kernels/opencl/params.h. */
    static final StructLayout MOE_PARAMS = KernelStruct.of("MoeParams",
            JAVA_LONG.withName("tokens"), JAVA_LONG.withName("hidden"), JAVA_LONG.withName("ffn"),
            JAVA_LONG.withName("experts"), JAVA_LONG.withName("pairs"), JAVA_INT.withName("k"));
    private static final VarHandle M_TOKENS = KernelStruct.field(MOE_PARAMS, "tokens");
    private static final VarHandle M_HIDDEN = KernelStruct.field(MOE_PARAMS, "hidden");
    private static final VarHandle M_FFN = KernelStruct.field(MOE_PARAMS, "ffn");
    private static final VarHandle M_EXPERTS = KernelStruct.field(MOE_PARAMS, "experts");
    private static final VarHandle M_PAIRS = KernelStruct.field(MOE_PARAMS, "pairs");
    private static final VarHandle M_K = KernelStruct.field(MOE_PARAMS, "k");

    private ClMoe() {
    }

    static void groupedMatmul(OpenClKernels kernels, GroupedMatmul call) {
        grouped(kernels, kernels.program("moe.cl", call.dtype(), call.dtype()), call.x(), call.w(), call.groupEnds(),
                call.out(), call.rows(), call.cols(), call.inner(), call.groups());
    }

    private static void grouped(OpenClKernels kernels, ClProgram program, Memory x, Memory w, Memory ends, Memory out,
                                long rows, long cols, long inner, long groups) {
        try (ClArgs args = ClArgs.begin()) {
            args.buffer(x).buffer(w).buffer(ends).buffer(out);
            MemorySegment p = args.struct(GROUPED_PARAMS);
            G_ROWS.set(p, 0L, rows);
            G_COLS.set(p, 0L, cols);
            G_INNER.set(p, 0L, inner);
            G_GROUPS.set(p, 0L, groups);
            tiles(kernels, args, rows, cols, groups);
            kernels.device().launch(program, "grouped_matmul", args);
        }
    }

    /** The grid of a grouped GEMM: column tiles along dimension 0, every group's row tiles along dimension 1. */
    static void tiles(OpenClKernels kernels, ClArgs args, long rows, long cols, long groups) {
        long rowTiles = Math.min(Math.ceilDiv(rows, TILE) + groups, kernels.groupsYZ());
        args.grid(Math.ceilDiv(cols, TILE) * THREADS, rowTiles * THREADS, THREADS, THREADS);
    }

    /** The grid of the decode kernels: work-groups along dimension 1, each 256 / 32 dots at a time. */
    static void dots(OpenClKernels kernels, ClArgs args, long items) {
        int group = OpenClDevice.GROUP_SIZE;
        args.grid(group, Math.min(kernels.groupsYZ(), Math.ceilDiv(items, group / ROW_LANES)), group, 1);
    }

    static void moe(OpenClKernels kernels, Moe call) {
        OpenClDevice device = kernels.device();
        DType t = call.dtype();
        ClProgram program = kernels.program("moe.cl", t, DType.F32);
        long pairs = call.tokens() * call.k(), experts = call.experts();
        long hidden = call.hidden(), ffn = call.ffn();
        try (OpenClDevice.Scratch cursor = device.scratch(4 * experts);
             OpenClDevice.Scratch ends = device.scratch(4 * experts);
             OpenClDevice.Scratch rows = device.scratch(4 * pairs);
             OpenClDevice.Scratch slots = device.scratch(4 * pairs);
             OpenClDevice.Scratch act = device.scratch(Math.max(4, pairs * ffn * t.byteSize()));
             OpenClDevice.Scratch y = device.scratch(4 * pairs * hidden)) {
            align(device, program, call, pairs, cursor.memory(), rows.memory(), slots.memory(), ends.memory());
            boolean decode = pairs <= DECODE_PAIRS;
            if (ffn > 0) {
                try (ClArgs args = ClArgs.begin()) {
                    args.buffer(call.x()).buffer(call.gate()).buffer(call.up()).buffer(rows.memory()).buffer(ends.memory())
                            .buffer(act.memory());
                    params(args, call, pairs);
                    if (decode) {
                        dots(kernels, args, pairs * ffn);
                    } else {
                        tiles(kernels, args, pairs, ffn, experts);
                    }
                    device.launch(program, decode ? "moe_gate_up_rows" : "moe_gate_up", args);
                }
            }
            if (decode) {
                try (ClArgs args = ClArgs.begin()) {
                    args.buffer(act.memory()).buffer(call.down()).buffer(ends.memory()).buffer(y.memory());
                    params(args, call, pairs);
                    dots(kernels, args, pairs * hidden);
                    device.launch(program, "moe_down_rows", args);
                }
            } else {
                grouped(kernels, program, act.memory(), call.down(), ends.memory(), y.memory(), pairs, hidden, ffn, experts);
            }
            combine(kernels, program, call, pairs, y.memory(), slots.memory());
        }
    }

    /**
     * moe_align of {@code program} (moe.cl): the pairs sorted by expert into rows (their tokens),
     * slots (each pair's sorted row, or -1) and ends (each expert's end in the sorted rows);
     * cursor is scratch of one int per expert.
     */
    static void align(OpenClDevice device, ClProgram program, Moe call, long pairs, Memory cursor, Memory rows,
                      Memory slots, Memory ends) {
        try (ClArgs args = ClArgs.begin()) {
            args.buffer(call.indices()).buffer(cursor).buffer(rows).buffer(slots).buffer(ends);
            params(args, call, pairs);
            args.grid(OpenClDevice.GROUP_SIZE, OpenClDevice.GROUP_SIZE);
            device.launch(program, "moe_align", args);
        }
    }

    /** moe_combine of {@code program} (moe.cl): out = the routing's weighted sums of the rows of y [pairs, hidden] F32. */
    static void combine(OpenClKernels kernels, ClProgram program, Moe call, long pairs, Memory y, Memory slots) {
        try (ClArgs args = ClArgs.begin()) {
            args.buffer(y).buffer(call.weights()).buffer(slots).buffer(call.out());
            params(args, call, pairs);
            int group = OpenClDevice.GROUP_SIZE;
            args.grid(group, Math.min(kernels.groupsYZ(), Math.ceilDiv(call.tokens() * call.hidden(), group)), group, 1);
            kernels.device().launch(program, "moe_combine", args);
        }
    }

    private static void params(ClArgs args, Moe call, long pairs) {
        MemorySegment p = args.struct(MOE_PARAMS);
        M_TOKENS.set(p, 0L, call.tokens());
        M_HIDDEN.set(p, 0L, call.hidden());
        M_FFN.set(p, 0L, call.ffn());
        M_EXPERTS.set(p, 0L, call.experts());
        M_PAIRS.set(p, 0L, pairs);
        M_K.set(p, 0L, call.k());
    }
}
