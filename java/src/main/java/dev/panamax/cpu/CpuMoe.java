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

    /**
     * One expert product on {@code pool}: out [n, cols] F32 = rows [n, inner] of rowType times the
     * rows [col0, col0 + cols) of expert e's weight of {@code which} ([outputs, inner]), transposed.
     */
    private interface Linear {
        void apply(CpuPool pool, Which which, int e, long col0, long cols, MemorySegment rows, DType rowType, int n, long inner,
                   MemorySegment out);
    }

    /** Runs a product on the calling thread: the decode path's tasks each run one. */
    private static final CpuPool SERIAL = new CpuPool(1);
    /** Output columns per task of the decode path. */
    private static final int DECODE_COLUMNS = 256;
    /** ... with packed experts: whole strips. */
    private static final int PACKED_DECODE_COLUMNS = 3 * CpuGemm.STRIP;

    private enum Which { GATE, UP, DOWN }

    static void moe(CpuPool pool, Kernels.Moe call) {
        DType t = call.dtype();
        int es = t.byteSize();
        long weightBytes = call.ffn() * call.hidden() * es;
        MemorySegment gate = CpuMemory.segment(call.gate()), up = CpuMemory.segment(call.up());
        MemorySegment down = CpuMemory.segment(call.down());
        run(pool, call, t, DECODE_COLUMNS, (on, which, e, col0, cols, rows, rowType, n, inner, out) -> {
            MemorySegment w = which == Which.GATE ? gate : which == Which.UP ? up : down;
            CpuGemm.run(on, new Kernels.Gemm(t, DType.F32, 1, n, cols, inner, 1f, memory(rows, (long) n * inner * es), false,
                    slice(w, e * weightBytes + col0 * inner * es, cols * inner * es), true, false, 0f,
                    memory(out, (long) n * cols * 4)));
        });
    }

    /**
     * moe with the experts packed ({@link CpuGemm#pack}'s F32 strips, one expert after another):
     * the same steps, each expert product read from its strips ({@link CpuGemm#streamedStripsMatmul},
     * in place for an expert's few hundred rows), so that no call transposes a weight. The decode
     * path's tasks take whole strips.
     */
    static void packedMoe(CpuPool pool, Kernels.PackedMoe packed) {
        Kernels.Moe call = packed.moe();
        DType t = call.dtype();
        MemorySegment gate = CpuMemory.segment(call.gate()), up = CpuMemory.segment(call.up());
        MemorySegment down = CpuMemory.segment(call.down());
        long gateUpBytes = packed.gateUp().elements() * Float.BYTES, downBytes = packed.down().elements() * Float.BYTES;
        run(pool, call, t, PACKED_DECODE_COLUMNS, (on, which, e, col0, cols, rows, rowType, n, inner, out) -> {
            MemorySegment w = which == Which.GATE ? gate : which == Which.UP ? up : down;
            long expert = e * (which == Which.DOWN ? downBytes : gateUpBytes);
            long stripBytes = inner * CpuGemm.STRIP * Float.BYTES; // col0 starts a strip
            long from = expert + col0 / CpuGemm.STRIP * stripBytes;
            Memory a = memory(rows, (long) n * inner * t.byteSize());
            Memory b = slice(w, from, Math.ceilDiv(cols, CpuGemm.STRIP) * stripBytes);
            CpuGemm.streamedStripsMatmul(on, new Kernels.Gemm(t, DType.F32, 1, n, cols, inner, 1f, a, false, b, false, false, 0f,
                    memory(out, (long) n * cols * 4)));
        });
    }

    /**
     * The INT8 moe: the same steps, each expert product an INT8 matmul of {@link CpuInt8} (W8A16 or
     * W8A8) into F32; the activations stay F32 between up and down.
     */
    static void quantizedMoe(CpuPool pool, Kernels.QuantizedMoe q) {
        Kernels.Moe call = q.moe();
        long weightBytes = call.ffn() * call.hidden();
        MemorySegment[] values = {CpuMemory.segment(call.gate()), CpuMemory.segment(call.up()), CpuMemory.segment(call.down())};
        MemorySegment[] scales = {CpuMemory.segment(q.gateScales()), CpuMemory.segment(q.upScales()),
            CpuMemory.segment(q.downScales())};
        run(pool, call, DType.F32, DECODE_COLUMNS, (on, which, e, col0, cols, rows, rowType, n, inner, out) -> {
            int i = which.ordinal();
            long outputs = which == Which.DOWN ? call.hidden() : call.ffn();
            CpuInt8.matmul(on, rowType, rows, n, cols, inner, q.quantizeActivations(),
                    values[i].asSlice(e * weightBytes + col0 * inner, cols * inner),
                    scales[i].asSlice((e * outputs + col0) * 4, cols * 4), DType.F32, out);
        });
    }

    /**
     * The layer around its expert products: align, gather, gate and up, SwiGLU in F32, the
     * activations in actType (the down product's operand type), down, combine.
     */
    private static void run(CpuPool pool, Kernels.Moe call, DType actType, int decodeColumns, Linear linear) {
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
            if (valid > 0 && maxRows <= CpuGemm.FEW_ROWS) {
                decode(pool, call, actType, decodeColumns, linear, arena, count, tokenOf, y);
            } else if (valid > 0) {
                MemorySegment xs = arena.allocate(Math.max(es, maxRows * hidden * es), 64);
                MemorySegment g = arena.allocate(Math.max(4, maxRows * ffn * 4), 64);
                MemorySegment u = arena.allocate(Math.max(4, maxRows * ffn * 4), 64);
                int as = actType.byteSize();
                MemorySegment act = actType == DType.F32 ? g : arena.allocate(Math.max(as, maxRows * ffn * as), 64);
                long rowBytes = hidden * es;
                for (int e = 0; e < experts; e++) {
                    int first = count[e], n = count[e + 1] - first;
                    if (n == 0) {
                        continue;
                    }
                    for (int i = 0; i < n; i++) {
                        MemorySegment.copy(x, tokenOf[first + i] * rowBytes, xs, i * rowBytes, rowBytes);
                    }
                    long inner = n * ffn;
                    if (inner > 0) {
                        linear.apply(pool, Which.GATE, e, 0, ffn, xs, t, n, hidden, g);
                        linear.apply(pool, Which.UP, e, 0, ffn, xs, t, n, hidden, u);
                        Memory gateOut = memory(g, inner * 4);
                        CpuElementwise.run(pool, new Kernels.Elementwise(Kernels.ElementwiseOp.SWIGLU, DType.F32, inner, inner,
                                gateOut, memory(u, inner * 4), gateOut));
                        if (actType != DType.F32) {
                            CpuConvert.run(pool, g, DType.F32, act, actType, inner);
                        }
                    }
                    linear.apply(pool, Which.DOWN, e, 0, hidden, act, actType, n, ffn, y.asSlice(first * hidden * 4, n * hidden * 4));
                }
            }
            combine(pool, t, tokens, k, hidden, weights, slotOf, y, out);
        }
    }

    /**
     * Few rows per expert (decoding): every chosen expert's products in two passes over the pool
     * instead of three per expert. Pass one: tasks of {@code columns} columns of F
     * ({@link #DECODE_COLUMNS}; for packed experts whole strips, {@link #PACKED_DECODE_COLUMNS}),
     * each multiplying its expert's rows by those rows of gate and of up (each weight byte read once)
     * and turning them into silu(gate) ⊙ up; pass two: tasks of columns of H for down. The tasks
     * of all the experts share the threads, so two experts' weights stream at once and no thread
     * waits at the end of each product. Each product sums as the parallel path does (its own
     * columns, the same order), so the bits do not depend on the split.
     */
    private static void decode(CpuPool pool, Kernels.Moe call, DType actType, int columns, Linear linear, Arena arena,
                               int[] count, int[] tokenOf, MemorySegment y) {
        DType t = call.dtype();
        int es = t.byteSize(), as = actType.byteSize();
        long hidden = call.hidden(), ffn = call.ffn();
        int experts = (int) call.experts(), valid = count[experts];
        MemorySegment x = CpuMemory.segment(call.x());
        MemorySegment xs = arena.allocate((long) valid * hidden * es, 64); // x's rows in expert order
        for (int i = 0; i < valid; i++) {
            MemorySegment.copy(x, tokenOf[i] * hidden * es, xs, i * hidden * es, hidden * es);
        }
        MemorySegment act = arena.allocate(Math.max(as, (long) valid * ffn * as), 64); // [valid, F] of actType
        int[] chosen = java.util.stream.IntStream.range(0, experts).filter(e -> count[e + 1] > count[e]).toArray();
        long fChunks = Math.ceilDiv(ffn, columns), hChunks = Math.ceilDiv(hidden, columns);
        if (ffn > 0) {
            pool.forRange(chosen.length * fChunks, 1, (lo, hi) -> {
                try (Arena local = Arena.ofConfined()) {
                    MemorySegment g = local.allocate((long) CpuGemm.FEW_ROWS * columns * 4, 64);
                    MemorySegment u = local.allocate((long) CpuGemm.FEW_ROWS * columns * 4, 64);
                    float[] row = new float[columns];
                    for (long task = lo; task < hi; task++) {
                        int e = chosen[(int) (task / fChunks)], first = count[e], n = count[e + 1] - first;
                        long c0 = (task % fChunks) * columns;
                        int w = (int) Math.min(columns, ffn - c0);
                        MemorySegment rows = xs.asSlice(first * hidden * es, n * hidden * es);
                        linear.apply(SERIAL, Which.GATE, e, c0, w, rows, t, n, hidden, g);
                        linear.apply(SERIAL, Which.UP, e, c0, w, rows, t, n, hidden, u);
                        Memory gm = memory(g, (long) n * w * 4);
                        CpuElementwise.run(SERIAL, new Kernels.Elementwise(Kernels.ElementwiseOp.SWIGLU, DType.F32, (long) n * w,
                                (long) n * w, gm, memory(u, (long) n * w * 4), gm));
                        for (int r = 0; r < n; r++) {
                            MemorySegment.copy(g, ValueLayout.JAVA_FLOAT, (long) r * w * 4, row, 0, w);
                            Elements.store(row, 0, act, actType, (first + r) * ffn + c0, w);
                        }
                    }
                }
            });
        }
        pool.forRange(chosen.length * hChunks, 1, (lo, hi) -> {
            try (Arena local = Arena.ofConfined()) {
                MemorySegment d = local.allocate((long) CpuGemm.FEW_ROWS * columns * 4, 64);
                for (long task = lo; task < hi; task++) {
                    int e = chosen[(int) (task / hChunks)], first = count[e], n = count[e + 1] - first;
                    long c0 = (task % hChunks) * columns;
                    int w = (int) Math.min(columns, hidden - c0);
                    linear.apply(SERIAL, Which.DOWN, e, c0, w, act.asSlice(first * ffn * as, Math.max(0, n * ffn * as)), actType,
                            n, ffn, d);
                    for (int r = 0; r < n; r++) {
                        MemorySegment.copy(d, (long) r * w * 4, y, ((first + r) * hidden + c0) * 4, (long) w * 4);
                    }
                }
            }
        });
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
