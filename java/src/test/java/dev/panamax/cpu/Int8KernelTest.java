package dev.panamax.cpu;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Both {@link Int8Kernel}s (the scalar one, which the conformance suite reaches only on JVMs
 * without the Vector API, and the vector one) on fresh random rows: exact mode against 64-bit
 * integer sums, including the largest sums (every product 127 · 127) past the F32 block of
 * exactness; F32 mode against float64 within 1e-5 of the sum of |terms|; lengths off every vector
 * and unroll width, 0 included; one to nine rows of A. And the quantization of a row, scalar and
 * vector, against the definition (division, round half to even, clamp).
 */
class Int8KernelTest {
    private static final int[] LENGTHS = {0, 1, 15, 16, 17, 63, 64, 65, 100, 1031, 16_400, 70_001};

    private static Int8Kernel[] kernels() {
        return CpuSimd.VECTOR ? new Int8Kernel[] {ScalarInt8.INSTANCE, VectorInt8.kernel()} : new Int8Kernel[] {ScalarInt8.INSTANCE};
    }

    @Test
    void sumsAgainstLongsAndDoubles() {
        SplittableRandom random = new SplittableRandom();
        long seed = random.nextLong();
        random = new SplittableRandom(seed);
        try (Arena arena = Arena.ofConfined()) {
            for (Int8Kernel kernel : kernels()) {
                for (int len : LENGTHS) {
                    for (int m : new int[] {1, 4, 5, 9}) {
                        int rows = m == 1 ? 9 : 3; // one row of A: two four-row passes in quarters and one row alone
                        boolean largest = len == 70_001;
                        MemorySegment values = arena.allocate((long) rows * len + 1);
                        byte[] v = new byte[rows * len];
                        for (int i = 0; i < v.length; i++) {
                            v[i] = largest ? (byte) 127 : (byte) random.nextInt(-127, 128);
                            values.set(ValueLayout.JAVA_BYTE, i + 1, v[i]); // one byte in: unaligned rows
                        }
                        float[] a = new float[m * len];
                        float[] af = new float[m * len];
                        for (int i = 0; i < a.length; i++) {
                            a[i] = largest ? (i % 2 == 0 ? 127 : -127) * (i / len % 2 == 0 ? 1 : -1) : random.nextInt(-127, 128);
                            af[i] = (float) random.nextGaussian();
                        }
                        double[] exact = new double[m * rows], approx = new double[m * rows];
                        kernel.dot(m, len, a, len, values, 1, len, rows, true, exact);
                        kernel.dot(m, len, af, len, values, 1, len, rows, false, approx);
                        for (int i = 0; i < m; i++) {
                            for (int r = 0; r < rows; r++) {
                                long want = 0;
                                double want64 = 0, scale = 0;
                                for (int p = 0; p < len; p++) {
                                    want += (long) a[i * len + p] * v[r * len + p];
                                    want64 += (double) af[i * len + p] * v[r * len + p];
                                    scale += Math.abs((double) af[i * len + p] * v[r * len + p]);
                                }
                                String what = kernel.getClass().getSimpleName() + " m=" + m + " len=" + len + " row " + i + ", " + r
                                        + "; seed " + seed;
                                assertEquals((double) want, exact[i * rows + r], what + " exact");
                                double err = Math.abs(approx[i * rows + r] - want64);
                                assertTrue(err <= 1e-5 * scale + 1e-30, what + " F32: " + approx[i * rows + r] + " vs " + want64);
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * Each output is the same F32 sum whichever rows come with it: the vector kernel's products
     * of six rows of A against eleven weight rows, bit for bit, against each row of A alone and
     * each weight row alone (one row of A takes its weight rows four at a time, in quarters, and
     * the rest one at a time; more rows of A take them one at a time, four rows of A a pass).
     */
    @Test
    void eachOutputTheSameWhateverComesWithIt() {
        long seed = new SplittableRandom().nextLong();
        SplittableRandom random = new SplittableRandom(seed);
        int m = 6, rows = 11;
        try (Arena arena = Arena.ofConfined()) {
            for (Int8Kernel kernel : kernels()) {
                for (int len : new int[] {17, 1031, 16_400}) {
                    MemorySegment values = arena.allocate((long) rows * len);
                    for (long i = 0; i < (long) rows * len; i++) {
                        values.set(ValueLayout.JAVA_BYTE, i, (byte) random.nextInt(-127, 128));
                    }
                    float[] a = new float[m * len];
                    for (int i = 0; i < a.length; i++) {
                        a[i] = (float) random.nextGaussian();
                    }
                    double[] all = new double[m * rows];
                    kernel.dot(m, len, a, len, values, 0, len, rows, false, all);
                    String what = kernel.getClass().getSimpleName() + " len=" + len + "; seed " + seed;
                    for (int i = 0; i < m; i++) {
                        double[] one = new double[rows];
                        float[] row = java.util.Arrays.copyOfRange(a, i * len, (i + 1) * len);
                        kernel.dot(1, len, row, len, values, 0, len, rows, false, one);
                        for (int r = 0; r < rows; r++) {
                            assertEquals(all[i * rows + r], one[r], what + ": row " + i + " of A alone, weight row " + r);
                        }
                    }
                    for (int r = 0; r < rows; r++) {
                        double[] one = new double[m];
                        kernel.dot(m, len, a, len, values, (long) r * len, len, 1, false, one);
                        for (int i = 0; i < m; i++) {
                            assertEquals(all[i * rows + r], one[i],
                                    what + ": weight row " + r + " alone, row " + i + " of A");
                        }
                    }
                }
            }
        }
    }

    @Test
    void quantizedRowsFollowTheDefinition() {
        SplittableRandom random = new SplittableRandom(5);
        for (int n : new int[] {1, 15, 16, 17, 100, 4099}) {
            float[] v = new float[n];
            for (int i = 0; i < n; i++) {
                v[i] = i % 5 == 0 ? (i % 254) - 127 + 0.5f : (float) (random.nextGaussian() * 40);
            }
            float s = 1f; // ties at scale 1: x.5 rounds to even
            byte[] q = new byte[n];
            CpuInt8.quantizeRow(v, 0, n, s, q, 0);
            float[] inPlace = v.clone();
            CpuInt8.quantizeInPlace(inPlace, 0, n, s);
            for (int i = 0; i < n; i++) {
                int want = (int) Math.max(-127, Math.min(127, Math.rint(v[i] / s)));
                assertEquals(want, q[i], "quantizeRow n=" + n + " at " + i + " of " + v[i]);
                assertEquals((float) want, inPlace[i], "quantizeInPlace n=" + n + " at " + i + " of " + v[i]);
            }
        }
    }
}
