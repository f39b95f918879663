package dev.panamax.cpu;

import dev.panamax.DType;
import dev.panamax.internal.Half;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Bulk widening and rounding (vectorized when the Vector API is on) against the scalar
 * conversions, over every 16-bit pattern and awkward lengths; and the block transpose.
 */
class ElementsTest {
    private static final int ALL = 1 << 16;

    @Test
    void widensEvery16BitPattern() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = arena.allocate(2L * ALL + 64, 64);
            for (int i = 0; i < ALL; i++) {
                s.setAtIndex(ValueLayout.JAVA_SHORT, i, (short) i);
            }
            for (DType t : new DType[] {DType.F16, DType.BF16}) {
                // odd offsets and lengths so that vector bodies and tails both run
                for (int offset : new int[] {0, 3}) {
                    int n = ALL - offset - 5;
                    float[] out = new float[n + 7];
                    Elements.load(s, t, offset, out, 7, n);
                    for (int i = 0; i < n; i++) {
                        short bits = (short) (i + offset);
                        float want = t == DType.F16 ? Float.float16ToFloat(bits) : Half.bf16ToFloat(bits);
                        assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(out[7 + i]),
                                t + " pattern 0x" + Integer.toHexString(bits & 0xFFFF));
                    }
                }
            }
        }
    }

    @Test
    void roundsToNearestEven() {
        SplittableRandom r = new SplittableRandom(7);
        int n = 100_003;
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            int kind = r.nextInt(8);
            // ties (low 16 bits 0x8000), NaNs, infinities, subnormals, and random bit patterns
            x[i] = switch (kind) {
                case 0 -> Float.intBitsToFloat((r.nextInt() & 0xFFFF_0000) | 0x8000);
                case 1 -> Float.intBitsToFloat(0x7F80_0000 | (r.nextInt() & 0x807F_FFFF) | 1);
                case 2 -> r.nextBoolean() ? Float.POSITIVE_INFINITY : Float.NEGATIVE_INFINITY;
                case 3 -> Float.intBitsToFloat(r.nextInt() & 0x807F_FFFF);
                default -> Float.intBitsToFloat(r.nextInt());
            };
        }
        try (Arena arena = Arena.ofConfined()) {
            for (DType t : new DType[] {DType.F32, DType.F16, DType.BF16}) {
                MemorySegment s = arena.allocate((long) n * t.byteSize() + 64, 64);
                Elements.store(x, 1, s, t, 2, n - 1);
                for (int i = 1; i < n; i++) {
                    int got = t == DType.F32 ? Float.floatToRawIntBits(s.getAtIndex(ValueLayout.JAVA_FLOAT, i + 1))
                            : s.getAtIndex(ValueLayout.JAVA_SHORT, i + 1) & 0xFFFF;
                    int want = switch (t) {
                        case F32 -> Float.floatToRawIntBits(x[i]);
                        case F16 -> Float.floatToFloat16(x[i]) & 0xFFFF;
                        default -> Half.floatToBf16(x[i]) & 0xFFFF;
                    };
                    assertEquals(want, got, t + " of " + Integer.toHexString(Float.floatToRawIntBits(x[i])));
                }
            }
        }
    }

    @Test
    void transposesBlocksAndEdges() {
        int[][] shapes = {{1, 1}, {16, 16}, {17, 33}, {32, 256}, {256, 12}, {5, 40}};
        for (int[] sh : shapes) {
            int rows = sh[0], cols = sh[1], ld = cols + 3, ldd = rows + 5;
            float[] src = new float[2 + rows * ld];
            for (int i = 0; i < src.length; i++) {
                src[i] = i;
            }
            float[] dst = new float[1 + cols * ldd];
            Elements.transpose(src, 2, ld, rows, cols, dst, 1, ldd);
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    assertEquals(src[2 + r * ld + c], dst[1 + c * ldd + r], rows + "x" + cols + " at " + r + "," + c);
                }
            }
        }
    }

    /** The paired loads (decode attention's keys and values, in four streams) copy both ranges exactly: F32, and BF16 widened. */
    @Test
    void pairedLoadCopiesBothRanges() {
        // a Vector API path only (the scalar kernels load K and V one after the other): skipped, not passed, without it
        Assumptions.assumeTrue(CpuSimd.VECTOR, "the paired loads are Vector API code");
        try (Arena arena = Arena.ofConfined()) {
            int size = 5000;
            MemorySegment x = arena.allocate(4L * size, 64), y = arena.allocate(4L * size, 64);
            MemorySegment xb = arena.allocate(2L * size, 64), yb = arena.allocate(2L * size, 64);
            for (int i = 0; i < size; i++) {
                x.setAtIndex(ValueLayout.JAVA_FLOAT, i, i + 0.25f);
                y.setAtIndex(ValueLayout.JAVA_FLOAT, i, -i - 0.5f);
                xb.setAtIndex(ValueLayout.JAVA_SHORT, i, (short) (0x3F80 + i)); // 1.0 and up, exact in BF16
                yb.setAtIndex(ValueLayout.JAVA_SHORT, i, (short) (0xBF80 + i % 0x4000));
            }
            // lengths below one vector, odd numbers of vectors, whole pairs, and ragged tails
            for (int n : new int[] {0, 1, 7, 16, 31, 32, 48, 64, 100, 1024, 1040, 4099}) {
                for (int from : new int[] {0, 5}) {
                    float[] a = new float[n + 3], b = new float[n + 3];
                    java.util.Arrays.fill(a, Float.NaN);
                    java.util.Arrays.fill(b, Float.NaN);
                    VectorElements.loadF32Pair(x, y, from, a, b, n);
                    for (int i = 0; i < n; i++) {
                        assertEquals(from + i + 0.25f, a[i], "x, n " + n + " from " + from + " at " + i);
                        assertEquals(-(from + i) - 0.5f, b[i], "y, n " + n + " from " + from + " at " + i);
                    }
                    for (int i = n; i < n + 3; i++) {
                        assertEquals(Float.NaN, a[i], "past x's range, n " + n);
                        assertEquals(Float.NaN, b[i], "past y's range, n " + n);
                    }
                    java.util.Arrays.fill(a, Float.NaN);
                    java.util.Arrays.fill(b, Float.NaN);
                    VectorElements.loadBf16Pair(xb, yb, from, a, b, n);
                    for (int i = 0; i < n; i++) {
                        short wantX = (short) (0x3F80 + from + i), wantY = (short) (0xBF80 + (from + i) % 0x4000);
                        assertEquals(Half.bf16ToFloat(wantX), a[i], "BF16 x, n " + n + " from " + from + " at " + i);
                        assertEquals(Half.bf16ToFloat(wantY), b[i], "BF16 y, n " + n + " from " + from + " at " + i);
                    }
                    for (int i = n; i < n + 3; i++) {
                        assertEquals(Float.NaN, a[i], "past BF16 x's range, n " + n);
                        assertEquals(Float.NaN, b[i], "past BF16 y's range, n " + n);
                    }
                }
            }
        }
    }

    /** The quartered F32 load (topK's chunks, in four streams) copies its range exactly, to an offset. */
    @Test
    void quarteredLoadCopiesItsRange() {
        Assumptions.assumeTrue(CpuSimd.VECTOR, "the quartered load is Vector API code");
        try (Arena arena = Arena.ofConfined()) {
            int size = 5000;
            MemorySegment x = arena.allocate(4L * size, 64);
            for (int i = 0; i < size; i++) {
                x.setAtIndex(ValueLayout.JAVA_FLOAT, i, i + 0.25f);
            }
            for (int n : new int[] {0, 1, 15, 16, 63, 64, 65, 100, 1024, 1040, 4099}) {
                for (int from : new int[] {0, 5}) {
                    float[] a = new float[n + 5];
                    java.util.Arrays.fill(a, Float.NaN);
                    VectorElements.loadF32Quarters(x, from, a, 2, n);
                    for (int i = 0; i < n + 5; i++) {
                        float want = i >= 2 && i < n + 2 ? from + (i - 2) + 0.25f : Float.NaN;
                        assertEquals(want, a[i], "n " + n + " from " + from + " at " + i);
                    }
                }
            }
        }
    }
}
