package dev.panamax.cuda;

import dev.panamax.DType;
import dev.panamax.internal.KernelStruct;
import dev.panamax.internal.Kernels.Norm;
import dev.panamax.internal.Kernels.NormOp;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The row norms on CUDA (norm.cu), the variant by row length as softmax's: {op}_warp (a warp per
 * row, 8 rows per block), _block (128 threads per row), _block_wide (512) with the row in
 * registers, 32 values per thread, read once; {op}_two_pass (512 threads) past 16384, which
 * reads a row twice. Then the dtype and the weights' suffix ({@link Norm#weightSuffix}). Every
 * kernel takes NormParams. Stateless: the launch context is passed in.
 */
final class CudaNorm {
    /** NormParams of kernels/cuda/params.cuh. */
    static final StructLayout PARAMS = KernelStruct.of("NormParams",
            JAVA_LONG.withName("x"), JAVA_LONG.withName("residual"), JAVA_LONG.withName("gamma"),
            JAVA_LONG.withName("beta"), JAVA_LONG.withName("out"), JAVA_LONG.withName("rows"),
            JAVA_LONG.withName("cols"), JAVA_FLOAT.withName("eps"));
    private static final VarHandle X = KernelStruct.field(PARAMS, "x");
    private static final VarHandle RESIDUAL = KernelStruct.field(PARAMS, "residual");
    private static final VarHandle GAMMA = KernelStruct.field(PARAMS, "gamma");
    private static final VarHandle BETA = KernelStruct.field(PARAMS, "beta");
    private static final VarHandle OUT = KernelStruct.field(PARAMS, "out");
    private static final VarHandle ROWS = KernelStruct.field(PARAMS, "rows");
    private static final VarHandle COLS = KernelStruct.field(PARAMS, "cols");
    private static final VarHandle EPS = KernelStruct.field(PARAMS, "eps");

    // norm.cu's variants by row length: the register ones hold 32 values per thread
    private static final String[] VARIANTS = {"warp", "block", "block_wide", "two_pass"};
    private static final int[] THREADS = {256, 128, 512, 512};  // warp: 8 rows per block
    private static final long[] MAX_COLS = {32 * 32, 128 * 32, 512 * 32, Long.MAX_VALUE};

    private CudaNorm() {
    }

    private static int variant(long cols) {
        int v = 0;
        while (cols > MAX_COLS[v]) {
            v++;
        }
        return v;
    }

    /** {op}_{warp|block|block_wide|two_pass}_{dtype}{weight suffix}. */
    static String kernel(NormOp op, DType dtype, long cols, String weightSuffix) {
        return op.name().toLowerCase(Locale.ROOT) + "_" + VARIANTS[variant(cols)] + "_" + CudaLaunchContext.suffix(dtype)
                + weightSuffix;
    }

    static void run(CudaLaunchContext launches, Norm call) {
        long cols = call.cols();
        int v = variant(cols);
        long blocks = v == 0 ? Math.ceilDiv(call.rows(), THREADS[0] / 32) : call.rows();
        MemorySegment p = launches.params(PARAMS);
        X.set(p, 0L, launches.address(call.x()));
        RESIDUAL.set(p, 0L, call.op() == NormOp.ADD_RMS_NORM ? launches.address(call.residual()) : 0L);
        GAMMA.set(p, 0L, launches.address(call.gamma()));
        BETA.set(p, 0L, call.op() == NormOp.LAYER_NORM ? launches.address(call.beta()) : 0L);
        OUT.set(p, 0L, launches.address(call.out()));
        ROWS.set(p, 0L, call.rows());
        COLS.set(p, 0L, cols);
        EPS.set(p, 0L, call.eps());
        launches.launch(kernel(call.op(), call.dtype(), cols, call.weightSuffix()), blocks, THREADS[v], 0, p);
    }

    /** Every kernel this family may launch. */
    static List<String> kernelNames() {
        List<String> names = new ArrayList<>();
        for (NormOp op : NormOp.values()) {
            for (DType t : CudaLaunchContext.FLOATS) {
                List<String> suffixes = t == DType.F32 ? List.of("")
                        : op == NormOp.LAYER_NORM ? List.of("", "_gf32", "_bf32", "_gf32_bf32") : List.of("", "_gf32");
                for (String suffix : suffixes) {
                    for (long cols : new long[] {1, MAX_COLS[0] + 1, MAX_COLS[1] + 1, MAX_COLS[2] + 1}) {
                        names.add(kernel(op, t, cols, suffix));
                    }
                }
            }
        }
        return names;
    }
}
