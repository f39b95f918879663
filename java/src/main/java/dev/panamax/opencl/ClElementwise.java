package dev.panamax.opencl;

import dev.panamax.internal.KernelStruct;
import dev.panamax.internal.Kernels.Elementwise;
import dev.panamax.internal.Kernels.ElementwiseOp;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;
import java.util.Locale;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The elementwise ops on OpenCL: elementwise.cl, one kernel per op (elementwise_add, _mul,
 * _gelu_erf, _gelu_tanh, _silu, _swiglu), a bounded grid striding over the elements. b, when it
 * is a itself, and out, when it is a, are passed as NULL buffers: the kernel then reads or
 * writes a, so that no buffer is bound to two arguments.
 */
final class ClElementwise {
    /** ElementwiseParams of kernels/opencl/params.h. */
    static final StructLayout PARAMS = KernelStruct.of("ElementwiseParams",
            JAVA_LONG.withName("n"), JAVA_LONG.withName("b_size"));
    private static final VarHandle N = KernelStruct.field(PARAMS, "n");
    private static final VarHandle B_SIZE = KernelStruct.field(PARAMS, "b_size");
    /** At most this many work-groups; each work-item then strides over n / grid elements. */
    static final long MAX_GROUPS = 4096;

    private ClElementwise() {
    }

    static String kernel(ElementwiseOp op) {
        return "elementwise_" + op.name().toLowerCase(Locale.ROOT);
    }

    static void run(OpenClKernels kernels, Elementwise call) {
        ClProgram program = kernels.program("elementwise.cl", call.dtype(), null);
        int group = OpenClDevice.GROUP_SIZE;
        try (ClArgs args = ClArgs.begin()) {
            args.buffer(call.a());
            args.buffer(call.op().binary() && call.b() != call.a() ? call.b() : null);
            args.buffer(call.out() != call.a() ? call.out() : null);
            MemorySegment p = args.struct(PARAMS);
            N.set(p, 0L, call.n());
            B_SIZE.set(p, 0L, Math.max(1, call.bSize()));
            args.grid(Math.min(MAX_GROUPS, Math.ceilDiv(call.n(), group)) * group, group);
            kernels.device().launch(program, kernel(call.op()), args);
        }
    }
}
