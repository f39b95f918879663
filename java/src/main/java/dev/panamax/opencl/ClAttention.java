package dev.panamax.opencl;

import dev.panamax.internal.Kernels.Attention;
import dev.panamax.internal.KernelStruct;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Attention on OpenCL (attention.cl): the tiled flash kernel when Sq &gt; 16, else the decode pair
 * (split keys, then a log-sum-exp combine). Keys per tile (32, 16 or 8) are the most the device's
 * local memory holds for D. kvLengths, when given, is a buffer argument of every kernel (NULL and
 * has_lengths 0 otherwise); the grids depend on the shapes only.
 */
final class ClAttention {
    /** Query rows per work-group (ROWS in attention.cl). */
    static final int ROWS = 16;
    /** The decode path's largest Sq. */
    static final int DECODE_MAX_SQ = 16;
    private static final int COMBINE_THREADS = 64;
    private static final int[] KEY_TILES = {32, 16, 8};
    /**
     * Work-groups the decode split aims for, whatever the device: the split (and so the order of
     * the sums, and the bits) depends on the shapes alone, not on the compute-unit count, which on
     * PoCL follows the host's threads (POCL_MAX_PTHREAD_COUNT).
     */
    static final int DECODE_GROUPS = 256;

    /**
     * AttentionParams of kernels/opencl/params.h: every attention.cl kernel's scalars (splits
     * matters to the decode pair only).
     */
    static final StructLayout PARAMS = KernelStruct.of("AttentionParams",
            JAVA_LONG.withName("batch"), JAVA_LONG.withName("hq"), JAVA_LONG.withName("hkv"),
            JAVA_LONG.withName("sq"), JAVA_LONG.withName("skv"),
            JAVA_INT.withName("d"), JAVA_INT.withName("bk"), JAVA_INT.withName("causal"), JAVA_INT.withName("splits"),
            JAVA_FLOAT.withName("scale"), JAVA_INT.withName("has_lengths"));
    private static final VarHandle BATCH = KernelStruct.field(PARAMS, "batch");
    private static final VarHandle HQ = KernelStruct.field(PARAMS, "hq");
    private static final VarHandle HKV = KernelStruct.field(PARAMS, "hkv");
    private static final VarHandle SQ = KernelStruct.field(PARAMS, "sq");
    private static final VarHandle SKV = KernelStruct.field(PARAMS, "skv");
    private static final VarHandle D = KernelStruct.field(PARAMS, "d");
    private static final VarHandle BK = KernelStruct.field(PARAMS, "bk");
    private static final VarHandle CAUSAL = KernelStruct.field(PARAMS, "causal");
    private static final VarHandle SPLITS = KernelStruct.field(PARAMS, "splits");
    private static final VarHandle SCALE = KernelStruct.field(PARAMS, "scale");
    private static final VarHandle HAS_LENGTHS = KernelStruct.field(PARAMS, "has_lengths");

    private ClAttention() {
    }

    static void run(OpenClKernels kernels, Attention call) {
        OpenClDevice device = kernels.device();
        ClProgram program = kernels.program("attention.cl", call.dtype(), null);
        int d = call.d();
        int bk = keysPerTile(device.facts().localMemory(), d);
        long rowGroups = Math.ceilDiv(call.hq() / call.hkv() * call.sq(), ROWS);
        if (call.sq() <= DECODE_MAX_SQ && rowGroups <= kernels.groupsYZ()) {
            decode(kernels, program, call, bk);
        } else {
            tiled(kernels, program, call, bk);
        }
    }

    /** The largest key tile whose local buffers (q [16, D], k or v [bk, D + 1], scores [16, bk]) fit. */
    static int keysPerTile(long localMemory, int d) {
        for (int bk : KEY_TILES) {
            if (localBytes(d, bk) + 1024 <= localMemory) {
                return bk;
            }
        }
        return KEY_TILES[KEY_TILES.length - 1]; // 25 KiB at D = 256: within the 32 KiB every usable device has
    }

    private static long localBytes(int d, int bk) {
        return 4L * (ROWS * d + (long) bk * (d + 1) + ROWS * bk);
    }

