package dev.panamax.cuda;

import dev.panamax.DType;
import dev.panamax.internal.KernelStruct;
import dev.panamax.internal.Kernels.Dequantize;
import dev.panamax.internal.Kernels.Moe;
import dev.panamax.internal.Kernels.QuantizedMatmul;
import dev.panamax.internal.Kernels.QuantizedMoe;
import dev.panamax.internal.Kernels.Quantize;
import dev.panamax.internal.Memory;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The INT8 family on CUDA (int8.cu). quantize: int8_quantize_*, a block per row. dequantize:
 * int8_dequantize. The quantized matmul: for at most {@link #FEW_ROWS} rows of x (decoding)
 * int8_w8a16_rows_* or int8_w8a8_rows_*, a warp per weight row that streams its bytes once;
 * more rows, 64 x 64 tiles: int8_w8a16_tiled_f32 (CUDA cores), int8_w8a16_mma_f16/bf16 (F16/BF16
 * tensor cores, the weight widened in shared memory) and int8_w8a8_mma_* (INT8 tensor cores,
 * m16n8k32). W8A8 first quantizes x's rows (int8_quantize_*) into scratch, each row padded with
 * zeros to a multiple of 16 bytes, with their scales. The INT8 moe: moe_align of moe.cu, then
 * (W8A8: x's rows quantized) gate and up (act F32), (W8A8: act's rows quantized) down (y F32),
 * and moe_combine_* of moe.cu: at most six launches, one scratch allocation freed stream-ordered
 * after them. Gate-up and down are a warp per output element for at most
 * {@link CudaMoe#DECODE_PAIRS} (token, expert) pairs (only the chosen experts' rows are read), else
 * 64 x 64 tiles of the sorted rows, a tile that spans experts summed expert by expert
 * ({@link #gateUpKernel}, {@link #downKernel}). Stateless: the launch context is passed in.
 */
final class CudaInt8 {
    private static final int THREADS = 256;
    private static final int WARPS = THREADS / 32;
    /** Threads of a tensor-core tile: four warps. */
    private static final int MMA_THREADS = 128;
    private static final int TILE = 64;
    /** At most this many rows of x take the warp-per-weight-row kernels (int8.cu's kMaxRows). */
    static final long FEW_ROWS = 8;

    /** Int8Params of kernels/cuda/params.cuh, its fields in order (all 64-bit). */
    private static final String[] FIELDS = {"x", "values", "scales", "out", "qx", "sx", "rows", "cols", "inner", "ldq"};
    static final StructLayout PARAMS = layout("Int8Params", FIELDS);
    private static final VarHandle[] HANDLES = handles(PARAMS, FIELDS);

    /** Int8MoeParams of kernels/cuda/params.cuh, its fields in order (all 64-bit). */
    private static final String[] MOE_FIELDS = {"x", "gate", "up", "down", "gate_scales", "up_scales", "down_scales",
        "group_ends", "sorted_rows", "act", "y", "qx", "sx", "qa", "sa", "tokens", "hidden", "ffn", "experts", "pairs",
        "ldx", "lda"};
    static final StructLayout MOE_PARAMS = layout("Int8MoeParams", MOE_FIELDS);
    private static final VarHandle[] MOE_HANDLES = handles(MOE_PARAMS, MOE_FIELDS);

    private static StructLayout layout(String name, String[] fields) {
        MemoryLayout[] members = new MemoryLayout[fields.length];
        for (int i = 0; i < fields.length; i++) {
            members[i] = JAVA_LONG.withName(fields[i]);
        }
        return KernelStruct.of(name, members);
    }

    private static VarHandle[] handles(StructLayout layout, String[] fields) {
        VarHandle[] h = new VarHandle[fields.length];
        for (int i = 0; i < fields.length; i++) {
            h[i] = KernelStruct.field(layout, fields[i]);
        }
        return h;
    }

    /** This thread's parameter struct of {@code layout} with every field set, in the order of its fields. */
    private static MemorySegment params(CudaLaunchContext launches, StructLayout layout, VarHandle[] handles,
                                        long... values) {
        MemorySegment p = launches.params(layout);
        for (int i = 0; i < handles.length; i++) {
            handles[i].set(p, 0L, values[i]);
        }
        return p;
    }

    private CudaInt8() {
    }

    static void quantize(CudaLaunchContext launches, Quantize call) {
        launchQuantize(launches, call.dtype(), launches.address(call.w()), call.rows(), call.cols(),
                launches.address(call.values()), call.cols(), launches.address(call.scales()));
    }

    /** int8_quantize_* of rows [rows, inner] of dtype at x into q (rows ldq apart, zeros past inner) and s. */
    private static void launchQuantize(CudaLaunchContext launches, DType dtype, long x, long rows, long inner, long q,
                                       long ldq, long s) {
        MemorySegment p = params(launches, PARAMS, HANDLES, x, 0, 0, 0, q, s, rows, 0, inner, ldq);
        launches.launch("int8_quantize_" + CudaLaunchContext.suffix(dtype), rows, THREADS, 0, p);
    }

    static void dequantize(CudaLaunchContext launches, Dequantize call) {
        MemorySegment p = params(launches, PARAMS, HANDLES, 0, launches.address(call.values()),
                launches.address(call.scales()), launches.address(call.out()), 0, 0, call.rows(), 0, call.cols(), 0);
        launches.launch("int8_dequantize", Math.ceilDiv(call.rows() * call.cols(), THREADS), THREADS, 0, p);
    }

    /** Row stride of quantized activations: a multiple of 16 bytes (16-byte loads), at least 16. */
    static long paddedRow(long inner) {
        return Math.max(16, Math.ceilDiv(inner, 16) * 16);
    }

    static void matmul(CudaLaunchContext launches, QuantizedMatmul call) {
        DType t = call.dtype();
        long rows = call.rows(), cols = call.cols(), inner = call.inner();
        boolean a8 = call.quantizeActivations();
        long ldq = paddedRow(inner);
        long qBytes = align256(rows * ldq);
        Memory scratch = a8 ? launches.launcher().allocateScratch(qBytes + 4 * rows) : null;
        try {
            long x = launches.address(call.x()), qx = 0, sx = 0;
            if (a8) {
                qx = launches.address(scratch);
                sx = qx + qBytes;
                launchQuantize(launches, t, x, rows, inner, qx, ldq, sx);
            }
            MemorySegment p = params(launches, PARAMS, HANDLES, x, launches.address(call.values()),
                    launches.address(call.scales()), launches.address(call.out()), qx, sx, rows, cols, inner, ldq);
            String kernel = matmulKernel(t, rows, a8);
            launches.launch(kernel, rows <= FEW_ROWS ? Math.ceilDiv(cols, WARPS) : tiles(rows, cols), threads(kernel), 0, p);
        } finally {
            if (scratch != null) {
                launches.launcher().freeScratch(scratch);  // stream-ordered: after the launches that use it
            }
        }
    }

    /** The matmul kernel for x of dtype t with {@code rows} rows, W8A8 when a8. */
    static String matmulKernel(DType t, long rows, boolean a8) {
        String s = CudaLaunchContext.suffix(t);
        if (rows <= FEW_ROWS) {
            return (a8 ? "int8_w8a8_rows_" : "int8_w8a16_rows_") + s;
        }
        if (a8) {
            return "int8_w8a8_mma_" + s;
        }
        return t == DType.F32 ? "int8_w8a16_tiled_f32" : "int8_w8a16_mma_" + s;
    }

    static void moe(CudaLaunchContext launches, QuantizedMoe q) {
        Moe call = q.moe();
        DType t = call.dtype();
        boolean a8 = q.quantizeActivations();
        long tokens = call.tokens(), pairs = tokens * call.k(), experts = call.experts();
        long hidden = call.hidden(), ffn = call.ffn();
        long ldx = paddedRow(hidden), lda = paddedRow(ffn);
        // moe_align's ints (cursor, group_ends [experts]; sorted_rows, slot_of [pairs]), act and
        // y F32, and for W8A8 the quantized rows of x and act with their scales
        long ints = align256(4 * (2 * experts + 2 * pairs));
        long actBytes = align256(4 * pairs * ffn), yBytes = align256(4 * pairs * hidden);
        long qxBytes = a8 ? align256(tokens * ldx) + align256(4 * tokens) : 0;
        long qaBytes = a8 ? align256(pairs * lda) + align256(4 * pairs) : 0;
        Memory scratch = launches.launcher().allocateScratch(ints + actBytes + yBytes + qxBytes + qaBytes);
        try {
            long base = launches.address(scratch);
            long cursor = base, ends = base + 4 * experts, sorted = base + 8 * experts, slotOf = sorted + 4 * pairs;
            long act = base + ints, y = act + actBytes;
            long qx = y + yBytes, sx = qx + align256(tokens * ldx);
            long qa = qx + qxBytes, sa = qa + align256(pairs * lda);
            long x = launches.address(call.x());

            MemorySegment m = launches.params(CudaMoe.MOE_PARAMS);
            CudaMoe.fill(m, launches, call, cursor, ends, sorted, slotOf, act, y);
            launches.launch("moe_align", 1, THREADS, 0, m);
            if (a8) {
                launchQuantize(launches, t, x, tokens, hidden, qx, ldx, sx);
            }
            long[] values = {x, launches.address(call.gate()), launches.address(call.up()), launches.address(call.down()),
                launches.address(q.gateScales()), launches.address(q.upScales()), launches.address(q.downScales()),
                ends, sorted, act, y, qx, sx, qa, sa, tokens, hidden, ffn, experts, pairs, ldx, lda};
            MemorySegment p = params(launches, MOE_PARAMS, MOE_HANDLES, values);
            boolean rows = pairs <= CudaMoe.DECODE_PAIRS;
            String gateUp = gateUpKernel(t, a8, rows);
            launches.launch(gateUp, rows ? Math.ceilDiv(pairs * ffn, WARPS) : tiles(pairs, ffn), threads(gateUp), 0, p);
            if (a8) {
                launchQuantize(launches, DType.F32, act, pairs, ffn, qa, lda, sa);
                p = params(launches, MOE_PARAMS, MOE_HANDLES, values);
            }
            String down = downKernel(a8, rows);
            launches.launch(down, rows ? Math.ceilDiv(pairs * hidden, WARPS) : tiles(pairs, hidden), threads(down), 0, p);
            m = launches.params(CudaMoe.MOE_PARAMS);
            CudaMoe.fill(m, launches, call, cursor, ends, sorted, slotOf, act, y);
            launches.launch("moe_combine_" + CudaLaunchContext.suffix(t), Math.ceilDiv(tokens * hidden, THREADS), THREADS,
                    0, m);
        } finally {
            launches.launcher().freeScratch(scratch);  // stream-ordered: after the launches that use it
        }
    }

    /**
     * The gate-and-up kernel of the INT8 moe: a warp per output for a few pairs (rows), else
     * tiles (F32 x on CUDA cores, F16/BF16 on tensor cores, W8A8 on INT8 tensor cores).
     */
    static String gateUpKernel(DType t, boolean a8, boolean rows) {
        if (rows) {
            return "int8_moe_gate_up_rows_" + (a8 ? "a8" : CudaLaunchContext.suffix(t));
        }
        if (a8) {
            return "int8_moe_gate_up_mma_a8";
        }
        return t == DType.F32 ? "int8_moe_gate_up_tiled_f32" : "int8_moe_gate_up_mma_" + CudaLaunchContext.suffix(t);
    }

    /** The down kernel of the INT8 moe (the activations are F32). */
    static String downKernel(boolean a8, boolean rows) {
        return rows ? (a8 ? "int8_moe_down_rows_a8" : "int8_moe_down_rows") : (a8 ? "int8_moe_down_mma_a8" : "int8_moe_down_tiled");
    }

    /** Block size of a kernel: 128 for tensor-core tiles (four warps), else 256. */
    private static int threads(String kernel) {
        return kernel.contains("_mma_") ? MMA_THREADS : THREADS;
    }

    /** 64 x 64 tiles covering [rows, cols]. */
    private static long tiles(long rows, long cols) {
        return Math.multiplyExact(Math.ceilDiv(rows, TILE), Math.ceilDiv(cols, TILE));
    }

    private static long align256(long bytes) {
        return Math.ceilDiv(bytes, 256) * 256;
    }

    /** Every kernel this family may launch (moe_align and moe_combine_* are CudaMoe's). */
    static List<String> kernelNames() {
        List<String> names = new ArrayList<>(List.of("int8_dequantize"));
        for (boolean a8 : new boolean[] {false, true}) {
            for (boolean rows : new boolean[] {false, true}) {
                names.add(downKernel(a8, rows));
                for (DType t : CudaLaunchContext.FLOATS) {
                    names.add(gateUpKernel(t, a8, rows));
                    names.add(matmulKernel(t, rows ? FEW_ROWS : FEW_ROWS + 1, a8));
                }
            }
        }
        for (DType t : CudaLaunchContext.FLOATS) {
            names.add("int8_quantize_" + CudaLaunchContext.suffix(t));
        }
        return names.stream().distinct().toList();
    }
}
