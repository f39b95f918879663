package dev.panamax.cpu;

import dev.panamax.DType;
import dev.panamax.internal.Half;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Element access for CPU kernels: F32, F16 and BF16 widened to float on load and rounded to
 * nearest even on store. Bulk row copies into and out of float arrays are what kernels use in
 * their loops (on the Vector API through {@link VectorElements} when {@link CpuSimd#VECTOR});
 * the per-element forms are for edges and tests.
 */
final class Elements {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT;
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT;

    private Elements() {
    }

    static float get(MemorySegment s, DType t, long i) {
        return switch (t) {
            case F32 -> s.getAtIndex(F32, i);
            case F16 -> Float.float16ToFloat(s.getAtIndex(U16, i));
            case BF16 -> Half.bf16ToFloat(s.getAtIndex(U16, i));
            default -> throw new IllegalArgumentException("not a floating-point dtype: " + t);
        };
    }

    static void set(MemorySegment s, DType t, long i, float v) {
        switch (t) {
            case F32 -> s.setAtIndex(F32, i, v);
            case F16 -> s.setAtIndex(U16, i, Float.floatToFloat16(v));
            case BF16 -> s.setAtIndex(U16, i, Half.floatToBf16(v));
            default -> throw new IllegalArgumentException("not a floating-point dtype: " + t);
        }
    }

    /** Widens {@code n} elements starting at element {@code from} of {@code s} into {@code dst[at..]}. */
    static void load(MemorySegment s, DType t, long from, float[] dst, int at, int n) {
        load(s, t, from, dst, at, n, Math.max(1, n), 0);
    }

    /**
     * {@link #load} of the same n elements from x into a[0..] and from y into b[0..]: read together
     * where the Vector API takes t (F32, BF16: {@link VectorElements#loadF32Pair}, four streams),
     * else one after the other.
     */
    static void loadPair(MemorySegment x, MemorySegment y, DType t, long from, float[] a, float[] b, int n) {
        if (CpuSimd.VECTOR && t == DType.F32) {
            VectorElements.loadF32Pair(x, y, from, a, b, n);
        } else if (CpuSimd.VECTOR && t == DType.BF16) {
            VectorElements.loadBf16Pair(x, y, from, a, b, n);
        } else {
            load(x, t, from, a, 0, n);
            load(y, t, from, b, 0, n);
        }
    }

    /**
     * {@link #load}, the range read in four quarters at once where the Vector API takes t (F32:
     * {@link VectorElements#loadF32Quarters}), else in order.
     */
    static void loadQuarters(MemorySegment s, DType t, long from, float[] dst, int at, int n) {
        if (CpuSimd.VECTOR && t == DType.F32) {
            VectorElements.loadF32Quarters(s, from, dst, at, n);
        } else {
            load(s, t, from, dst, at, n);
        }
    }

    /**
     * Widens {@code n} elements starting at element {@code from} of {@code s}, cut into segments
     * of {@code seg}: element i goes to {@code dst[at + (i / seg) * stride + i % seg]} (packing
     * a row of B into panels in one call).
     */
    static void load(MemorySegment s, DType t, long from, float[] dst, int at, int n, int seg, int stride) {
        if (t == DType.I8) { // the INT8 weights of a quantized matmul, widened exactly (integers)
            for (int s0 = 0, d = at; s0 < n; s0 += seg, d += stride) {
                int len = Math.min(seg, n - s0);
                int done = CpuSimd.VECTOR ? VectorInt8.widenRow(s, from + s0, dst, d, len) : 0;
                for (int i = done; i < len; i++) {
                    dst[d + i] = s.get(ValueLayout.JAVA_BYTE, from + s0 + i);
                }
            }
            return;
        }
        if (CpuSimd.VECTOR) {
            switch (t) {
                case F32 -> VectorElements.loadF32(s, from, dst, at, n, seg, stride);
                case F16 -> VectorElements.loadF16(s, from, dst, at, n, seg, stride);
                case BF16 -> VectorElements.loadBf16(s, from, dst, at, n, seg, stride);
                default -> throw new IllegalArgumentException("not a floating-point dtype: " + t);
            }
            return;
        }
        for (int s0 = 0, d = at; s0 < n; s0 += seg, d += stride) {
            int len = Math.min(seg, n - s0);
            long segFrom = from + s0;
            switch (t) {
                case F32 -> MemorySegment.copy(s, F32, segFrom * 4, dst, d, len);
                case F16 -> {
                    for (int i = 0; i < len; i++) {
                        dst[d + i] = Float.float16ToFloat(s.getAtIndex(U16, segFrom + i));
                    }
                }
                case BF16 -> {
                    for (int i = 0; i < len; i++) {
                        dst[d + i] = Half.bf16ToFloat(s.getAtIndex(U16, segFrom + i));
                    }
                }
                default -> throw new IllegalArgumentException("not a floating-point dtype: " + t);
            }
        }
    }

    /** Rounds {@code src[at..at+n)} into {@code n} elements of {@code s} starting at element {@code from}. */
    static void store(float[] src, int at, MemorySegment s, DType t, long from, int n) {
        if (CpuSimd.VECTOR && t != DType.F16) {
            if (t == DType.F32) {
                VectorElements.storeF32(src, at, s, from, n);
            } else if (t == DType.BF16) {
                VectorElements.storeBf16(src, at, s, from, n);
            } else {
                throw new IllegalArgumentException("not a floating-point dtype: " + t);
            }
            return;
        }
        switch (t) {
            case F32 -> MemorySegment.copy(src, at, s, F32, from * 4, n);
            case F16 -> {
                for (int i = 0; i < n; i++) {
                    s.setAtIndex(U16, from + i, Float.floatToFloat16(src[at + i]));
                }
            }
            case BF16 -> {
                for (int i = 0; i < n; i++) {
                    s.setAtIndex(U16, from + i, Half.floatToBf16(src[at + i]));
                }
            }
            default -> throw new IllegalArgumentException("not a floating-point dtype: " + t);
        }
    }

    /** dst[dOff + c * ldd + r] = src[sOff + r * ld + c] for r &lt; rows, c &lt; cols. */
    static void transpose(float[] src, int sOff, int ld, int rows, int cols, float[] dst, int dOff, int ldd) {
        if (CpuSimd.VECTOR) {
            VectorElements.transpose(src, sOff, ld, rows, cols, dst, dOff, ldd);
        } else {
            transposeScalar(src, sOff, ld, rows, cols, dst, dOff, ldd);
        }
    }

    /**
     * A GEMM A panel [cols, mr] from mr row-major rows of src (stride ld):
     * {@code dst[dOff + p * mr + r] = src[sOff + r * ld + p]}. All mr rows are read, and up to 16
     * rows from sOff must lie inside src (the vector path transposes 16 at a time); rows past the
     * valid ones land in the panel's padding rows, which the caller zeroes.
     */
    static void transposeToPanel(float[] src, int sOff, int ld, int mr, int cols, float[] dst, int dOff, float[] tmp) {
        if (CpuSimd.VECTOR) {
            VectorElements.transposeToPanel(src, sOff, ld, mr, cols, dst, dOff, tmp);
        } else {
            transposeScalar(src, sOff, ld, mr, cols, dst, dOff, mr);
        }
    }

    static void transposeScalar(float[] src, int sOff, int ld, int rows, int cols, float[] dst, int dOff, int ldd) {
        for (int r = 0; r < rows; r++) {
            int from = sOff + r * ld;
            for (int c = 0; c < cols; c++) {
                dst[dOff + c * ldd + r] = src[from + c];
            }
        }
    }
}
