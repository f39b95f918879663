package dev.panamax.cpu;

import dev.panamax.DType;
import dev.panamax.internal.Kernels;
import dev.panamax.testing.Data;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** The CPU row norms give the same bits whatever the number of threads, short rows and long (chunked) ones alike. */
class CpuNormTest {

    private static float[] layerNorm(int threads, float[] x, float[] gamma, float[] beta, int rows, int cols) {
        try (Arena arena = Arena.ofShared()) {
            CpuMemory out = KernelRun.memory(arena, new float[rows * cols]);
            new CpuKernels(new CpuPool(threads)).norm(new Kernels.Norm(Kernels.NormOp.LAYER_NORM, DType.F32, DType.F32,
                    DType.F32, rows, cols, 1e-5f, KernelRun.memory(arena, x), null, KernelRun.memory(arena, gamma),
                    KernelRun.memory(arena, beta), out));
            return KernelRun.floats(out);
        }
    }

    @Test
    void sameBitsWhateverTheThreads() {
        Data data = Data.fresh();
        for (int cols : new int[] {1000, 50_001}) {
            int rows = 5;
            float[] x = data.normal(rows * cols, 3), gamma = data.normal(cols, 1), beta = data.normal(cols, 1);
            assertArrayEquals(layerNorm(1, x, gamma, beta, rows, cols), layerNorm(3, x, gamma, beta, rows, cols), data.describe());
        }
    }
}
