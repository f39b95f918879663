package dev.panamax.opencl;

import dev.panamax.internal.Kernels.Attention;

/**
 * Attention on OpenCL (attention.cl): the tiled flash kernel when Sq &gt; 16, else the decode pair
 * (split keys, then a log-sum-exp combine). Keys per tile (32, 16 or 8) are the most the device's
 * local memory holds for D.
 */
final class ClAttention {
    /** Query rows per work-group (ROWS in attention.cl). */
    static final int ROWS = 16;
    /** The decode path's largest Sq. */
    static final int DECODE_MAX_SQ = 16;
    private static final int COMBINE_THREADS = 64;
    private static final int[] KEY_TILES = {32, 16, 8};
    /** Work-groups to aim for per compute unit when splitting keys. */
    private static final int GROUPS_PER_UNIT = 4;

    private ClAttention() {
    }

    static void run(OpenClKernels kernels, Attention call) {
        OpenClDevice device = kernels.device();
        ClProgram program = kernels.program("attention.cl", call.dtype(), null);
        int d = call.d();
        int bk = keysPerTile(device.facts().localMemory(), d);
        long rowGroups = OpenClKernels.ceilDiv(call.hq() / call.hkv() * call.sq(), ROWS);
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

    private static ClArgs params(ClArgs args, Attention call, long kvChunk, int bk, long splits) {
        return args.struct()
                .u64(call.batch()).u64(call.hq()).u64(call.hkv()).u64(call.sq()).u64(call.skv())
                .u64(kvChunk)
                .u32(call.d()).u32(bk)
                .u32(call.causal() ? 1 : 0).u32((int) splits)
                .f32(call.scale()).u32(0)
                .end();
    }

    private static ClArgs locals(ClArgs args, int d, int bk) {
        return args.local(4L * ROWS * d).local(4L * bk * (d + 1)).local(4L * ROWS * bk);
    }

    private static void tiled(OpenClKernels kernels, ClProgram program, Attention call, int bk) {
        int group = OpenClDevice.GROUP_SIZE;
        try (ClArgs args = new ClArgs()) {
            args.buffer(call.q()).buffer(call.k()).buffer(call.v()).buffer(call.out());
            params(args, call, call.skv(), bk, 1);
            locals(args, call.d(), bk);
            long blocks = Math.min(OpenClKernels.ceilDiv(call.sq(), ROWS), kernels.groupsYZ());
            long[] global = {call.batch() * call.hq() * group, blocks};
            kernels.device().launch(program, "attention_flash_tiled", args, global, new long[] {group, 1});
        }
    }

    private static void decode(OpenClKernels kernels, ClProgram program, Attention call, int bk) {
        OpenClDevice device = kernels.device();
        int group = OpenClDevice.GROUP_SIZE;
        int d = call.d();
        long groupRows = call.hq() / call.hkv() * call.sq(); // (query head, query) pairs per kv head
        long rowGroups = OpenClKernels.ceilDiv(groupRows, ROWS);
        long workGroups = call.batch() * call.hkv() * rowGroups;
        long target = (long) GROUPS_PER_UNIT * device.facts().computeUnits();
        long tiles = Math.max(1, OpenClKernels.ceilDiv(call.skv(), bk));
        long wanted = Math.max(1, Math.min(Math.min(tiles, kernels.groupsYZ()),
                OpenClKernels.ceilDiv(target, workGroups)));
        long kvChunk = OpenClKernels.ceilDiv(tiles, wanted) * bk;
        long splits = Math.max(1, OpenClKernels.ceilDiv(call.skv(), kvChunk));
        long rows = call.batch() * call.hq() * call.sq();
        try (OpenClDevice.Scratch partialO = device.scratch(4L * rows * splits * d);
             OpenClDevice.Scratch partialMl = device.scratch(8L * rows * splits)) {
            try (ClArgs args = new ClArgs()) {
                args.buffer(call.q()).buffer(call.k()).buffer(call.v())
                        .buffer(partialO.memory()).buffer(partialMl.memory());
                params(args, call, kvChunk, bk, splits);
                locals(args, d, bk);
                long[] global = {call.batch() * call.hkv() * group, rowGroups, splits};
                device.launch(program, "attention_decode_split", args, global, new long[] {group, 1, 1});
            }
            try (ClArgs args = new ClArgs()) {
                args.buffer(partialO.memory()).buffer(partialMl.memory()).buffer(call.out());
                params(args, call, kvChunk, bk, splits);
                long[] global = {rows * OpenClKernels.ceilDiv(d, COMBINE_THREADS) * COMBINE_THREADS};
                device.launch(program, "attention_decode_combine", args, global, new long[] {COMBINE_THREADS});
            }
        }
    }
}
