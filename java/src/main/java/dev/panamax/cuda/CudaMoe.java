package dev.panamax.cuda;

import dev.panamax.DType;
import dev.panamax.internal.KernelStruct;
import dev.panamax.internal.Kernels.GroupedMatmul;
import dev.panamax.internal.Kernels.Moe;
import dev.panamax.internal.Memory;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The MoE family on CUDA (moe.cu). groupedMatmul: one grouped_matmul_* launch over the
 * (row tile, column tile) pairs of every group at once (grouped_matmul_f32 on CUDA cores,
 * grouped_matmul_mma_f16/bf16 on tensor cores; the same for the moe tiles). moe: four launches on the stream, one
 * MoeParams for all of them (moe_align on one block, moe_gate_up_*, moe_down_*, moe_combine_*;
 * for at most {@link #DECODE_PAIRS} pairs moe_gate_up_rows_* and moe_down_rows_*, a warp per
 * output element, in place of the tiled two),
 * with one scratch allocation for the cursors, ends, rows, slots, act [pairs, ffn] and y
 * [pairs, hidden] F32, freed stream-ordered after the launches.
 */
final class CudaMoe {
    private static final int THREADS = 256;
    private static final int TILE = 64;
    private static final int WARPS = THREADS / 32;
    /** Threads of a tensor-core tile: four warps. */
    private static final int MMA_THREADS = 128;
    /** At most this many (token, slot) pairs take the decode kernels (a warp per output element). */
    static final long DECODE_PAIRS = 16;

    /** GroupedParams of kernels/cuda/params.cuh. */
    static final StructLayout GROUPED_PARAMS = KernelStruct.of("GroupedParams",
            JAVA_LONG.withName("x"), JAVA_LONG.withName("w"), JAVA_LONG.withName("ends"), JAVA_LONG.withName("out"),
            JAVA_LONG.withName("rows"), JAVA_LONG.withName("cols"), JAVA_LONG.withName("inner"), JAVA_LONG.withName("groups"));
    private static final VarHandle G_X = KernelStruct.field(GROUPED_PARAMS, "x");
    private static final VarHandle G_W = KernelStruct.field(GROUPED_PARAMS, "w");
    private static final VarHandle G_ENDS = KernelStruct.field(GROUPED_PARAMS, "ends");
    private static final VarHandle G_OUT = KernelStruct.field(GROUPED_PARAMS, "out");
    private static final VarHandle G_ROWS = KernelStruct.field(GROUPED_PARAMS, "rows");
    private static final VarHandle G_COLS = KernelStruct.field(GROUPED_PARAMS, "cols");
    private static final VarHandle G_INNER = KernelStruct.field(GROUPED_PARAMS, "inner");
    private static final VarHandle G_GROUPS = KernelStruct.field(GROUPED_PARAMS, "groups");

    /** MoeParams of kernels/cuda/params.cuh. */
    static final StructLayout MOE_PARAMS = KernelStruct.of("MoeParams",
            JAVA_LONG.withName("x"), JAVA_LONG.withName("weights"), JAVA_LONG.withName("indices"),
            JAVA_LONG.withName("gate"), JAVA_LONG.withName("up"), JAVA_LONG.withName("down"), JAVA_LONG.withName("out"),
            JAVA_LONG.withName("cursor"), JAVA_LONG.withName("group_ends"), JAVA_LONG.withName("sorted_rows"),
            JAVA_LONG.withName("slot_of"), JAVA_LONG.withName("act"), JAVA_LONG.withName("y"),
            JAVA_LONG.withName("tokens"), JAVA_LONG.withName("hidden"), JAVA_LONG.withName("ffn"),
            JAVA_LONG.withName("experts"), JAVA_LONG.withName("pairs"), JAVA_INT.withName("k"));
    private static final String[] MOE_POINTERS = {"x", "weights", "indices", "gate", "up", "down", "out", "cursor",
        "group_ends", "sorted_rows", "slot_of", "act", "y"};
    private static final VarHandle[] M_POINTERS = new VarHandle[MOE_POINTERS.length];
    private static final VarHandle M_TOKENS = KernelStruct.field(MOE_PARAMS, "tokens");
    private static final VarHandle M_HIDDEN = KernelStruct.field(MOE_PARAMS, "hidden");
    private static final VarHandle M_FFN = KernelStruct.field(MOE_PARAMS, "ffn");
    private static final VarHandle M_EXPERTS = KernelStruct.field(MOE_PARAMS, "experts");
    private static final VarHandle M_PAIRS = KernelStruct.field(MOE_PARAMS, "pairs");
    private static final VarHandle M_K = KernelStruct.field(MOE_PARAMS, "k");

    static {
        for (int i = 0; i < MOE_POINTERS.length; i++) {
            M_POINTERS[i] = KernelStruct.field(MOE_PARAMS, MOE_POINTERS[i]);
        }
    }

    private CudaMoe() {
    }

    /** Blocks of a grouped GEMM: (ceil(rows / 64) + groups) row tiles by ceil(cols / 64) column tiles. */
    private static long tiles(long rows, long cols, long groups) {
        return Math.multiplyExact(Math.ceilDiv(rows, TILE) + groups, Math.ceilDiv(cols, TILE));
    }

    static void groupedMatmul(CudaLaunchContext launches, GroupedMatmul call) {
        MemorySegment p = launches.params(GROUPED_PARAMS);
        G_X.set(p, 0L, launches.address(call.x()));
        G_W.set(p, 0L, launches.address(call.w()));
        G_ENDS.set(p, 0L, launches.address(call.groupEnds()));
        G_OUT.set(p, 0L, launches.address(call.out()));
        G_ROWS.set(p, 0L, call.rows());
        G_COLS.set(p, 0L, call.cols());
        G_INNER.set(p, 0L, call.inner());
        G_GROUPS.set(p, 0L, call.groups());
        launches.launch(tiled("grouped_matmul_", call.dtype()), tiles(call.rows(), call.cols(), call.groups()),
                tiledThreads(call.dtype()), 0, p);
    }

    static void moe(CudaLaunchContext launches, Moe call) {
        DType t = call.dtype();
        String suffix = CudaLaunchContext.suffix(t);
        long pairs = call.tokens() * call.k(), experts = call.experts(), hidden = call.hidden(), ffn = call.ffn();
        long ints = align256(4 * (2 * experts + 2 * pairs));
        long actBytes = align256(pairs * ffn * t.byteSize());
        Memory scratch = launches.launcher().allocateScratch(ints + actBytes + 4 * pairs * hidden);
        try {
            long base = launches.address(scratch);
            MemorySegment p = launches.params(MOE_PARAMS);
            fill(p, launches, call, base, base + 4 * experts, base + 8 * experts, base + 8 * experts + 4 * pairs,
                    base + ints, base + ints + actBytes);
            launches.launch("moe_align", 1, THREADS, 0, p);
            if (pairs <= DECODE_PAIRS) {
                // a warp per output element: no rows of zeros staged, each expert's weights streamed
                launches.launch("moe_gate_up_rows_" + suffix, Math.ceilDiv(pairs * ffn, WARPS), THREADS, 0, p);
                launches.launch("moe_down_rows_" + suffix, Math.ceilDiv(pairs * hidden, WARPS), THREADS, 0, p);
            } else {
                if (ffn > 0) {
                    launches.launch(tiled("moe_gate_up_", t), tiles(pairs, ffn, experts), tiledThreads(t), 0, p);
                }
                launches.launch(tiled("moe_down_", t), tiles(pairs, hidden, experts), tiledThreads(t), 0, p);
            }
            launches.launch("moe_combine_" + suffix, Math.ceilDiv(call.tokens() * hidden, THREADS), THREADS, 0, p);
        } finally {
            launches.launcher().freeScratch(scratch);  // stream-ordered: after the launches that use it
        }
    }

    /**
     * Fills the MoeParams p of a moe call with the scratch of the launches: cursor and group_ends
     * [experts], sorted_rows and slot_of [pairs] I32, act, y [pairs, hidden] F32. The INT8 moe
     * (CudaInt8) launches moe_align and moe_combine_* with it too.
     */
    static void fill(MemorySegment p, CudaLaunchContext launches, Moe call, long cursor, long groupEnds, long sortedRows,
                     long slotOf, long act, long y) {
        long[] addresses = {launches.address(call.x()), launches.address(call.weights()), launches.address(call.indices()),
            launches.address(call.gate()), launches.address(call.up()), launches.address(call.down()),
            launches.address(call.out()), cursor, groupEnds, sortedRows, slotOf, act, y};
        for (int i = 0; i < addresses.length; i++) {
            M_POINTERS[i].set(p, 0L, addresses[i]);
        }
        M_TOKENS.set(p, 0L, call.tokens());
        M_HIDDEN.set(p, 0L, call.hidden());
        M_FFN.set(p, 0L, call.ffn());
        M_EXPERTS.set(p, 0L, call.experts());
        M_PAIRS.set(p, 0L, call.tokens() * call.k());
        M_K.set(p, 0L, call.k());
    }

    /** The tiled grouped GEMM kernel of a dtype: on tensor cores (mma_) for F16 and BF16, CUDA cores for F32. */
    private static String tiled(String kernel, DType t) {
        return kernel + (t == DType.F32 ? "" : "mma_") + CudaLaunchContext.suffix(t);
    }

    private static int tiledThreads(DType t) {
        return t == DType.F32 ? THREADS : MMA_THREADS;
    }

    private static long align256(long bytes) {
        return Math.ceilDiv(bytes, 256) * 256;
    }

    /** Every kernel this family may launch. */
    static List<String> kernelNames() {
        List<String> names = new ArrayList<>();
        names.add("moe_align");
        for (DType t : CudaLaunchContext.FLOATS) {
            String s = CudaLaunchContext.suffix(t);
            names.add(tiled("grouped_matmul_", t));
            names.add(tiled("moe_gate_up_", t));
            names.add(tiled("moe_down_", t));
            names.add("moe_combine_" + s);
            names.add("moe_gate_up_rows_" + s);
            names.add("moe_down_rows_" + s);
        }
        return names;
    }
}
