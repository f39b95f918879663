package dev.panamax.cpu;

import dev.panamax.DType;
import dev.panamax.internal.Kernels;
import dev.panamax.testing.Data;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** The CPU MoE layer and grouped GEMM give the same bits on 1 and 2 threads, for few rows (GEMV) and many. */
class CpuMoeTest {

    private static CpuMemory ints(Arena arena, int[] values) {
        MemorySegment s = arena.allocate((long) values.length * 4, 64);
        MemorySegment.copy(values, 0, s, ValueLayout.JAVA_INT, 0, values.length);
        return new CpuMemory(arena, s, s);
    }

    private static float[] moe(int threads, float[] x, float[] w, int[] experts, float[] gate, float[] up, float[] down,
                               int tokens, int hidden, int ffn, int numExperts, int k) {
        try (Arena arena = Arena.ofShared()) {
            CpuMemory out = KernelRun.memory(arena, new float[tokens * hidden]);
            new CpuKernels(new CpuPool(threads)).moe(new Kernels.Moe(DType.F32, tokens, hidden, ffn, numExperts, k,
                    KernelRun.memory(arena, x), KernelRun.memory(arena, w), ints(arena, experts), KernelRun.memory(arena, gate),
                    KernelRun.memory(arena, up), KernelRun.memory(arena, down), out));
            return KernelRun.floats(out);
        }
    }

    private static float[] grouped(int threads, float[] x, float[] w, int[] ends, int rows, int cols, int inner) {
        try (Arena arena = Arena.ofShared()) {
            CpuMemory out = KernelRun.memory(arena, new float[rows * cols]);
            new CpuKernels(new CpuPool(threads)).groupedMatmul(new Kernels.GroupedMatmul(DType.F32, rows, cols, inner,
                    ends.length, KernelRun.memory(arena, x), KernelRun.memory(arena, w), ints(arena, ends), out));
            return KernelRun.floats(out);
        }
    }

    @Test
    void sameBitsWhateverTheThreads() {
        Data data = Data.fresh();
        int hidden = 256, ffn = 384, experts = 4, k = 2;
        float[] gate = data.normal(experts * ffn * hidden, 0.06), up = data.normal(experts * ffn * hidden, 0.06);
        float[] down = data.normal(experts * hidden * ffn, 0.05);
        for (int tokens : new int[] {1, 3, 150}) {
            float[] x = data.normal(tokens * hidden, 1), w = data.uniform(tokens * k, 0, 1);
            int[] chosen = new int[tokens * k];
            for (int i = 0; i < chosen.length; i++) {
                chosen[i] = data.random().nextInt(-1, experts + 1);
            }
            assertArrayEquals(moe(1, x, w, chosen, gate, up, down, tokens, hidden, ffn, experts, k),
                    moe(2, x, w, chosen, gate, up, down, tokens, hidden, ffn, experts, k), "moe T=" + tokens + "; " + data.describe());
        }
        int rows = 300;
        float[] x = data.normal(rows * hidden, 1), w = data.normal(experts * ffn * hidden, 0.06);
        int[] ends = {7, 7, 200, 290};
        assertArrayEquals(grouped(1, x, w, ends, rows, ffn, hidden), grouped(2, x, w, ends, rows, ffn, hidden),
                "groupedMatmul; " + data.describe());
    }
}
