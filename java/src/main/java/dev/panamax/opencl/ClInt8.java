package dev.panamax.opencl;

import dev.panamax.DType;
import dev.panamax.internal.KernelStruct;
import dev.panamax.internal.Kernels.Dequantize;
import dev.panamax.internal.Kernels.Moe;
import dev.panamax.internal.Kernels.Quantize;
import dev.panamax.internal.Kernels.QuantizedMatmul;
import dev.panamax.internal.Kernels.QuantizedMoe;
import dev.panamax.internal.Memory;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The INT8 family on OpenCL (int8.cl). quantize: quantize_rows, a segment of work-items per row
 * as softmax takes ({@link OpenClKernels#rowThreads}), its divisions correctly rounded in integer
 * arithmetic where the device's could change a result, so that the bits match every backend.
 * dequantize: one multiply per element. matmul: W8A8 first quantizes x's rows with quantize_rows
 * into scratch (I8 values and F32 scales); then, for at most {@link #FEW_ROWS} rows of x
 * (decoding), qmm_rows streams each weight row once (32 work-items per row, 16-byte loads) against
 * every row of x, else qmm_tiled (64 x 64 tiles). moe: moe.cl's moe_align, (W8A8: x's rows
 * quantized), qmm_tiled grouped by expert against gate and up at once into act [pairs, ffn] F32
 * (SwiGLU in its epilogue), (W8A8: act's rows quantized), qmm_tiled grouped by expert against
 * down into y [pairs, hidden] F32, moe.cl's moe_combine; for at most {@link ClMoe#DECODE_PAIRS}
 * pairs qmoe_rows in place of the two tiled products. All on the device's in-order queue, no
 * host round trip.
 */
final class ClInt8 {
    /** Rows of x that take qmm_rows (FEW_ROWS in int8.cl). */
    static final long FEW_ROWS = 8;

    /** Int8Params of kernels/opencl/params.h. */
    static final StructLayout PARAMS = KernelStruct.of("Int8Params",
            JAVA_LONG.withName("rows"), JAVA_LONG.withName("cols"), JAVA_LONG.withName("inner"),
            JAVA_LONG.withName("groups"), JAVA_INT.withName("a8"), JAVA_INT.withName("threads_per_row"));
    private static final VarHandle ROWS = KernelStruct.field(PARAMS, "rows");
    private static final VarHandle COLS = KernelStruct.field(PARAMS, "cols");
    private static final VarHandle INNER = KernelStruct.field(PARAMS, "inner");
    private static final VarHandle GROUPS = KernelStruct.field(PARAMS, "groups");
    private static final VarHandle A8 = KernelStruct.field(PARAMS, "a8");
    private static final VarHandle THREADS_PER_ROW = KernelStruct.field(PARAMS, "threads_per_row");

    private ClInt8() {
    }

    static void quantize(OpenClKernels kernels, Quantize call) {
        quantizeRows(kernels, kernels.program("int8.cl", call.dtype(), DType.F32), call.w(), call.values(), call.scales(),
                call.rows(), call.cols());
    }

    /** values [rows, cols] I8 and scales [rows] F32 from w [rows, cols] of program's ELEM_DTYPE. */
    private static void quantizeRows(OpenClKernels kernels, ClProgram program, Memory w, Memory values, Memory scales,
                                     long rows, long cols) {
        int group = OpenClDevice.GROUP_SIZE;
        int threadsPerRow = OpenClKernels.rowThreads(cols);
        try (ClArgs args = ClArgs.begin()) {
            args.buffer(w).buffer(values).buffer(scales);
            THREADS_PER_ROW.set(params(args, rows, cols, 0, 0, false), 0L, threadsPerRow);
            args.grid(group, Math.min(kernels.groupsYZ(), Math.ceilDiv(rows, group / threadsPerRow)), group, 1);
            kernels.device().launch(program, "quantize_rows", args);
        }
    }

    static void dequantize(OpenClKernels kernels, Dequantize call) {
        try (ClArgs args = ClArgs.begin()) {
            args.buffer(call.values()).buffer(call.scales()).buffer(call.out());
            params(args, call.rows(), call.cols(), 0, 0, false);
            int group = OpenClDevice.GROUP_SIZE;
            args.grid(group, Math.min(kernels.groupsYZ(), Math.ceilDiv(call.rows() * call.cols(), group)), group, 1);
            kernels.device().launch(kernels.program("int8.cl", DType.F32, DType.F32), "dequantize", args);
        }
    }

    static void matmul(OpenClKernels kernels, QuantizedMatmul call) {
        OpenClDevice device = kernels.device();
        DType t = call.dtype();
        ClProgram program = kernels.program("int8.cl", t, t);
        long rows = call.rows(), cols = call.cols(), inner = call.inner();
        boolean a8 = call.quantizeActivations();
        try (OpenClDevice.Scratch qx = a8 ? device.scratch(Math.max(4, rows * inner)) : null;
             OpenClDevice.Scratch sx = a8 ? device.scratch(4 * rows) : null) {
            Memory x = a8 ? null : call.x();
            Memory qxm = a8 ? qx.memory() : null, sxm = a8 ? sx.memory() : null;
            if (a8) {
                quantizeRows(kernels, program, call.x(), qxm, sxm, rows, inner);
            }
            if (rows <= FEW_ROWS) {
                try (ClArgs args = ClArgs.begin()) {
                    args.buffer(x).buffer(qxm).buffer(sxm).buffer(call.values()).buffer(call.scales()).buffer(call.out());
                    params(args, rows, cols, inner, 0, a8);
                    ClMoe.dots(kernels, args, cols);
                    device.launch(program, "qmm_rows", args);
                }
            } else {
                products(kernels, program, false, new Operand(x, qxm, sxm, null), call.values(), call.scales(), null, null,
                        null, call.out(), null, rows, cols, inner, 0, a8);
            }
        }
    }

    static void moe(OpenClKernels kernels, QuantizedMoe q) {
        OpenClDevice device = kernels.device();
        Moe call = q.moe();
        DType t = call.dtype();
        boolean a8 = q.quantizeActivations();
        ClProgram moe = kernels.program("moe.cl", t, DType.F32);
        ClProgram onX = kernels.program("int8.cl", t, DType.F32);
        ClProgram onF32 = kernels.program("int8.cl", DType.F32, DType.F32);
        long tokens = call.tokens(), pairs = tokens * call.k(), experts = call.experts();
        long hidden = call.hidden(), ffn = call.ffn();
        boolean decode = pairs <= ClMoe.DECODE_PAIRS;
        try (OpenClDevice.Scratch cursor = device.scratch(4 * experts);
             OpenClDevice.Scratch ends = device.scratch(4 * experts);
             OpenClDevice.Scratch rows = device.scratch(4 * pairs);
             OpenClDevice.Scratch slots = device.scratch(4 * pairs);
             OpenClDevice.Scratch act = device.scratch(Math.max(4, 4 * pairs * ffn));
             OpenClDevice.Scratch y = device.scratch(4 * pairs * hidden);
             OpenClDevice.Scratch qx = a8 ? device.scratch(tokens * hidden) : null;
             OpenClDevice.Scratch sx = a8 ? device.scratch(4 * tokens) : null;
             OpenClDevice.Scratch qa = a8 ? device.scratch(Math.max(4, pairs * ffn)) : null;
             OpenClDevice.Scratch sa = a8 ? device.scratch(4 * pairs) : null) {
            ClMoe.align(device, moe, call, pairs, cursor.memory(), rows.memory(), slots.memory(), ends.memory());
            Memory qxm = a8 ? qx.memory() : null, sxm = a8 ? sx.memory() : null;
            Memory qam = a8 ? qa.memory() : null, sam = a8 ? sa.memory() : null;
            if (a8) {
                quantizeRows(kernels, onX, call.x(), qxm, sxm, tokens, hidden);
            }
            if (ffn > 0) {
                products(kernels, onX, decode, new Operand(a8 ? null : call.x(), qxm, sxm, rows.memory()), call.gate(),
                        q.gateScales(), call.up(), q.upScales(), ends.memory(), null, act.memory(), pairs, ffn, hidden,
                        experts, a8);
            }
            if (a8) {
                quantizeRows(kernels, onF32, act.memory(), qam, sam, pairs, ffn);
            }
            products(kernels, onF32, decode, new Operand(a8 ? null : act.memory(), qam, sam, null), call.down(),
                    q.downScales(), null, null, ends.memory(), y.memory(), null, pairs, hidden, ffn, experts, a8);
            ClMoe.combine(kernels, moe, call, pairs, y.memory(), slots.memory());
        }
    }

    /**
     * The left operand of a product: x (W8A16), or its quantized rows qx with their scales sx
     * (W8A8); rowsOf, when not null, maps each output row to its row of the operand.
     */
    private record Operand(Memory x, Memory qx, Memory sx, Memory rowsOf) {
    }

    /**
     * qmm_tiled, or for {@code decode} qmoe_rows (grouped by ends, which it then needs): out
     * [rows, cols] = a · b0ᵀ scaled, or with b1 act [rows, cols] F32 = silu(a · b0ᵀ) · (a · b1ᵀ),
     * scaled. b0 and b1 [groups, cols, inner] (groups 0: one weight, no ends).
     */
    private static void products(OpenClKernels kernels, ClProgram program, boolean decode, Operand a, Memory b0,
                                 Memory scales0, Memory b1, Memory scales1, Memory ends, Memory out, Memory act, long rows,
                                 long cols, long inner, long groups, boolean a8) {
        try (ClArgs args = ClArgs.begin()) {
            args.buffer(a.x()).buffer(a.qx()).buffer(a.sx()).buffer(a.rowsOf()).buffer(b0).buffer(scales0).buffer(b1)
                    .buffer(scales1).buffer(ends).buffer(out).buffer(act);
            params(args, rows, cols, inner, groups, a8);
            if (decode) {
                ClMoe.dots(kernels, args, rows * cols);
            } else {
                ClMoe.tiles(kernels, args, rows, cols, groups);
            }
            kernels.device().launch(program, decode ? "qmoe_rows" : "qmm_tiled", args);
        }
    }

    /** Writes the launch's Int8Params (threads_per_row 1) and returns them for the caller to adjust. */
    private static MemorySegment params(ClArgs args, long rows, long cols, long inner, long groups, boolean a8) {
        MemorySegment p = args.struct(PARAMS);
        ROWS.set(p, 0L, rows);
        COLS.set(p, 0L, cols);
        INNER.set(p, 0L, inner);
        GROUPS.set(p, 0L, groups);
        A8.set(p, 0L, a8 ? 1 : 0);
        THREADS_PER_ROW.set(p, 0L, 1);
        return p;
    }
}
