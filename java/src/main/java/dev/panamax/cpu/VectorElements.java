package dev.panamax.cpu;

import dev.panamax.DType;

import dev.panamax.internal.Half;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * {@link Elements}' bulk moves on the Vector API: F32 copies, BF16 and F16 widened with integer
 * lane operations (exact, subnormals, infinities and NaN payloads included), BF16 rounded to
 * nearest even, and the 16 x 16 register transpose used to pack transposed GEMM operands.
 */
final class VectorElements {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, F.vectorShape());
    private static final VectorSpecies<Short> H = VectorSpecies.of(short.class, VectorShape.forBitSize(F.vectorBitSize() / 2));
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT;
    /** 2^112: rescales an F16 exponent (bias 15) placed in an F32 exponent field (bias 127). */
    private static final float F16_SCALE = 0x1p112f;

    private VectorElements() {
    }

    /**
     * The F32 block [kc, nc] at element {@code from} of s (row stride ld) into dst as ceil(nc / nr)
     * panels [kc, nr], nr a multiple of L, panel by panel: each panel's rows are read with whole
     * vector loads (masked in the last, partial panel, whose missing columns become zeros) and
     * written one after another. Panel by panel and without a call per row, this packs at the
     * speed of a copy (measured single-threaded on [256, 384] blocks of 100 distinct matrices:
     * 27 us against 47 for the general row-by-row path, a plain copy 27 us).
     */
    static void packPanelsF32(MemorySegment s, long from, long ld, int kc, int nc, int nr, float[] dst) {
        packPanelsF32(s, from, ld, kc, nc, nr, dst, 0);
    }

    /** {@link #packPanelsF32(MemorySegment, long, long, int, int, int, float[])} with the panels from dst[dstAt]. */
    static void packPanelsF32(MemorySegment s, long from, long ld, int kc, int nc, int nr, float[] dst, int dstAt) {
        long rowBytes = ld * Float.BYTES;
        for (int q = 0, at = dstAt; q * nr < nc; q++) {
            int cols = Math.min(nr, nc - q * nr);
            long byteAt = (from + (long) q * nr) * Float.BYTES;
            for (int v = 0; v < nr; v += L) {
                long b = byteAt + (long) v * Float.BYTES;
                int d = at + v;
                if (v + L <= cols) {
                    for (int p = 0; p < kc; p++, b += rowBytes, d += nr) {
                        FloatVector.fromMemorySegment(F, s, b, LE).intoArray(dst, d);
                    }
                } else {
                    VectorMask<Float> m = F.indexInRange(v, cols);
                    for (int p = 0; p < kc; p++, b += rowBytes, d += nr) {
                        FloatVector.fromMemorySegment(F, s, b, LE, m).intoArray(dst, d);
                    }
                }
            }
            at += kc * nr;
        }
    }

    /** Element i of the n at {@code from} goes to dst[at + (i / seg) * stride + i % seg]. */
    static void loadF32(MemorySegment s, long from, float[] dst, int at, int n, int seg, int stride) {
        long byteAt = from * Float.BYTES;
        for (int s0 = 0, d = at; s0 < n; s0 += seg, d += stride) {
            int len = Math.min(seg, n - s0);
            long segAt = byteAt + (long) s0 * Float.BYTES;
            int i = 0;
            for (; i <= len - L; i += L) {
                FloatVector.fromMemorySegment(F, s, segAt + (long) i * Float.BYTES, LE).intoArray(dst, d + i);
            }
            if (i < len) {
                VectorMask<Float> m = F.indexInRange(i, len);
                FloatVector.fromMemorySegment(F, s, segAt + (long) i * Float.BYTES, LE, m).intoArray(dst, d + i, m);
            }
        }
    }

    /**
     * a[i] = x[from + i] and b[i] = y[from + i] for i &lt; n (F32): each range cut in two halves and
     * the four halves read together, four streams from memory where one copy after the other reads
     * one at a time (a thread reads memory faster from several streams: 2 threads summing 512 MiB
     * on the Zen 4 guest, 28 GB/s from one stream each, 32-35 from four). Decode attention's keys
     * and values ([Hq 32, Hkv 8, Skv 8192, D 128] F32, the same guest, three alternated runs of 400
     * calls): median 4.60-5.20 ms copied one after the other, 4.62-4.84 as two streams, 4.18-4.36
     * as four, 4.73-5.25 as eight.
     */
    static void loadF32Pair(MemorySegment x, MemorySegment y, long from, float[] a, float[] b, int n) {
        long byteAt = from * Float.BYTES;
        int half = n / (2 * L) * L; // each array in two halves, four streams
        long h = (long) half * Float.BYTES;
        for (int i = 0; i < half; i += L) {
            long at = byteAt + (long) i * Float.BYTES;
            FloatVector x0 = FloatVector.fromMemorySegment(F, x, at, LE);
            FloatVector y0 = FloatVector.fromMemorySegment(F, y, at, LE);
            FloatVector x1 = FloatVector.fromMemorySegment(F, x, at + h, LE);
            FloatVector y1 = FloatVector.fromMemorySegment(F, y, at + h, LE);
            x0.intoArray(a, i);
            y0.intoArray(b, i);
            x1.intoArray(a, i + half);
            y1.intoArray(b, i + half);
        }
        int i = 2 * half;
        if (i < n) {
            loadF32(x, from + i, a, i, n - i, n - i, 0);
            loadF32(y, from + i, b, i, n - i, n - i, 0);
        }
    }

    /**
     * dst[at + i] = s[from + i] for i &lt; n (F32), the range cut in four quarters read together:
     * four streams from memory where one pass in order reads one. topK's chunks of 16,384 elements
     * ([256, 32768] k = 64 over 8 inputs, median of 300 calls, three alternations on the Zen 4
     * guest): 3.18-3.35 ms read in order, 2.80-2.97 in quarters.
     */
    static void loadF32Quarters(MemorySegment s, long from, float[] dst, int at, int n) {
        long byteAt = from * Float.BYTES;
        int q = n / (4 * L) * L;
        long h = (long) q * Float.BYTES;
        for (int i = 0; i < q; i += L) {
            long b = byteAt + (long) i * Float.BYTES;
            FloatVector x0 = FloatVector.fromMemorySegment(F, s, b, LE);
            FloatVector x1 = FloatVector.fromMemorySegment(F, s, b + h, LE);
            FloatVector x2 = FloatVector.fromMemorySegment(F, s, b + 2 * h, LE);
            FloatVector x3 = FloatVector.fromMemorySegment(F, s, b + 3 * h, LE);
            x0.intoArray(dst, at + i);
            x1.intoArray(dst, at + i + q);
            x2.intoArray(dst, at + i + 2 * q);
            x3.intoArray(dst, at + i + 3 * q);
        }
        int i = 4 * q;
        if (i < n) {
            loadF32(s, from + i, dst, at + i, n - i, n - i, 0);
        }
    }

    /**
     * {@link #loadF32Pair} for BF16 ranges, widened (exact); a loop of its own, not a dtype branch
     * in one loop, so that C2 profiles and inlines each on its own (see {@link VectorActivations}).
     */
    static void loadBf16Pair(MemorySegment x, MemorySegment y, long from, float[] a, float[] b, int n) {
        int half = n / (2 * L) * L;
        for (int i = 0; i < half; i += L) {
            long at = from + i;
            FloatVector x0 = bf16At(x, at);
            FloatVector y0 = bf16At(y, at);
            FloatVector x1 = bf16At(x, at + half);
            FloatVector y1 = bf16At(y, at + half);
            x0.intoArray(a, i);
            y0.intoArray(b, i);
            x1.intoArray(a, i + half);
            y1.intoArray(b, i + half);
        }
        int i = 2 * half;
        if (i < n) {
            loadBf16(x, from + i, a, i, n - i, n - i, 0);
            loadBf16(y, from + i, b, i, n - i, n - i, 0);
        }
    }

    static void storeF32(float[] src, int at, MemorySegment s, long from, int n) {
        long byteAt = from * Float.BYTES;
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector.fromArray(F, src, at + i).intoMemorySegment(s, byteAt + (long) i * Float.BYTES, LE);
        }
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector.fromArray(F, src, at + i, m).intoMemorySegment(s, byteAt + (long) i * Float.BYTES, LE, m);
        }
    }

    /** The L BF16 elements of s from element {@code from} on, widened (exact). */
    static FloatVector bf16At(MemorySegment s, long from) {
        return widenBits(s, from, 0).lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
    }

    /** v rounded to BF16 (nearest even, NaN kept and quieted) into the L elements of s from element {@code from} on. */
    static void storeBf16At(FloatVector v, MemorySegment s, long from) {
        IntVector bits = v.reinterpretAsInts();
        IntVector lsb = bits.lanewise(VectorOperators.LSHR, 16).and(1);
        IntVector rounded = bits.add(lsb.add(0x7FFF)).lanewise(VectorOperators.LSHR, 16);
        IntVector quiet = bits.lanewise(VectorOperators.LSHR, 16).or(0x0040);
        VectorMask<Integer> nan = bits.and(0x7FFF_FFFF).compare(VectorOperators.GT, 0x7F80_0000);
        ShortVector out = (ShortVector) rounded.blend(quiet, nan).convertShape(VectorOperators.I2S, H, 0);
        out.intoMemorySegment(s, from * 2, LE);
    }

    private static IntVector widenBits(MemorySegment s, long from, int i) {
        ShortVector h = ShortVector.fromMemorySegment(H, s, (from + i) * 2, LE);
        return (IntVector) h.convertShape(VectorOperators.S2I, I, 0);
    }

    static void loadBf16(MemorySegment s, long from, float[] dst, int at, int n, int seg, int stride) {
        for (int s0 = 0, d = at; s0 < n; s0 += seg, d += stride) {
            int len = Math.min(seg, n - s0);
            long segFrom = from + s0;
            int i = 0;
            for (; i <= len - L; i += L) {
                bf16At(s, segFrom + i).intoArray(dst, d + i);
            }
            for (; i < len; i++) {
                dst[d + i] = Half.bf16ToFloat(s.getAtIndex(U16, segFrom + i));
            }
        }
    }

    /**
     * The L F16 elements of s from element {@code from} on, widened (exact; NaN comes out quiet,
     * as from Float.float16ToFloat).
     */
    static FloatVector f16At(MemorySegment s, long from) {
        IntVector h = widenBits(s, from, 0);
        IntVector sign = h.and(0x8000).lanewise(VectorOperators.LSHL, 16);
        IntVector em = h.and(0x7FFF);
        IntVector shifted = em.lanewise(VectorOperators.LSHL, 13);
        // finite values (subnormals too) by an exact power-of-two rescale; inf and NaN by setting the exponent
        IntVector finite = shifted.reinterpretAsFloats().mul(F16_SCALE).reinterpretAsInts();
        IntVector special = shifted.or(0x7F80_0000).blend(shifted.or(0x7FC0_0000), em.compare(VectorOperators.GT, 0x7C00));
        VectorMask<Integer> isSpecial = em.compare(VectorOperators.GE, 0x7C00);
        return finite.blend(special, isSpecial).or(sign).reinterpretAsFloats();
    }

    /**
     * Converts {@code n} elements from element {@code start} of src (F32, F16 or BF16) into dst
     * (F32 or BF16) in one pass, segment to segment, as {@link Elements#load} then
     * {@link Elements#store} would (the same bits): whole vectors only; returns how many
     * elements it converted (a multiple of L), 0 for a pair it does not take (F32 to F16, BF16
     * and F16 to each other), the rest left to the caller.
     */
    static int convert(MemorySegment src, DType from, MemorySegment dst, DType to, long start, int n) {
        int i = 0;
        if (from == DType.F32 && to == DType.BF16) {
            for (; i <= n - L; i += L) {
                storeBf16At(FloatVector.fromMemorySegment(F, src, (start + i) * Float.BYTES, LE), dst, start + i);
            }
        } else if (from == DType.BF16 && to == DType.F32) {
            for (; i <= n - L; i += L) {
                bf16At(src, start + i).intoMemorySegment(dst, (start + i) * Float.BYTES, LE);
            }
        } else if (from == DType.F16 && to == DType.F32) {
            for (; i <= n - L; i += L) {
                f16At(src, start + i).intoMemorySegment(dst, (start + i) * Float.BYTES, LE);
            }
        }
        return i;
    }

    static void loadF16(MemorySegment s, long from, float[] dst, int at, int n, int seg, int stride) {
        for (int s0 = 0, d = at; s0 < n; s0 += seg, d += stride) {
            int len = Math.min(seg, n - s0);
            long segFrom = from + s0;
            int i = 0;
            for (; i <= len - L; i += L) {
                f16At(s, segFrom + i).intoArray(dst, d + i);
            }
            for (; i < len; i++) {
                dst[d + i] = Float.float16ToFloat(s.getAtIndex(U16, segFrom + i));
            }
        }
    }

    static void storeBf16(float[] src, int at, MemorySegment s, long from, int n) {
        int i = 0;
        for (; i <= n - L; i += L) {
            storeBf16At(FloatVector.fromArray(F, src, at + i), s, from + i);
        }
        for (; i < n; i++) {
            s.setAtIndex(U16, from + i, Half.floatToBf16(src[at + i]));
        }
    }

    /**
     * A GEMM A panel from row-major rows: {@code dst[dOff + p * mr + r] = src[sOff + r * ld + p]}
     * for r &lt; mr &lt;= 16, p &lt; cols, by 16 x 16 register transposes whose 16 - mr surplus rows are
     * read (they must be inside src) and dropped, each transposed column stored with an mr-lane
     * mask; 8 x 8 ones ({@link Transpose8}) with 256-bit vectors and mr &lt;= 8. {@code tmp}: 256
     * floats. Otherwise: {@link #transpose} of all mr rows.
     */
    static void transposeToPanel(float[] src, int sOff, int ld, int mr, int cols, float[] dst, int dOff, float[] tmp) {
        if (L == 8 && mr <= 8) {
            // whole 8-lane stores in ascending columns: the lanes past mr land in the next column's
            // slot, which a later store (or the scalar edge) overwrites; none past the panel's end
            // (a masked store ran as Java code here: Objects.checkIndex in a profile of MiniLM)
            int end = dOff + cols * mr;
            int c0 = 0;
            for (; c0 + 8 <= cols; c0 += 8) {
                Transpose8.block(src, sOff + c0, ld, tmp, 0, 8);
                for (int c = 0; c < 8; c++) {
                    int at = dOff + (c0 + c) * mr;
                    if (at + 8 <= end) {
                        FloatVector.fromArray(F, tmp, c * 8).intoArray(dst, at);
                    } else {
                        System.arraycopy(tmp, c * 8, dst, at, mr);
                    }
                }
            }
            Elements.transposeScalar(src, sOff + c0, ld, mr, cols - c0, dst, dOff + c0 * mr, mr);
            return;
        }
        if (L != 16) {
            transpose(src, sOff, ld, mr, cols, dst, dOff, mr);
            return;
        }
        VectorMask<Float> lanes = F.indexInRange(0, mr);
        int c0 = 0;
        for (; c0 + 16 <= cols; c0 += 16) {
            Transpose16.block(src, sOff + c0, ld, tmp, 0, 16);
            for (int c = 0; c < 16; c++) {
                FloatVector.fromArray(F, tmp, c * 16).intoArray(dst, dOff + (c0 + c) * mr, lanes);
            }
        }
        Elements.transposeScalar(src, sOff + c0, ld, mr, cols - c0, dst, dOff + c0 * mr, mr);
    }

    /** Lane i takes lane i + h (wrapping), for {@link #laneSum}. */
    private static final VectorShuffle<Float> HALF8 = VectorShuffle.iota(F, 8 % L, 1, true),
            HALF4 = VectorShuffle.iota(F, 4 % L, 1, true), HALF2 = VectorShuffle.iota(F, 2 % L, 1, true),
            HALF1 = VectorShuffle.iota(F, 1, 1, true);

    /**
     * The lanes of s summed by halving: lane i plus lane i + L/2, then i + L/4, down to one lane.
     * Every step is a lanewise add of a fixed rearrangement, so the order is fixed (unlike
     * reduceLanes(ADD), whose order is free) and the JIT and the interpreter give the same bits;
     * log2(L) dependent adds where adding the lanes one after another took L (for the rows of a
     * 1,024-wide BF16 weight, as many cycles as the row's products: a cache-resident BF16 GEMV
     * [256, 1024] ran at 42-44 GB/s a thread against 33-35).
     */
    static float laneSum(FloatVector s) {
        if (L > 8) {
            s = s.add(s.rearrange(HALF8));
        }
        if (L > 4) {
            s = s.add(s.rearrange(HALF4));
        }
        if (L > 2) {
            s = s.add(s.rearrange(HALF2));
        }
        return s.add(s.rearrange(HALF1)).lane(0);
    }

    /** Whether {@link #packRows} runs here: 16-lane vectors, the register transpose's width. */
    static final boolean TRANSPOSE16 = L == 16;

    /**
     * Up to 16 rows of F32 (row stride ld, the first at element {@code first} of s) turned into a
     * panel: dst[at + p * ldd + r] = s[first + r * ld + p] for r &lt; rows &lt;= 16, p &lt; kc. It packs
     * both a transposed B (16 rows, ldd the panel's nr) and a row-major A (mr rows, ldd = mr).
     * Each step reads two cache lines of every row straight from memory into {@code tmp} (512
     * floats; rows past {@code rows} zero) and turns them in registers ({@link Transpose16}): the
     * rows' streams run at once, where copying one row's kc floats after another left each short
     * stream to start cold (8 x [3584, 4096] transposed at kc = 384, 2 threads: 15 GB/s against
     * 10.7), and where a row-major A copied into scratch first was read twice. The block stores
     * are 16 wide, ldd apart, in order: where ldd &lt; 16 each overwrites the previous one's 16 - ldd
     * extra lanes (zeros, from the zero rows) and the last one spills that many zeros past the
     * block, so dst needs 16 - ldd floats after the panel, and panels go in order. Lanes rows..ldd-1
     * of the steps past the last whole block are left to the caller.
     */
    static void packRows(MemorySegment s, long first, long ld, int rows, int kc, float[] dst, int at, int ldd, float[] tmp) {
        java.util.Arrays.fill(tmp, rows * 16, 256, 0f);
        java.util.Arrays.fill(tmp, 256 + rows * 16, 512, 0f);
        int p = 0;
        for (; p + 32 <= kc; p += 32) {
            for (int r = 0; r < rows; r++) {
                long from = (first + r * ld + p) * Float.BYTES;
                FloatVector.fromMemorySegment(F, s, from, LE).intoArray(tmp, r * 16);
                FloatVector.fromMemorySegment(F, s, from + 16 * Float.BYTES, LE).intoArray(tmp, 256 + r * 16);
            }
            Transpose16.block(tmp, 0, 16, dst, at + p * ldd, ldd);
            Transpose16.block(tmp, 256, 16, dst, at + (p + 16) * ldd, ldd);
        }
        for (; p + 16 <= kc; p += 16) {
            for (int r = 0; r < rows; r++) {
                FloatVector.fromMemorySegment(F, s, (first + r * ld + p) * Float.BYTES, LE).intoArray(tmp, r * 16);
            }
            Transpose16.block(tmp, 0, 16, dst, at + p * ldd, ldd);
        }
        for (; p < kc; p++) {
            for (int r = 0; r < rows; r++) {
                dst[at + p * ldd + r] = s.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, first + r * ld + p);
            }
        }
    }

    /**
     * dst[dOff + c * ldd + r] = src[sOff + r * ld + c] for r &lt; rows, c &lt; cols: 16 x 16 or 8 x 8
     * register blocks by the vector width, the edges scalar.
     */
    static void transpose(float[] src, int sOff, int ld, int rows, int cols, float[] dst, int dOff, int ldd) {
        int r0 = 0;
        if (L == 16) {
            for (; r0 + 16 <= rows; r0 += 16) {
                int c0 = 0;
                for (; c0 + 16 <= cols; c0 += 16) {
                    Transpose16.block(src, sOff + r0 * ld + c0, ld, dst, dOff + c0 * ldd + r0, ldd);
                }
                Elements.transposeScalar(src, sOff + r0 * ld + c0, ld, 16, cols - c0, dst, dOff + c0 * ldd + r0, ldd);
            }
        } else if (L == 8) {
            for (; r0 + 8 <= rows; r0 += 8) {
                int c0 = 0;
                for (; c0 + 8 <= cols; c0 += 8) {
                    Transpose8.block(src, sOff + r0 * ld + c0, ld, dst, dOff + c0 * ldd + r0, ldd);
                }
                Elements.transposeScalar(src, sOff + r0 * ld + c0, ld, 8, cols - c0, dst, dOff + c0 * ldd + r0, ldd);
            }
        }
        Elements.transposeScalar(src, sOff + r0 * ld, ld, rows - r0, cols, dst, dOff + r0, ldd);
    }
}
