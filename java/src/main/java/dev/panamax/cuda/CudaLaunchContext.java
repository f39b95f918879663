package dev.panamax.cuda;

import dev.panamax.DType;
import dev.panamax.internal.Memory;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.util.List;

/**
 * What the op families of one device's kernel set ({@link CudaGemm}, {@link CudaSoftmax},
 * {@link CudaAttention}, {@link CudaTopK}, {@link CudaConvert}) share: the device, seen as a
 * {@link CudaLauncher}; the parameter struct each launch fills ({@link #params}); and the 1-D
 * launch with its grid cap. Every kernel loops over its work items (grid-stride), so a grid is
 * capped at {@link #MAX_GRID} blocks and never has to cover the work exactly; a test may cap it
 * lower ({@link #capGrid}) to make every grid-stride loop stride. Thread-safe: the cap is the
 * only mutable state.
 */
final class CudaLaunchContext {
    /** grid.x limit of every architecture the fatbin targets. */
    static final long MAX_GRID = Integer.MAX_VALUE;
    /** The dtypes every op family has kernels for, each named by its {@link #suffix}. */
    static final List<DType> FLOATS = List.of(DType.F32, DType.F16, DType.BF16);

    private final CudaLauncher launcher;
    private volatile long gridCap = MAX_GRID;

    CudaLaunchContext(CudaLauncher launcher) {
        this.launcher = launcher;
    }

    CudaLauncher launcher() {
        return launcher;
    }

    /** The {@code CUdeviceptr} of an allocation of this device. */
    long address(Memory memory) {
        return launcher.address(memory);
    }

    /**
     * The parameter struct of {@code layout} for this thread's next launches, zeroed
     * ({@link LaunchParams#struct}). Write it after everything that may launch on its own (the
     * variant choice: the arch probe) and launch it before asking for another.
     */
    MemorySegment params(StructLayout layout) {
        return LaunchParams.struct(layout);
    }

    /** Launches {@code kernel} on {@code blocks} (capped) blocks of {@code threads}; nothing when there are none. */
    void launch(String kernel, long blocks, int threads, int sharedBytes, MemorySegment params) {
        if (blocks <= 0) {
            return;
        }
        launcher.launch(kernel, Math.min(blocks, gridCap), 1, 1, threads, 1, 1, sharedBytes, params);
    }

    /** For tests: caps every grid at {@code cap} blocks (MAX_GRID restores it); returns the previous cap. */
    long capGrid(long cap) {
        if (cap < 1 || cap > MAX_GRID) {
            throw new IllegalArgumentException("grid cap " + cap + " outside [1, " + MAX_GRID + "]");
        }
        long previous = gridCap;
        gridCap = cap;
        return previous;
    }

    /** The kernel name suffix of a dtype: {@code f32}, {@code f16}, {@code bf16}. */
    static String suffix(DType dtype) {
        return switch (dtype) {
            case F32 -> "f32";
            case F16 -> "f16";
            case BF16 -> "bf16";
            default -> throw new IllegalArgumentException("not a floating-point dtype: " + dtype);
        };
    }
}
