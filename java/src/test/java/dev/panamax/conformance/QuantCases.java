package dev.panamax.conformance;

import dev.panamax.DType;
import dev.panamax.Ops;
import dev.panamax.Quantized;
import dev.panamax.Routing;
import dev.panamax.Tensor;
import dev.panamax.reference.Reference64;
import dev.panamax.testing.Check;
import dev.panamax.testing.Data;
import dev.panamax.testing.Raw;
import dev.panamax.testing.Tolerances;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The INT8 family. quantize against an exact host computation of its definition, bit for bit
 * (values and scales): rows of random magnitudes, K of 1 to 20,000 (not multiples of 4, 16 or
 * 32), ties of round-half-even, a zero row, a subnormal scale, a row whose max / 127 underflows,
 * rows holding NaN, +Inf or -Inf, the largest finite floats. dequantize bit for bit. matmul W8A16
 * against the float64 product with the dequantized weights; W8A8 against the exact integer sums
 * of the host-quantized operands, scaled as the definition says: the same bits, after the final
 * rounding to x's dtype. Both for few rows (decoding) and many, K past every block of exact
 * accumulation, N past a panel, I32 sums near 2^31, NaN rows of x and of the weight, K = 0, views
 * at odd offsets and the out overload. moe with INT8 experts against the float64 layer of the
 * dequantized experts (W8A16) or of the quantized activations (W8A8).
 */
@Covers({"quantize", "dequantize"})
abstract class QuantCases extends DeviceCases {

    // ------------------------------------------------------------------ the host's exact definition

    /** Values and scales of rows [rows, cols] as quantize defines them. */
    static int[] quantizeHost(float[] w, int rows, int cols, float[] scalesOut) {
        int[] q = new int[rows * cols];
        for (int r = 0; r < rows; r++) {
            float s = Reference64.int8Scale(w, r * cols, cols);
            scalesOut[r] = s;
            for (int c = 0; c < cols; c++) {
                q[r * cols + c] = Reference64.int8Value(w[r * cols + c], s);
            }
        }
        return q;
    }

    static float[] floats(int[] bits) {
        float[] out = new float[bits.length];
        for (int i = 0; i < bits.length; i++) {
            out[i] = Float.intBitsToFloat(bits[i]);
        }
        return out;
    }

    static void sameInts(String what, int[] got, int[] want, Data data) {
        if (got.length != want.length) {
            fail(what + ": " + got.length + " values, want " + want.length + "; " + data.describe());
        }
        for (int i = 0; i < got.length; i++) {
            if (got[i] != want[i]) {
                fail(what + ": value " + i + " is " + got[i] + ", want " + want[i] + "; " + data.describe());
            }
        }
    }

    // ------------------------------------------------------------------ quantize, dequantize

