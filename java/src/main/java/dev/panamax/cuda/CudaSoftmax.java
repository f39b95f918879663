package dev.panamax.cuda;

import dev.panamax.DType;
import dev.panamax.internal.KernelStruct;
import dev.panamax.internal.Kernels.Softmax;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Row softmax on CUDA (softmax.cu), the variant by row length: softmax_row_warp (a warp per row, 8
 * rows per block), _block (128 threads per row), _block_wide (512) with the row in registers, 32
 * values per thread; softmax_row_online (1024 threads, two passes) past that. Every variant takes
 * SoftmaxParams. Stateless past its device's launch context.
 */
final class CudaSoftmax {
    /** SoftmaxParams of kernels/cuda/params.cuh. */
    static final StructLayout PARAMS = KernelStruct.of("SoftmaxParams",
            JAVA_LONG.withName("x"), JAVA_LONG.withName("out"), JAVA_LONG.withName("rows"), JAVA_LONG.withName("cols"));
    private static final VarHandle X = KernelStruct.field(PARAMS, "x");
    private static final VarHandle OUT = KernelStruct.field(PARAMS, "out");
    private static final VarHandle ROWS = KernelStruct.field(PARAMS, "rows");
    private static final VarHandle COLS = KernelStruct.field(PARAMS, "cols");

    // softmax.cu: the register variants hold 32 values per thread
    static final int WARP_THREADS = 256;  // 8 rows per block
    static final int WARP_MAX_COLS = 32 * 32;
    static final int BLOCK_THREADS = 128;
    static final int BLOCK_MAX_COLS = BLOCK_THREADS * 32;
    static final int WIDE_THREADS = 512;
    static final int WIDE_MAX_COLS = WIDE_THREADS * 32;
    static final int ONLINE_THREADS = 1024;

    private final CudaLaunchContext launches;

    CudaSoftmax(CudaLaunchContext launches) {
        this.launches = launches;
    }

    /** softmax_row_warp / _block / _block_wide / _online by row length. */
    static String kernel(DType dtype, long cols) {
        String variant = cols <= WARP_MAX_COLS ? "warp" : cols <= BLOCK_MAX_COLS ? "block"
                : cols <= WIDE_MAX_COLS ? "block_wide" : "online";
        return "softmax_row_" + variant + "_" + CudaLaunchContext.suffix(dtype);
    }

    void run(Softmax call) {
        long cols = call.cols();
        int threads = cols <= WARP_MAX_COLS ? WARP_THREADS : cols <= BLOCK_MAX_COLS ? BLOCK_THREADS
                : cols <= WIDE_MAX_COLS ? WIDE_THREADS : ONLINE_THREADS;
        long blocks = cols <= WARP_MAX_COLS ? Math.ceilDiv(call.rows(), WARP_THREADS / 32) : call.rows();
        MemorySegment p = launches.params(PARAMS);
        X.set(p, 0L, launches.address(call.x()));
        OUT.set(p, 0L, launches.address(call.out()));
        ROWS.set(p, 0L, call.rows());
        COLS.set(p, 0L, cols);
        launches.launch(kernel(call.dtype(), cols), blocks, threads, 0, p);
    }

    /** Every kernel this family may launch. */
    static List<String> kernelNames() {
        List<String> names = new ArrayList<>();
        for (DType t : CudaLaunchContext.FLOATS) {
            for (long cols : new long[] {1, WARP_MAX_COLS + 1, BLOCK_MAX_COLS + 1, WIDE_MAX_COLS + 1}) {
                names.add(kernel(t, cols));
            }
        }
        return names;
    }
}
