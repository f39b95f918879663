package dev.panamax.cpu;

import dev.panamax.DType;
import dev.panamax.internal.Kernels;
import dev.panamax.internal.Memory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The MoE family on the CPU: {@code groupedMatmul} and the {@code moe} layer, both built on the
 * GEMM of {@link CpuGemm} (its packing and micro-kernels for many rows, {@link GemmFewRows} for
 * decoding, whose tasks split the columns of a weight matrix over every thread and stream it once).
 *
 * <p>groupedMatmul: each non-empty group is one GEMM of its rows against w[g]ᵀ, run on all
 * threads; the rows no group covers are zeroed. moe: a counting sort of the (token, slot) pairs
 * by expert (stable: pairs of one expert keep their token order, so the sums do not depend on
 * anything but the inputs), then for each chosen expert its rows of x are gathered, multiplied by
 * gate and up into F32 (two GEMMs), turned into silu(gate) ⊙ up (rounded to x's dtype, the
 * down GEMM's operand type), multiplied by down into F32 rows of a [pairs, H] buffer; last, each
 * token sums its k weighted rows in slot order in F32 and rounds once. An expert no token chose
 * is never read. The GEMM sums in an order that does not depend on the thread count, so neither
 * does this.
 */
final class CpuMoe {
    private CpuMoe() {
    }

    static void groupedMatmul(CpuPool pool, Kernels.GroupedMatmul call) {
        DType t = call.dtype();
        int es = t.byteSize();
        long rows = call.rows(), cols = call.cols(), inner = call.inner();
        MemorySegment x = CpuMemory.segment(call.x()), w = CpuMemory.segment(call.w()), out = CpuMemory.segment(call.out());
        MemorySegment ends = CpuMemory.segment(call.groupEnds());
        long covered = 0; // groups cover [0, covered) in order, each from the largest end before it
        for (long g = 0; g < call.groups(); g++) {
            long end = Math.clamp(ends.getAtIndex(ValueLayout.JAVA_INT, g), 0, rows);
            if (end > covered) {
                CpuGemm.run(pool, new Kernels.Gemm(t, t, 1, end - covered, cols, inner, 1f,
                        slice(x, covered * inner * es, (end - covered) * inner * es), false,
                        slice(w, g * cols * inner * es, cols * inner * es), true, false, 0f,
                        slice(out, covered * cols * es, (end - covered) * cols * es)));
                covered = end;
            }
        }
        out.asSlice(covered * cols * es).fill((byte) 0); // zeros are zeros in every float dtype
    }

    static void moe(CpuPool pool, Kernels.Moe call) {
        DType t = call.dtype();
        int es = t.byteSize();
        int tokens = Math.toIntExact(call.tokens()), k = call.k();
        long hidden = call.hidden(), ffn = call.ffn(), experts = call.experts();
        MemorySegment x = CpuMemory.segment(call.x()), out = CpuMemory.segment(call.out());
        int[] chosen = CpuMemory.segment(call.indices()).toArray(ValueLayout.JAVA_INT);
        float[] weights = CpuMemory.segment(call.weights()).toArray(ValueLayout.JAVA_FLOAT);
        int pairs = Math.multiplyExact(tokens, k);

        // align: tokens per expert, their offsets, and the pairs in expert order (a stable counting sort)
        int[] count = new int[(int) experts + 1];
        for (int e : chosen) {
            if (e >= 0 && e < experts) {
                count[e + 1]++;
            }
        }
        int maxRows = 0;
        for (int e = 0; e < experts; e++) {
            maxRows = Math.max(maxRows, count[e + 1]);
            count[e + 1] += count[e];
        }
        int valid = count[(int) experts];
        int[] next = java.util.Arrays.copyOf(count, (int) experts);
        int[] tokenOf = new int[valid];  // sorted position -> token
        int[] slotOf = new int[pairs];   // pair -> sorted position, -1 for an expert out of range
        for (int p = 0; p < pairs; p++) {
            int e = chosen[p];
            if (e >= 0 && e < experts) {
                int at = next[e]++;
                tokenOf[at] = p / k;
                slotOf[p] = at;
            } else {
                slotOf[p] = -1;
            }
        }

        try (Arena arena = Arena.ofShared()) {
            MemorySegment y = arena.allocate(Math.max(4, (long) valid * hidden * 4), 64); // [valid, H] F32
            if (valid > 0) {
                MemorySegment xs = arena.allocate(Math.max(es, maxRows * hidden * es), 64);
                MemorySegment g = arena.allocate(Math.max(4, maxRows * ffn * 4), 64);
                MemorySegment u = arena.allocate(Math.max(4, maxRows * ffn * 4), 64);
                MemorySegment act = t == DType.F32 ? g : arena.allocate(Math.max(es, maxRows * ffn * es), 64);
                MemorySegment gate = CpuMemory.segment(call.gate()), up = CpuMemory.segment(call.up());
                MemorySegment down = CpuMemory.segment(call.down());
                long rowBytes = hidden * es, weightBytes = ffn * hidden * es;
                for (int e = 0; e < experts; e++) {
                    int first = count[e], n = count[e + 1] - first;
                    if (n == 0) {
                        continue;
                    }
                    for (int i = 0; i < n; i++) {
                        MemorySegment.copy(x, tokenOf[first + i] * rowBytes, xs, i * rowBytes, rowBytes);
                    }
                    Memory rowsOfX = memory(xs, n * rowBytes);
                    Memory gateOut = memory(g, n * ffn * 4), upOut = memory(u, n * ffn * 4);
                    long inner = n * ffn;
                    if (inner > 0) {
                        CpuGemm.run(pool, new Kernels.Gemm(t, DType.F32, 1, n, ffn, hidden, 1f, rowsOfX, false,
                                slice(gate, e * weightBytes, weightBytes), true, false, 0f, gateOut));
                        CpuGemm.run(pool, new Kernels.Gemm(t, DType.F32, 1, n, ffn, hidden, 1f, rowsOfX, false,
                                slice(up, e * weightBytes, weightBytes), true, false, 0f, upOut));
                        CpuElementwise.run(pool, new Kernels.Elementwise(Kernels.ElementwiseOp.SWIGLU, DType.F32, inner, inner,
                                gateOut, upOut, gateOut));
                        if (t != DType.F32) {
                            CpuConvert.run(pool, g, DType.F32, act, t, inner);
                        }
                    }
                    CpuGemm.run(pool, new Kernels.Gemm(t, DType.F32, 1, n, hidden, ffn, 1f, memory(act, inner * es), false,
                            slice(down, e * weightBytes, weightBytes), true, false, 0f,
                            memory(y.asSlice(first * hidden * 4, n * hidden * 4))));
                }
            }
            combine(pool, t, tokens, k, hidden, weights, slotOf, y, out);
        }
    }

    /** out[t] = sum over j in order of weights[t, j] * y[slot of (t, j)], F32, rounded once to t. */
    private static void combine(CpuPool pool, DType t, int tokens, int k, long hidden, float[] weights, int[] slotOf,
                                MemorySegment y, MemorySegment out) {
        int width = (int) Math.min(hidden, 4096);
        long grain = Math.max(1, (1 << 16) / Math.max(1, hidden * k));
        pool.forRange(tokens, grain, (lo, hi) -> {
            float[] acc = new float[width];
            float[] row = new float[width];
            for (long tok = lo; tok < hi; tok++) {
                for (long h0 = 0; h0 < hidden; h0 += width) {
                    int len = (int) Math.min(width, hidden - h0);
                    java.util.Arrays.fill(acc, 0, len, 0f);
                    for (int j = 0; j < k; j++) {
                        int p = (int) tok * k + j, slot = slotOf[p];
                        if (slot < 0) {
                            continue;
                        }
                        float wj = weights[p];
                        Elements.load(y, DType.F32, slot * hidden + h0, row, 0, len);
                        for (int i = 0; i < len; i++) {
                            acc[i] = Math.fma(wj, row[i], acc[i]);
                        }
                    }
                    Elements.store(acc, 0, out, t, tok * hidden + h0, len);
                }
            }
        });
    }

    private static Memory slice(MemorySegment s, long offset, long bytes) {
        return memory(s.asSlice(offset, bytes));
    }

    private static Memory memory(MemorySegment s, long bytes) {
        return memory(s.asSlice(0, bytes));
    }

    private static Memory memory(MemorySegment s) {
        return new CpuMemory(null, s, s);
    }
}
