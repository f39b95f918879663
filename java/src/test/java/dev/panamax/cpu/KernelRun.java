package dev.panamax.cpu;

import dev.panamax.DType;
import dev.panamax.internal.Half;
import dev.panamax.internal.Kernels;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Runs CPU kernels directly on a pool of a chosen size, to compare results across thread counts. */
final class KernelRun {
    private KernelRun() {
    }

    static CpuMemory memory(Arena arena, float[] values) {
        MemorySegment s = arena.allocate((long) values.length * 4, 64);
        MemorySegment.copy(values, 0, s, ValueLayout.JAVA_FLOAT, 0, values.length);
        return new CpuMemory(arena, s, s);
    }

    static float[] floats(CpuMemory m) {
        return m.segment().toArray(ValueLayout.JAVA_FLOAT);
    }

    /** F32 or BF16 memory holding the values (rounded to BF16). */
    static CpuMemory memory(Arena arena, DType t, float[] values) {
        return t == DType.BF16 ? bf16(arena, values) : memory(arena, values);
    }

    /** The elements of F32 or BF16 memory, widened. */
    static float[] floats(CpuMemory m, DType t) {
        if (t != DType.BF16) {
            return floats(m);
        }
        short[] h = m.segment().toArray(ValueLayout.JAVA_SHORT);
        float[] f = new float[h.length];
        for (int i = 0; i < h.length; i++) {
            f[i] = Half.bf16ToFloat(h[i]);
        }
        return f;
    }

    static float[] gemm(int threads, float[] a, float[] b, int m, int n, int k) {
        try (Arena arena = Arena.ofShared()) {
            CpuMemory c = memory(arena, new float[m * n]);
            new CpuKernels(new CpuPool(threads)).gemm(new Kernels.Gemm(DType.F32, DType.F32, 1, m, n, k, 1f,
                    memory(arena, a), false, memory(arena, b), false, false, 0f, c));
            return floats(c);
        }
    }

    /** C [m, n] F32 = A [m, k] B^T for B stored [n, k], both BF16 (rounded from the floats). */
    static float[] gemmTransB16(int threads, float[] a, float[] b, int m, int n, int k) {
        try (Arena arena = Arena.ofShared()) {
            CpuMemory c = memory(arena, new float[m * n]);
            new CpuKernels(new CpuPool(threads)).gemm(new Kernels.Gemm(DType.BF16, DType.F32, 1, m, n, k, 1f,
                    bf16(arena, a), false, bf16(arena, b), true, false, 0f, c));
            return floats(c);
        }
    }

    static CpuMemory bf16(Arena arena, float[] values) {
        MemorySegment s = arena.allocate((long) values.length * 2, 64);
        for (int i = 0; i < values.length; i++) {
            s.setAtIndex(ValueLayout.JAVA_SHORT, i, Half.floatToBf16(values[i]));
        }
        return new CpuMemory(arena, s, s);
    }

    static float[] attention(int threads, float[] q, float[] k, float[] v, int hq, int hkv, int sq, int skv, int d, boolean causal) {
        try (Arena arena = Arena.ofShared()) {
            CpuMemory out = memory(arena, new float[hq * sq * d]);
            new CpuKernels(new CpuPool(threads)).attention(new Kernels.Attention(DType.F32, 1, hq, hkv, sq, skv, d, causal,
                    (float) (1 / Math.sqrt(d)), memory(arena, q), memory(arena, k), memory(arena, v), out));
            return floats(out);
        }
    }

    static float[] softmax(int threads, float[] x, int rows, int cols) {
        try (Arena arena = Arena.ofShared()) {
            CpuMemory out = memory(arena, new float[rows * cols]);
            new CpuKernels(new CpuPool(threads)).softmax(new Kernels.Softmax(DType.F32, rows, cols, memory(arena, x), out));
            return floats(out);
        }
    }
}