    /**
     * Rows of random magnitudes, 1e-3 to 1e3 with the special rows (quantize), else 1e-2 to 10 (so
     * that products with K up to 20,000 stay finite in F16), K = cols.
     */
    static float[] weights(Data data, int rows, int cols, boolean specials) {
        float[] w = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            double mag = specials ? Math.pow(10, data.random().nextDouble(-3, 3)) : Math.pow(10, data.random().nextDouble(-2, 1));
            for (int c = 0; c < cols; c++) {
                w[r * cols + c] = (float) (mag * data.random().nextGaussian());
            }
        }
        if (specials && rows >= 10 && cols >= 3) {
            int c = cols;
            Arrays.fill(w, 0, c, 0f);                                               // row 0: zeros
            for (int i = 0; i < c; i++) {                                           // row 1: ties at scale 1
                w[c + i] = i == 0 ? 127f : ((i % 2 == 0) ? -1 : 1) * (0.5f + (i % 127));
            }
            w[2 * c + 1] = Float.NaN;                                               // row 2: NaN
            w[3 * c + c - 1] = Float.POSITIVE_INFINITY;                             // row 3: +Inf
            w[4 * c] = Float.NEGATIVE_INFINITY;                                     // row 4: -Inf
            for (int i = 0; i < c; i++) {                                           // row 5: subnormal max, scale 0
                w[5 * c + i] = Float.MIN_VALUE * (i % 7);
                w[6 * c + i] = (float) (1e-36 * data.random().nextGaussian());      // row 6: subnormal scale
                w[7 * c + i] = (i % 2 == 0 ? 1 : -1) * Float.MAX_VALUE * (float) data.random().nextDouble(); // row 7: huge
                w[8 * c + i] = -(float) (i + 1);                                    // row 8: negative max
            }
            w[7 * c] = -Float.MAX_VALUE;
        }
        return w;
    }

    static final long[][] QUANTIZE_SHAPES = {
        {10, 3}, {12, 17}, {33, 64}, {10, 127}, {3, 7, 100}, {2, 5, 2, 33}, {11, 1031}, {10, 4097}, {2, 20000}, {1, 1},
        {257, 16},
    };

    @ParameterizedTest(name = "quantize {0}")
    @FieldSource("FLOATS")
    void quantizeBits(DType dtype) {
        Data data = Data.fresh();
        for (long[] shape : QUANTIZE_SHAPES) {
            int cols = (int) shape[shape.length - 1];
            int rows = PermuteCases.size(shape) / cols;
            float[] w = Data.roundTo(dtype, weights(data, rows, cols, true));
            float[] wantScales = new float[rows];
            int[] want = quantizeHost(w, rows, cols, wantScales);
            String what = "quantize " + dtype + " " + Arrays.toString(shape);
            try (Tensor tw = Data.tensor(device(), dtype, w, shape); Quantized q = Ops.quantize(tw)) {
                assertEquals(DType.I8, q.values().dtype(), what);
                assertEquals(DType.F32, q.scales().dtype(), what);
                assertArrayEquals(shape, q.values().shape(), what);
                assertArrayEquals(Arrays.copyOf(shape, shape.length - 1), q.scales().shape(), what);
                sameInts(what + " values", Raw.bits(q.values()), want, data);
                Check.sameBits(what + " scales", q.scales().toFloatArray(), wantScales, data);
                // dequantize: one F32 multiply per element
                float[] deq = new float[want.length];
                for (int i = 0; i < deq.length; i++) {
                    deq[i] = want[i] * wantScales[i / cols];
                }
                try (Tensor d = Ops.dequantize(q)) {
                    assertEquals(DType.F32, d.dtype(), what);
                    assertArrayEquals(shape, d.shape(), what);
                    Check.sameBits("dequantize of " + what, d.toFloatArray(), deq, data);
                }
            }
        }
    }

    /** dequantize of raw INT8 values (every byte value) and scales (NaN, 0, negative, subnormal), values a view at an odd offset. */
    @Test
    void dequantizeRaw() {
        Data data = Data.fresh();
        int rows = 7, cols = 37;
        int[] bytes = PermuteCases.randomBits(DType.I8, rows * cols + 3, data);
        float[] scales = {0.5f, Float.NaN, 0f, -3f, Float.MIN_VALUE, 1e30f, 0.013f};
        float[] want = new float[rows * cols];
        for (int i = 0; i < want.length; i++) {
            want[i] = bytes[i + 3] * scales[i / cols];
        }
        try (Tensor base = Raw.tensor(device(), DType.I8, bytes, bytes.length); Tensor slice = base.slice(3, 3 + rows * cols);
             Tensor values = slice.reshape(rows, cols); Tensor s = device().tensor(scales, rows);
             Tensor d = Ops.dequantize(new Quantized(values, s))) {
            Check.sameBits("dequantize raw", d.toFloatArray(), want, data);
        }
    }

    // ------------------------------------------------------------------ matmul

    /**
     * x [M, K] times w [N, K]ᵀ: few rows (direct INT8 reads), many rows (panels), K past 1024 and 16384, N past 512.
     * The long-K row has 7 outputs, not 3: the error is relative to the outputs' norm, and with 3 sums of
     * 20000 random products that norm was small enough, about once in 3000 draws, for F32 accumulation
     * (any order) to pass 1e-5; with 7 the worst of 3000 draws was 2.4e-6.
     */
    static final int[][] MATMUL_SHAPES = {
        {1, 1, 1}, {1, 7, 3}, {1, 33, 17}, {1, 257, 1031}, {2, 5, 64}, {3, 17, 100}, {4, 9, 33}, {5, 64, 127},
        {8, 16, 256}, {9, 33, 65}, {33, 40, 1025}, {64, 96, 160}, {70, 513, 300}, {17, 3, 2100}, {1, 7, 20000},
        {6, 4, 16411},
    };

    static List<Object[]> matmulCases() {
        List<Object[]> cases = new ArrayList<>();
        for (DType dtype : FLOATS) {
            for (boolean a8 : new boolean[] {false, true}) {
                cases.add(new Object[] {dtype, a8});
            }
        }
        return cases;
    }

    /** The host's result of x [m, k] (dtype-rounded) times the quantized weight: float64 (W8A16) or the exact W8A8 bits (then rounded to dtype). */
    static double[] matmulHost(DType dtype, boolean a8, float[] x, int m, int k, int[] q, float[] sw, int n) {
        double[] out = new double[m * n];
        float[] sx = new float[m];
        int[] qx = a8 ? quantizeHost(x, m, k, sx) : null;
        float[] rounded = new float[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                if (a8) {
                    long sum = 0;
                    for (int p = 0; p < k; p++) {
                        sum += (long) qx[i * k + p] * q[j * k + p];
                    }
                    rounded[i * n + j] = (sx[i] * sw[j]) * (float) sum;
                } else {
                    double sum = 0;
                    for (int p = 0; p < k; p++) {
                        sum += (double) x[i * k + p] * (q[j * k + p] * sw[j]);
                    }
                    out[i * n + j] = sum;
                }
            }
        }
        if (a8) {
            float[] r = Data.roundTo(dtype, rounded);
            for (int i = 0; i < r.length; i++) {
                out[i] = r[i];
            }
        }
        return out;
    }

    static float[] asFloats(double[] v) {
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) v[i];
        }
        return out;
    }

    /** Checks out against the host: W8A8 the same bits, W8A16 within the accumulation tolerance. */
    static void checkMatmul(String what, DType dtype, boolean a8, float[] got, double[] want, Data data) {
        if (a8) {
            Check.sameBits(what, got, asFloats(want), data);
        } else {
            Check.close(what, got, want, Tolerances.accumulate(dtype), data);
        }
    }

    @ParameterizedTest(name = "matmul INT8 {0} W8A8={1}")
    @MethodSource("matmulCases")
    void matmul(DType dtype, boolean a8) {
        Data data = Data.fresh();
        for (int[] s : MATMUL_SHAPES) {
            int m = s[0], n = s[1], k = s[2];
            float[] x = Data.roundTo(dtype, data.normal(m * k, 1));
            float[] w = weights(data, n, k, false);
            String what = "matmul " + dtype + (a8 ? " W8A8 " : " W8A16 ") + Arrays.toString(s);
            try (Tensor tx = Data.tensor(device(), dtype, x, m, k); Tensor tw = device().tensor(w, n, k);
                 Quantized q = Ops.quantize(tw); Tensor out = Ops.matmul(tx, q, a8)) {
                assertEquals(dtype, out.dtype(), what);
                assertArrayEquals(new long[] {m, n}, out.shape(), what);
                float[] sw = new float[n];
                int[] qv = quantizeHost(w, n, k, sw);
                checkMatmul(what, dtype, a8, out.toFloatArray(), matmulHost(dtype, a8, x, m, k, qv, sw, n), data);
            }
        }
    }

    /** x of rank 1 and rank 3: the leading dimensions are rows. */
    @ParameterizedTest(name = "matmul INT8 {0} W8A8={1}, ranks")
    @MethodSource("matmulCases")
    void ranks(DType dtype, boolean a8) {
        Data data = Data.fresh();
        int n = 19, k = 45;
        float[] w = weights(data, n, k, false);
        float[] sw = new float[n];
        int[] qv = quantizeHost(w, n, k, sw);
        for (long[] shape : new long[][] {{k}, {2, 3, k}, {1, 1, 1, k}}) {
            int m = PermuteCases.size(shape) / k;
            float[] x = Data.roundTo(dtype, data.normal(m * k, 2));
            long[] outShape = shape.clone();
            outShape[shape.length - 1] = n;
            String what = "matmul " + dtype + (a8 ? " W8A8 " : " W8A16 ") + Arrays.toString(shape);
            try (Tensor tx = Data.tensor(device(), dtype, x, shape); Tensor tw = device().tensor(w, n, k);
                 Quantized q = Ops.quantize(tw); Tensor out = Ops.matmul(tx, q, a8)) {
                assertArrayEquals(outShape, out.shape(), what);
                checkMatmul(what, dtype, a8, out.toFloatArray(), matmulHost(dtype, a8, x, m, k, qv, sw, n), data);
            }
        }
    }

    /** Every product 127 · 127 (or -127 · 127): W8A8 sums up to 127² · 131072, just below 2^31. */
    @Test
    void largestSums() {
        Data data = Data.fresh();
        int k = Ops.MAX_W8A8_INNER, m = 2, n = 3;
        float[] x = new float[m * k];
        float[] w = new float[n * k];
        for (int p = 0; p < k; p++) {
            x[p] = 3f;
            x[k + p] = p % 2 == 0 ? -0.5f : 0.5f;
            w[p] = 1f;
            w[k + p] = -2f;
            w[2 * k + p] = p % 3 == 0 ? 7f : -7f;
        }
        try (Tensor tx = device().tensor(x, m, k); Tensor tw = device().tensor(w, n, k); Quantized q = Ops.quantize(tw)) {
            float[] sw = new float[n];
            int[] qv = quantizeHost(w, n, k, sw);
            for (boolean a8 : new boolean[] {true, false}) {
                try (Tensor out = Ops.matmul(tx, q, a8)) {
                    checkMatmul("matmul K = " + k + " W8A8=" + a8, DType.F32, a8, out.toFloatArray(),
                            matmulHost(DType.F32, a8, x, m, k, qv, sw, n), data);
                }
            }
        }
    }

    /** A NaN or infinite row of x gives a NaN row (W8A8) and a weight row with NaN a NaN column (both schemes). */
    @ParameterizedTest(name = "matmul INT8 {0} W8A8={1}, NaN")
    @MethodSource("matmulCases")
    void nonFinite(DType dtype, boolean a8) {
        Data data = Data.fresh();
        for (int m : new int[] {3, 20}) {
            int n = 6, k = 37;
            float[] x = Data.roundTo(dtype, data.normal(m * k, 1));
            x[k + 5] = Float.NaN;
            x[2 * k + 36] = Float.POSITIVE_INFINITY;
            float[] w = weights(data, n, k, false);
            w[4 * k + 2] = Float.NEGATIVE_INFINITY;
            try (Tensor tx = Data.tensor(device(), dtype, x, m, k); Tensor tw = device().tensor(w, n, k);
                 Quantized q = Ops.quantize(tw); Tensor out = Ops.matmul(tx, q, a8)) {
                float[] got = out.toFloatArray();
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        boolean nan = j == 4 || i == 1 || (i == 2 && a8);
                        float v = got[i * n + j];
                        String what = "matmul " + dtype + " W8A8=" + a8 + " M=" + m + " out[" + i + ", " + j + "] = " + v;
                        if (nan) {
                            assertTrue(Float.isNaN(v), what + ", want NaN; " + data.describe());
                        } else if (i != 2) {
                            assertTrue(Float.isFinite(v), what + ", want finite; " + data.describe());
                        }
                    }
                }
            }
        }
    }

    /** K = 0: zeros (the scales are 0); a zero weight row gives zeros, not NaN. */
    @Test
    void emptyInner() {
        for (boolean a8 : new boolean[] {false, true}) {
            for (int m : new int[] {2, 12}) {
                try (Tensor tx = device().zeros(DType.F32, m, 0); Tensor tw = device().zeros(DType.F32, 5, 0);
                     Quantized q = Ops.quantize(tw); Tensor out = Ops.matmul(tx, q, a8)) {
                    assertArrayEquals(new long[] {5}, q.scales().shape());
                    Check.sameBits("scales of [5, 0]", q.scales().toFloatArray(), new float[5], Data.fresh());
                    Check.sameBits("matmul [" + m + ", 0] W8A8=" + a8, out.toFloatArray(), new float[m * 5], Data.fresh());
                }
            }
        }
        try (Tensor tx = device().zeros(DType.F32, 0, 4); Tensor tw = device().zeros(DType.F32, 3, 4);
             Quantized q = Ops.quantize(tw); Tensor out = Ops.matmul(tx, q, true);
             Tensor e = device().zeros(DType.F32, 0, 4); Quantized qe = Ops.quantize(e); Tensor d = Ops.dequantize(qe)) {
            assertArrayEquals(new long[] {0, 3}, out.shape());
            assertArrayEquals(new long[] {0, 4}, d.shape());
        }
    }

    /**
     * x, the values and out as views at odd offsets (a byte and an element in); the out overload
     * over a poisoned out whose neighbours must stay as they were.
     */
    @ParameterizedTest(name = "matmul INT8 {0} W8A8={1}, views")
    @MethodSource("matmulCases")
    void views(DType dtype, boolean a8) {
        Data data = Data.fresh();
        for (int[] s : new int[][] {{1, 9, 67}, {3, 33, 129}, {13, 21, 40}}) {
            int m = s[0], n = s[1], k = s[2];
            float[] xBase = Data.roundTo(dtype, data.normal(m * k + 3, 1));
            float[] w = weights(data, n, k, false);
            float[] sw = new float[n];
            int[] qv = quantizeHost(w, n, k, sw);
            int[] vBase = new int[n * k + 5];
            System.arraycopy(qv, 0, vBase, 1, qv.length);
            float[] outBase = Data.roundTo(dtype, data.normal(m * n + 2, 1));
            String what = "matmul " + dtype + (a8 ? " W8A8 " : " W8A16 ") + Arrays.toString(s) + " views";
            try (Tensor xb = Data.tensor(device(), dtype, xBase, xBase.length); Tensor xs = xb.slice(1, 1 + m * k);
                 Tensor x = xs.reshape(m, k); Tensor vb = Raw.tensor(device(), DType.I8, vBase, vBase.length);
                 Tensor vs = vb.slice(1, 1 + n * k); Tensor values = vs.reshape(n, k); Tensor scales = device().tensor(sw, n);
                 Tensor ob = Data.tensor(device(), dtype, outBase, outBase.length); Tensor os = ob.slice(1, 1 + m * n);
                 Tensor out = os.reshape(m, n)) {
                Quantized q = new Quantized(values, scales);
                Ops.matmul(x, q, a8, out);
                double[] want = matmulHost(dtype, a8, Arrays.copyOfRange(xBase, 1, 1 + m * k), m, k, qv, sw, n);
                float[] got = ob.toFloatArray();
                checkMatmul(what, dtype, a8, Arrays.copyOfRange(got, 1, 1 + m * n), want, data);
                assertEquals(Float.floatToIntBits(outBase[0]), Float.floatToIntBits(got[0]), what + ": out's left neighbour");
                assertEquals(Float.floatToIntBits(outBase[m * n + 1]), Float.floatToIntBits(got[m * n + 1]),
                        what + ": out's right neighbour");
            }
        }
    }

    // ------------------------------------------------------------------ moe

    static List<Object[]> moeCases() {
        List<Object[]> cases = new ArrayList<>();
        List<MoeCases.Shape> shapes = List.of(
                new MoeCases.Shape(64, 33, 47, 8, 2, MoeCases.Pick.EVERY),
                new MoeCases.Shape(1, 128, 96, 8, 2, MoeCases.Pick.EVERY),       // a decode step
                new MoeCases.Shape(3, 40, 24, 5, 4, MoeCases.Pick.REPEATS),
                new MoeCases.Shape(23, 48, 32, 6, 2, MoeCases.Pick.OUTSIDE),
                new MoeCases.Shape(17, 127, 129, 4, 2, MoeCases.Pick.SOME),
                new MoeCases.Shape(2, 65, 33, 16, 4, MoeCases.Pick.EVERY));
        for (DType dtype : FLOATS) {
            for (boolean a8 : new boolean[] {false, true}) {
                for (MoeCases.Shape s : shapes) {
                    cases.add(new Object[] {dtype, a8, s});
                }
            }
        }
        return cases;
    }

    /** Host values and scales of a weight [E, rows, cols] quantized per row, and the dequantized floats. */
    private record HostQ(int[] q, float[] s, float[] deq) {
        static HostQ of(float[] w, int rows, int cols) {
            float[] s = new float[rows];
            int[] q = quantizeHost(w, rows, cols, s);
            float[] deq = new float[q.length];
            for (int i = 0; i < q.length; i++) {
                deq[i] = q[i] * s[i / Math.max(1, cols)];
            }
            return new HostQ(q, s, deq);
        }
    }

    /**
     * The W8A8 layer in float64 around exact integer sums: x's rows quantized, gate and up exact,
     * silu(g)·u in float64, each activation row quantized (from its F32 rounding), down exact.
     */
    static double[] moeW8A8(float[] x, float[] weights, int[] experts, HostQ gate, HostQ up, HostQ down, MoeCases.Shape s) {
        int t = s.tokens(), h = s.hidden(), f = s.ffn(), e = s.experts(), k = s.k();
        double[] out = new double[t * h];
        float[] sx = new float[t];
        int[] qx = quantizeHost(x, t, h, sx);
        for (int tok = 0; tok < t; tok++) {
            for (int j = 0; j < k; j++) {
                int ex = experts[tok * k + j];
                if (ex < 0 || ex >= e) {
                    continue;
                }
                float[] act = new float[f];
                for (int r = 0; r < f; r++) {
                    long gs = 0, us = 0;
                    for (int p = 0; p < h; p++) {
                        gs += (long) qx[tok * h + p] * gate.q()[(ex * f + r) * h + p];
                        us += (long) qx[tok * h + p] * up.q()[(ex * f + r) * h + p];
                    }
                    double g = (double) sx[tok] * gate.s()[ex * f + r] * gs, u = (double) sx[tok] * up.s()[ex * f + r] * us;
                    act[r] = (float) (g / (1 + Math.exp(-g)) * u);
                }
                float[] sa = new float[1];
                int[] qa = quantizeHost(act, 1, f, sa);
                for (int c = 0; c < h; c++) {
                    long ds = 0;
                    for (int p = 0; p < f; p++) {
                        ds += (long) qa[p] * down.q()[(ex * h + c) * f + p];
                    }
                    out[tok * h + c] += weights[tok * k + j] * ((double) sa[0] * down.s()[ex * h + c] * ds);
                }
            }
        }
        return out;
    }

    @ParameterizedTest(name = "moe INT8 {0} W8A8={1} {2}")
    @MethodSource("moeCases")
    void moe(DType dtype, boolean a8, MoeCases.Shape s) {
        Data data = Data.fresh();
        int f = s.ffn(), h = s.hidden(), e = s.experts();
        try (MoeCases.Layer layer = new MoeCases.Layer(device(), dtype, s, data);
             Tensor g32 = device().tensor(layer.gate, e, f, h); Tensor u32 = device().tensor(layer.up, e, f, h);
             Tensor d32 = device().tensor(layer.down, e, h, f);
             Quantized qg = Ops.quantize(g32); Quantized qu = Ops.quantize(u32); Quantized qd = Ops.quantize(d32);
             Tensor out = Ops.moe(layer.tx, layer.routing, qg, qu, qd, a8)) {
            HostQ hg = HostQ.of(layer.gate, e * f, h), hu = HostQ.of(layer.up, e * f, h), hd = HostQ.of(layer.down, e * h, f);
            String what = "moe INT8 " + dtype + " W8A8=" + a8 + " " + s;
            assertArrayEquals(new long[] {s.tokens(), h}, out.shape(), what);
            if (a8) {
                double[] want = moeW8A8(layer.x, layer.weights, layer.experts, hg, hu, hd, s);
                // the device's F32 activations may land on the other side of a rounding boundary of their quantization
                Check.close(what, out.toFloatArray(), want, dtype == DType.F32 ? 4e-3 : 1.5e-2, data);
            } else {
                double[] want = Reference64.moe(layer.x, layer.weights, layer.experts, hg.deq(), hu.deq(), hd.deq(),
                        s.tokens(), h, f, e, s.k());
                Check.close(what, out.toFloatArray(), want, 2 * Tolerances.accumulate(dtype), data);
            }
            // the out overload, out = x, gives the same bits
            float[] first = out.toFloatArray();
            Ops.moe(layer.tx, layer.routing, qg, qu, qd, a8, layer.tx);
            Check.sameBits(what + " into x", layer.tx.toFloatArray(), first, data);
        }
    }

    // ------------------------------------------------------------------ validation

    @Test
    void rejects() {
        try (Tensor w = device().zeros(DType.F32, 4, 8); Tensor w1 = device().zeros(DType.F32, 8);
             Tensor wi = device().zeros(DType.I32, 4, 8); Tensor x = device().zeros(DType.F32, 3, 8);
             Tensor x9 = device().zeros(DType.F32, 3, 9); Tensor xi = device().zeros(DType.I32, 3, 8);
             Quantized q = Ops.quantize(w); Tensor badScales = device().zeros(DType.F32, 5);
             Tensor f32Values = device().zeros(DType.F32, 4, 8); Tensor big = device().zeros(DType.F32, 1, Ops.MAX_W8A8_INNER + 1);
             Tensor bigW = device().zeros(DType.F32, 1, Ops.MAX_W8A8_INNER + 1); Quantized qBig = Ops.quantize(bigW)) {
            expect(() -> Ops.quantize(w1), "quantize", "rank");
            expect(() -> Ops.quantize(wi), "quantize", "I32");
            expect(() -> Ops.matmul(x9, q, false), "matmul", "[4, 8]");
            expect(() -> Ops.matmul(xi, q, true), "matmul", "I32");
            expect(() -> Ops.matmul(x, new Quantized(q.values(), badScales), false), "matmul", "scales");
            expect(() -> Ops.dequantize(new Quantized(f32Values, q.scales())), "dequantize", "I8");
            expect(() -> Ops.matmul(big, qBig, true), "matmul", String.valueOf(Ops.MAX_W8A8_INNER));
            try (Tensor ok = Ops.matmul(big, qBig, false)) {
                assertArrayEquals(new long[] {1, 1}, ok.shape());
            }
            try (Tensor wrongOut = device().zeros(DType.F32, 3, 5)) {
                expect(() -> Ops.matmul(x, q, false, wrongOut), "matmul", "out");
            }
            assertThrows(NullPointerException.class, () -> new Quantized(null, badScales));
            assertThrows(NullPointerException.class, () -> Ops.matmul(x, null, false));
        }
    }

    private static void expect(org.junit.jupiter.api.function.Executable call, String... parts) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "message '" + e.getMessage() + "' lacks '" + part + "'");
        }
    }
}
