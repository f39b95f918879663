package dev.panamax.cpu;

import dev.panamax.DType;
import dev.panamax.internal.Kernels;
import dev.panamax.internal.Memory;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The INT8 family on the CPU: quantize, dequantize and the quantized matmul.
 *
 * <p>quantize runs each row in two passes over chunks of {@link #CHUNK}: the largest magnitude
 * (NaN and ±Inf make the row's scale NaN), then the F32 division, round-half-even and clamp of
 * {@link #quantizeRow}, the one function every path that quantizes goes through, so the CPU's
 * W8A8 activations have the bits {@code Ops.quantize} would give them.
 *
 * <p>matmul, few rows of x (at most {@link #FEW_ROWS}: decoding): each weight row's bytes are read
 * once, straight from memory, and widened in registers by {@link Int8Kernel} against every row of
 * x, the columns split over the threads. More rows: the F32 GEMM of {@link CpuGemm} with the INT8
 * weight as its B, widened to F32 (integers) as the GEMM packs it. W8A16 sums
 * x · values in F32 and scales once per output; W8A8 multiplies quantized x (integers held in F32)
 * in blocks of at most 1024 columns of K, where every F32 partial sum is an integer below 2^24
 * and so exact, and adds the blocks in 32-bit integers. Either way the F32 FMA units do the work:
 * the gain over F32 weights is in the bytes read, not in the arithmetic.
 */
final class CpuInt8 {
    /** Rows of x that take the direct path. */
    static final int FEW_ROWS = 8;
    /** Columns of K per exact block of the W8A8 many-rows path: 1024 · 127 · 127 &lt; 2^24. */
    private static final int EXACT_K = 1024;
    /** Elements a quantize task reads at a time. */
    private static final int CHUNK = 4096;
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT;

    private CpuInt8() {
    }

    // ------------------------------------------------------------------ quantize, dequantize

    static void quantize(CpuPool pool, Kernels.Quantize call) {
        MemorySegment w = CpuMemory.segment(call.w()), values = CpuMemory.segment(call.values());
        MemorySegment scales = CpuMemory.segment(call.scales());
        long rows = call.rows(), cols = call.cols();
        long grain = Math.max(1, (1 << 16) / Math.max(1, cols));
        pool.forRange(rows, grain, (lo, hi) -> {
            float[] buf = new float[(int) Math.min(cols, CHUNK)];
            byte[] q = new byte[buf.length];
            for (long r = lo; r < hi; r++) {
                long base = r * cols;
                float max = 0;
                for (long c0 = 0; c0 < cols; c0 += CHUNK) {
                    int n = (int) Math.min(CHUNK, cols - c0);
                    Elements.load(w, call.dtype(), base + c0, buf, 0, n);
                    max = Math.max(max, maxAbs(buf, 0, n));
                }
                float s = scaleOf(max);
                scales.setAtIndex(F32, r, s);
                for (long c0 = 0; c0 < cols; c0 += CHUNK) {
                    int n = (int) Math.min(CHUNK, cols - c0);
                    if (s > 0) { // NaN and 0 give zeros
                        Elements.load(w, call.dtype(), base + c0, buf, 0, n);
                        quantizeRow(buf, 0, n, s, q, 0);
                        MemorySegment.copy(q, 0, values, ValueLayout.JAVA_BYTE, base + c0, n);
                    } else {
                        values.asSlice(base + c0, n).fill((byte) 0);
                    }
                }
            }
        });
    }

    /** max |v| over v[from, from + n); NaN if any is NaN, +Inf if any is infinite. */
    static float maxAbs(float[] v, int from, int n) {
        if (CpuSimd.VECTOR) {
            return VectorInt8.maxAbs(v, from, n);
        }
        float max = 0;
        for (int i = from; i < from + n; i++) {
            max = Math.max(max, Math.abs(v[i]));
        }
        return max;
    }

    /** The scale of a row whose largest magnitude is max: max / 127 in F32, NaN when max is not finite. */
    static float scaleOf(float max) {
        return Float.isFinite(max) ? max / 127f : Float.NaN;
    }

    /** q[at + i] = clamp(round-half-even(v[from + i] / s), -127, 127) for i &lt; n; s &gt; 0 and finite. */
    static void quantizeRow(float[] v, int from, int n, float s, byte[] q, int at) {
        int done = CpuSimd.VECTOR ? VectorInt8.quantizeRow(v, from, n, s, q, at) : 0;
        for (int i = done; i < n; i++) {
            float r = (float) Math.rint(v[from + i] / s);
            q[at + i] = (byte) Math.max(-127f, Math.min(127f, r));
        }
    }

    /** As {@link #quantizeRow}, the integers kept in F32 in place (the A operand of the W8A8 paths). */
    static void quantizeInPlace(float[] v, int from, int n, float s) {
        if (!(s > 0)) {
            java.util.Arrays.fill(v, from, from + n, 0f);
            return;
        }
        int done = CpuSimd.VECTOR ? VectorInt8.quantizeInPlace(v, from, n, s) : 0;
        for (int i = from + done; i < from + n; i++) {
            v[i] = Math.max(-127f, Math.min(127f, (float) Math.rint(v[i] / s) + 0f)); // + 0: -0 becomes the integer 0
        }
    }

    static void dequantize(CpuPool pool, Kernels.Dequantize call) {
        MemorySegment values = CpuMemory.segment(call.values()), scales = CpuMemory.segment(call.scales());
        MemorySegment out = CpuMemory.segment(call.out());
        long rows = call.rows(), cols = call.cols();
        long grain = Math.max(1, (1 << 16) / cols);
        pool.forRange(rows, grain, (lo, hi) -> {
            for (long r = lo; r < hi; r++) {
                float s = scales.getAtIndex(F32, r);
                long base = r * cols;
                for (long c = 0; c < cols; c++) {
                    out.setAtIndex(F32, base + c, values.get(ValueLayout.JAVA_BYTE, base + c) * s);
                }
            }
        });
    }

    // ------------------------------------------------------------------ matmul

    static void matmul(CpuPool pool, Kernels.QuantizedMatmul call) {
        matmul(pool, call.dtype(), CpuMemory.segment(call.x()), call.rows(), call.cols(), call.inner(),
                call.quantizeActivations(), CpuMemory.segment(call.values()), CpuMemory.segment(call.scales()),
                call.dtype(), CpuMemory.segment(call.out()));
    }

    /**
     * out [rows, cols] of outType = x [rows, inner] of xType times values [cols, inner] I8 with
     * scales [cols], transposed; W8A8 when {@code a8}. Also the expert products of the INT8 moe
     * (F32 out).
     */
    static void matmul(CpuPool pool, DType xType, MemorySegment x, long rows, long cols, long inner, boolean a8,
                       MemorySegment values, MemorySegment scales, DType outType, MemorySegment out) {
        int m = Math.toIntExact(rows), k = Math.toIntExact(inner);
        if (!a8 && m > FEW_ROWS) { // W8A16, many rows: x goes to the GEMM as it is (packed, widened)
            manyRows(pool, m, k, cols, x, xType, null, values, scales, outType, out);
            return;
        }
        // x as F32 rows (W8A8: quantized, integers) with their scales
        float[] a = Scratch.get(Scratch.CALL_1, Math.multiplyExact(m, k));
        float[] sx = a8 ? new float[m] : null;
        long grain = Math.max(1, (1 << 15) / Math.max(1, k));
        pool.forRange(m, grain, (lo, hi) -> {
            for (int i = (int) lo; i < hi; i++) {
                Elements.load(x, xType, (long) i * k, a, i * k, k);
                if (a8) {
                    sx[i] = scaleOf(maxAbs(a, i * k, k));
                    quantizeInPlace(a, i * k, k, sx[i]);
                }
            }
        });
        if (m <= FEW_ROWS) {
            fewRows(pool, m, k, cols, a, sx, values, scales, outType, out);
            return;
        }
        // W8A8: the quantized rows by K block (block b: the rows of a[:, b·EXACT_K .. +kb], contiguous)
        MemorySegment blocks = Scratch.segment(Scratch.NATIVE_1, Math.max(4, (long) m * k * 4));
        for (int k0 = 0; k0 < k; k0 += EXACT_K) {
            int kb = Math.min(EXACT_K, k - k0);
            for (int i = 0; i < m; i++) {
                MemorySegment.copy(a, i * k + k0, blocks, F32, ((long) m * k0 + (long) i * kb) * 4, kb);
            }
        }
        manyRows(pool, m, k, cols, blocks, DType.F32, sx, values, scales, outType, out);
    }

    /** The direct path: every weight row read once from memory against the m rows of a. */
    private static void fewRows(CpuPool pool, int m, int k, long cols, float[] a, float[] sx, MemorySegment values,
                                MemorySegment scales, DType outType, MemorySegment out) {
        Int8Kernel kernel = Int8Kernel.get();
        boolean a8 = sx != null;
        // about 256 KiB of weights (times the rows of x) per chunk, in multiples of 16 rows: the
        // INT8 [2816, 1024] of a small model is four chunks, so both threads read it
        long grain = Math.ceilDiv(Math.max(1, (1L << 18) / Math.max(1, (long) k * m)), 16) * 16;
        // one row of x: up to 1024 weight rows a kernel call (its four streams in quarters of them)
        int block = m == 1 ? 1024 : 16;
        pool.forRange(cols, grain, (lo, hi) -> {
            double[] sums = new double[m * (int) Math.min(block, hi - lo)];
            for (long n0 = lo; n0 < hi; n0 += block) {
                int rows = (int) Math.min(block, hi - n0);
                kernel.dot(m, k, a, k, values, n0 * k, k, rows, a8, sums);
                for (int i = 0; i < m; i++) {
                    for (int r = 0; r < rows; r++) {
                        float sw = scales.getAtIndex(F32, n0 + r);
                        Elements.set(out, outType, i * cols + n0 + r, scaled(sums[i * rows + r], sw, a8 ? sx[i] : 0, a8));
                    }
                }
            }
        });
    }

    /** W8A16: sw · (the F32 sum); W8A8: (sx · sw) · (float) the integer sum, two F32 multiplies. */
    private static float scaled(double sum, float sw, float sx, boolean a8) {
        if (a8) {
            return (sx * sw) * (float) (int) sum;
        }
        return sw * (float) sum;
    }

    /**
     * The many-rows path: the F32 GEMM with the INT8 weight as its B, widened as B is packed, and
     * A of aType: x itself for W8A16, its quantized rows in F32 for W8A8, stored by blocks of at
     * most {@link #EXACT_K} columns of K (each block's rows contiguous). W8A8 multiplies block by
     * block (B's rows of stride K), each block's F32 products exact integers, added in 32-bit
     * integers.
     */
    private static void manyRows(CpuPool pool, int m, int k, long cols, MemorySegment aBlocks, DType aType, float[] sx,
                               MemorySegment values, MemorySegment scales, DType outType, MemorySegment out) {
        boolean a8 = sx != null;
        int kBlock = a8 ? Math.min(k, EXACT_K) : Math.max(1, k);
        int blocks = k == 0 ? 0 : Math.ceilDiv(k, kBlock);
        int n = Math.toIntExact(cols);
        int es = aType.byteSize();
        MemorySegment prod = Scratch.segment(Scratch.NATIVE_0, Math.max(4, (long) m * n * 4));
        int[] acc = a8 && blocks > 1 ? new int[Math.multiplyExact(m, n)] : null;
        if (blocks == 0) {
            prod.fill((byte) 0);
        }
        for (int b = 0; b < blocks; b++) {
            int k0 = b * kBlock, kb = Math.min(kBlock, k - k0);
            CpuGemm.run(pool, new Kernels.Gemm(aType, DType.F32, 1, m, n, kb, 1f,
                    memory(aBlocks.asSlice((long) m * k0 * es, (long) m * kb * es)), false,
                    memory(values.asSlice(k0, (long) (n - 1) * k + kb)), true, false, 0f,
                    memory(prod.asSlice(0, (long) m * n * 4))), DType.I8, k);
            if (acc != null) {
                pool.forRange(m, Math.max(1, 4096 / n), (lo, hi) -> {
                    for (long i = lo; i < hi; i++) {
                        for (int j = 0; j < n; j++) {
                            acc[(int) i * n + j] += (int) prod.getAtIndex(F32, i * n + j);
                        }
                    }
                });
            }
        }
        float[] sw = scales.asSlice(0, (long) n * 4).toArray(F32);
        pool.forRange(m, Math.max(1, 4096 / n), (lo, hi) -> {
            float[] row = Scratch.get(Scratch.ROW_0, n);
            for (long i = lo; i < hi; i++) {
                MemorySegment.copy(prod, F32, i * n * 4, row, 0, n);
                for (int j = 0; j < n; j++) {
                    row[j] = a8 ? (sx[(int) i] * sw[j]) * (float) (acc != null ? acc[(int) i * n + j] : (int) row[j])
                            : sw[j] * row[j];
                }
                Elements.store(row, 0, out, outType, i * cols, n);
            }
        });
    }

    private static Memory memory(MemorySegment s) {
        return new CpuMemory(null, s, s);
    }
}