    /** Writes the AttentionParams argument: bk keys per tile, splits key splits (decode). */
    private static void params(ClArgs args, Attention call, int bk, long splits) {
        MemorySegment p = args.struct(PARAMS);
        BATCH.set(p, 0L, call.batch());
        HQ.set(p, 0L, call.hq());
        HKV.set(p, 0L, call.hkv());
        SQ.set(p, 0L, call.sq());
        SKV.set(p, 0L, call.skv());
        D.set(p, 0L, call.d());
        BK.set(p, 0L, bk);
        CAUSAL.set(p, 0L, call.causal() ? 1 : 0);
        SPLITS.set(p, 0L, Math.toIntExact(splits));
        SCALE.set(p, 0L, call.scale());
        HAS_LENGTHS.set(p, 0L, call.kvLengths() != null ? 1 : 0);
    }

    private static void locals(ClArgs args, int d, int bk) {
        args.local(4L * ROWS * d).local(4L * bk * (d + 1)).local(4L * ROWS * bk);
    }

    private static void tiled(OpenClKernels kernels, ClProgram program, Attention call, int bk) {
        int group = OpenClDevice.GROUP_SIZE;
        try (ClArgs args = ClArgs.begin()) {
            args.buffer(call.q()).buffer(call.k()).buffer(call.v()).buffer(call.kvLengths()).buffer(call.out());
            params(args, call, bk, 1);
            locals(args, call.d(), bk);
            long blocks = Math.min(Math.ceilDiv(call.sq(), ROWS), kernels.groupsYZ());
            args.grid(call.batch() * call.hq() * group, blocks, group, 1);
            kernels.device().launch(program, "attention_flash_tiled", args);
        }
    }

    /**
     * Key splits of the decode path for {@code tiles} key tiles and {@code workGroups} row groups:
     * about {@link #DECODE_GROUPS} work-groups in all, at most {@code maxSplits} (the grid's third
     * dimension) and at most one per tile; sized on Skv (the kernel shares out the tiles below L_b).
     */
    static long splits(long tiles, long workGroups, long maxSplits) {
        long wanted = Math.max(1, Math.min(Math.min(tiles, maxSplits), Math.ceilDiv(DECODE_GROUPS, workGroups)));
        return Math.ceilDiv(tiles, Math.ceilDiv(tiles, wanted));
    }

    private static void decode(OpenClKernels kernels, ClProgram program, Attention call, int bk) {
        OpenClDevice device = kernels.device();
        int group = OpenClDevice.GROUP_SIZE;
        int d = call.d();
        long groupRows = call.hq() / call.hkv() * call.sq(); // (query head, query) pairs per kv head
        long rowGroups = Math.ceilDiv(groupRows, ROWS);
        long workGroups = call.batch() * call.hkv() * rowGroups;
        long splits = splits(Math.max(1, Math.ceilDiv(call.skv(), bk)), workGroups, kernels.groupsYZ());
        long rows = call.batch() * call.hq() * call.sq();
        try (OpenClDevice.Scratch partialO = device.scratch(4L * rows * splits * d);
             OpenClDevice.Scratch partialMl = device.scratch(8L * rows * splits)) {
            // Two launches in a row on this thread's argument buffer: each begins it empty and
            // writes every argument again, the struct included (the driver copied the first's).
            try (ClArgs args = ClArgs.begin()) {
                args.buffer(call.q()).buffer(call.k()).buffer(call.v()).buffer(call.kvLengths())
                        .buffer(partialO.memory()).buffer(partialMl.memory());
                params(args, call, bk, splits);
                locals(args, d, bk);
                args.grid(call.batch() * call.hkv() * group, rowGroups, splits, group, 1, 1);
                device.launch(program, "attention_decode_split", args);
            }
            try (ClArgs args = ClArgs.begin()) {
                args.buffer(partialO.memory()).buffer(partialMl.memory()).buffer(call.kvLengths()).buffer(call.out());
                params(args, call, bk, splits);
                args.grid(rows * Math.ceilDiv(d, COMBINE_THREADS) * COMBINE_THREADS, COMBINE_THREADS);
                device.launch(program, "attention_decode_combine", args);
            }
        }
    }
}
