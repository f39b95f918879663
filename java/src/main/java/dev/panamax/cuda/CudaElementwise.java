package dev.panamax.cuda;

import dev.panamax.DType;
import dev.panamax.internal.KernelStruct;
import dev.panamax.internal.Kernels.Elementwise;
import dev.panamax.internal.Kernels.ElementwiseOp;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The elementwise ops on CUDA (elementwise.cu): elementwise_{op}_{dtype}, one 16-byte group of
 * elements per thread step (4 F32 or 8 16-bit), grid-stride over the groups. Every kernel takes
 * ElementwiseParams. Stateless: the launch context is passed in.
 */
final class CudaElementwise {
    /** ElementwiseParams of kernels/cuda/params.cuh. */
    static final StructLayout PARAMS = KernelStruct.of("ElementwiseParams",
            JAVA_LONG.withName("a"), JAVA_LONG.withName("b"), JAVA_LONG.withName("out"),
            JAVA_LONG.withName("n"), JAVA_LONG.withName("bSize"));
    private static final VarHandle A = KernelStruct.field(PARAMS, "a");
    private static final VarHandle B = KernelStruct.field(PARAMS, "b");
    private static final VarHandle OUT = KernelStruct.field(PARAMS, "out");
    private static final VarHandle N = KernelStruct.field(PARAMS, "n");
    private static final VarHandle B_SIZE = KernelStruct.field(PARAMS, "bSize");

    // elementwise.cu
    static final int THREADS = 256;

    private CudaElementwise() {
    }

    static String kernel(ElementwiseOp op, DType dtype) {
        return "elementwise_" + op.name().toLowerCase(Locale.ROOT) + "_" + CudaLaunchContext.suffix(dtype);
    }

    static void run(CudaLaunchContext launches, Elementwise call) {
        long group = 16 / call.dtype().byteSize();  // elements per thread step
        MemorySegment p = launches.params(PARAMS);
        A.set(p, 0L, launches.address(call.a()));
        B.set(p, 0L, call.op().binary() ? launches.address(call.b()) : 0L);
        OUT.set(p, 0L, launches.address(call.out()));
        N.set(p, 0L, call.n());
        B_SIZE.set(p, 0L, call.op().binary() ? call.bSize() : call.n());
        launches.launch(kernel(call.op(), call.dtype()), Math.ceilDiv(Math.ceilDiv(call.n(), group), THREADS), THREADS, 0, p);
    }

    /** Every kernel this family may launch. */
    static List<String> kernelNames() {
        List<String> names = new ArrayList<>();
        for (ElementwiseOp op : ElementwiseOp.values()) {
            for (DType t : CudaLaunchContext.FLOATS) {
                names.add(kernel(op, t));
            }
        }
        return names;
    }
}
