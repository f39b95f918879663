package dev.panamax.cuda;

import dev.panamax.DType;
import dev.panamax.Device;
import dev.panamax.Ops;
import dev.panamax.Quantized;
import dev.panamax.Routing;
import dev.panamax.Tensor;
import dev.panamax.testing.Check;
import dev.panamax.testing.Data;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The INT8 family of int8.cu on the emulator, each kernel variant reached on purpose, against the
 * CPU backend (quantize, dequantize and W8A8 to the bit: the contract says every backend gives the
 * same bits) and against a float64 reference (W8A16, moe): few rows (the warp-per-weight-row
 * kernels) and many (the tiles), K of 0, odd and not a multiple of 16, weights viewed at odd byte
 * offsets, rows of NaN, ±Inf, zeros and subnormals, and the grid capped at 3 blocks so that
 * every grid-stride loop strides.
 */
class CudaEmulatedInt8Test extends EmulatedCudaClass {
    private static final List<DType> DTYPES = List.of(DType.F32, DType.F16, DType.BF16);

    private Device cuda() {
        Assumptions.assumeTrue(underTest.isPresent(), () -> underTest.absentReason());
        return underTest.get();
    }

    /** Random rows, with special rows: zeros, NaN, +Inf, subnormal-only, exact half-way ties. */
    private static float[] weights(Data data, int rows, int cols, boolean special) {
        float[] w = data.normal(rows * cols, 1.0);
        if (special && cols > 0) {
            for (int r = 0; r < rows; r++) {
                int kind = r % 7;
                for (int c = 0; c < cols; c++) {
                    int i = r * cols + c;
                    switch (kind) {
                        case 1 -> w[i] = 0f;
                        case 2 -> w[i] = c == cols / 2 ? Float.NaN : w[i];
                        case 3 -> w[i] = c == 0 ? Float.NEGATIVE_INFINITY : w[i];
                        case 4 -> w[i] *= 1e-40f;  // subnormal (F32; zeros in F16, tiny in BF16)
                        case 5 -> w[i] = c == 0 ? 127f : (float) Math.round(w[i] * 40) + 0.5f;  // ties: s = 1
                        default -> { }
                    }
                }
            }
        }
        return w;
    }

    static Stream<Arguments> quantizeShapes() {
        List<Arguments> a = new ArrayList<>();
        for (DType t : DTYPES) {
            for (int[] s : new int[][] {{1, 0}, {3, 1}, {7, 5}, {14, 33}, {9, 300}, {2, 1025}}) {
                a.add(Arguments.of(t, s[0], s[1]));
            }
        }
        return a.stream();
    }

    @ParameterizedTest(name = "quantize {0} [{1}, {2}]")
    @MethodSource("quantizeShapes")
    void quantizeIsTheCpusBits(DType t, int rows, int cols) {
        Device cuda = cuda();
        Data data = Data.fresh();
        float[] w = weights(data, rows, cols, true);
        try (Tensor tc = Data.tensor(cuda, t, w, rows, cols); Tensor tp = Data.tensor(Device.cpu(), t, w, rows, cols);
             Quantized qc = Ops.quantize(tc); Quantized qp = Ops.quantize(tp);
             Tensor dc = Ops.dequantize(qc); Tensor dp = Ops.dequantize(qp)) {
            Check.sameBits("quantize " + t + " scales", qc.scales().toFloatArray(), qp.scales().toFloatArray(), data);
            Check.sameBits("quantize " + t + " values", bytes(qc.values()), bytes(qp.values()), data);
            Check.sameBits("dequantize " + t, dc.toFloatArray(), dp.toFloatArray(), data);
        }
    }

    static Stream<Arguments> matmulShapes() {
        List<Arguments> a = new ArrayList<>();
        int[][] shapes = {{1, 1, 16}, {1, 37, 5}, {3, 19, 64}, {8, 70, 100}, {2, 9, 0}, {9, 1, 16}, {17, 65, 33},
            {70, 130, 96}, {65, 64, 200}, {12, 20, 0}};
        for (DType t : DTYPES) {
            for (int[] s : shapes) {
                for (boolean odd : new boolean[] {false, true}) {
                    a.add(Arguments.of(t, s[0], s[1], s[2], odd));
                }
            }
        }
        return a.stream();
    }

    /** The quantized weight [n, k], at an odd byte offset of its allocation when {@code odd} and k is odd. */
    private static Quantized weight(Device d, float[] w, int n, int k, boolean odd) {
        if (!odd) {
            try (Tensor t = d.tensor(w, n, k)) {
                return Ops.quantize(t);
            }
        }
        float[] padded = new float[(n + 1) * k];
        System.arraycopy(w, 0, padded, k, n * k);
        try (Tensor t = d.tensor(padded, n + 1, k); Quantized all = Ops.quantize(t)) {
            return new Quantized(all.values().slice(1, n + 1), all.scales().slice(1, n + 1));
        }
    }

    @ParameterizedTest(name = "W8A8 {0} M={1} N={2} K={3} odd offset {4}")
    @MethodSource("matmulShapes")
    void w8a8IsTheCpusBits(DType t, int m, int n, int k, boolean odd) {
        Device cuda = cuda();
        Data data = Data.fresh();
        float[] x = weights(data, m, k, m > 4), w = weights(data, n, k, false);
        try (Tensor xc = Data.tensor(cuda, t, x, m, k); Tensor xp = Data.tensor(Device.cpu(), t, x, m, k);
             Quantized wc = weight(cuda, w, n, k, odd); Quantized wp = weight(Device.cpu(), w, n, k, false);
             Tensor oc = Ops.matmul(xc, wc, true); Tensor op = Ops.matmul(xp, wp, true)) {
            assertEquals(t, oc.dtype());
            Check.sameBits("W8A8 " + t + " M=" + m + " N=" + n + " K=" + k, oc.toFloatArray(), op.toFloatArray(), data);
        }
    }

    @ParameterizedTest(name = "W8A16 {0} M={1} N={2} K={3} odd offset {4}")
    @MethodSource("matmulShapes")
    void w8a16AgainstFloat64(DType t, int m, int n, int k, boolean odd) {
        Device cuda = cuda();
        Data data = Data.fresh();
        float[] x = Data.roundTo(t, data.normal(m * k, 1.0)), w = weights(data, n, k, false);
        try (Tensor xc = Data.tensor(cuda, t, x, m, k); Quantized wc = weight(cuda, w, n, k, odd);
             Tensor oc = Ops.matmul(xc, wc, false)) {
            float[] q = bytes(wc.values()), s = wc.scales().toFloatArray(), out = oc.toFloatArray();
            double[] ref = new double[m * n];
            double worst = 0;
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double sum = 0, mag = 0;
                    for (int p = 0; p < k; p++) {
                        sum += (double) x[i * k + p] * q[j * k + p];
                        mag += Math.abs((double) x[i * k + p] * q[j * k + p]);
                    }
                    ref[i * n + j] = sum * s[j];
                    double tol = (1e-5 * mag + 1e-30) * Math.abs(s[j]) + Math.abs(ref[i * n + j]) * ulp(t);
                    double err = Math.abs(out[i * n + j] - ref[i * n + j]);
                    if (!(err <= tol)) {  // NaN too
                        worst = Math.max(worst, Double.isNaN(err) ? Double.POSITIVE_INFINITY : err / tol);
                    }
                }
            }
            assertTrue(worst <= 1, "W8A16 " + t + " M=" + m + " N=" + n + " K=" + k + ": worst error " + worst
                    + " of its tolerance; " + data.describe());
        }
    }

    /** The values of an I8 tensor as floats. */
    private static float[] bytes(Tensor t) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment host = arena.allocate(Math.max(1, t.size()));
            t.copyTo(host);
            float[] f = new float[(int) t.size()];
            for (int i = 0; i < f.length; i++) {
                f[i] = host.get(ValueLayout.JAVA_BYTE, i);
            }
            return f;
        }
    }

    private static double ulp(DType t) {
        return switch (t) {
            case F16 -> 1.0 / 1024;
            case BF16 -> 1.0 / 128;
            default -> 1.0 / (1 << 23);
        };
    }

    static Stream<Arguments> moeShapes() {
        List<Arguments> a = new ArrayList<>();
        for (DType t : DTYPES) {
            for (boolean a8 : new boolean[] {false, true}) {
                a.add(Arguments.of(t, a8, 1, 32, 48, 4, 2));
                a.add(Arguments.of(t, a8, 5, 20, 13, 3, 2));
                a.add(Arguments.of(t, a8, 12, 64, 32, 5, 3));
                a.add(Arguments.of(t, a8, 40, 70, 24, 6, 2));
            }
        }
        return a.stream();
    }

    @ParameterizedTest(name = "moe {0} a8={1} T={2} H={3} F={4} E={5} k={6}")
    @MethodSource("moeShapes")
    void moeAgainstTheCpu(DType t, boolean a8, int tokens, int hidden, int ffn, int experts, int k) {
        Device cuda = cuda();
        Data data = Data.fresh();
        float[] x = data.normal(tokens * hidden, 1.0);
        float[] g = data.normal(experts * ffn * hidden, 0.2), u = data.normal(experts * ffn * hidden, 0.2);
        float[] dn = data.normal(experts * hidden * ffn, 0.2);
        float[] rw = data.uniform(tokens * k, 0, 1);
        int[] idx = new int[tokens * k];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i % 5 == 4 ? experts : data.random().nextInt(experts);  // some outside [0, E)
        }
        float[][] outs = new float[2][];
        Device[] devices = {cuda, Device.cpu()};
        for (int d = 0; d < 2; d++) {
            Device dev = devices[d];
            try (Tensor tx = Data.tensor(dev, t, x, tokens, hidden);
                 Routing r = new Routing(dev.tensor(rw, tokens, k), dev.tensor(idx, tokens, k));
                 Tensor tg = dev.tensor(g, experts, ffn, hidden); Tensor tu = dev.tensor(u, experts, ffn, hidden);
                 Tensor td = dev.tensor(dn, experts, hidden, ffn);
                 Quantized qg = Ops.quantize(tg); Quantized qu = Ops.quantize(tu); Quantized qd = Ops.quantize(td);
                 Tensor out = Ops.moe(tx, r, qg, qu, qd, a8)) {
                outs[d] = out.toFloatArray();
            }
        }
        double[] ref = new double[outs[1].length];
        for (int i = 0; i < ref.length; i++) {
            ref[i] = outs[1][i];
        }
        // the CPU's sums in another order, its expf; W8A8 may round an activation to the neighbouring integer
        double tol = (t == DType.F32 ? 1e-4 : t == DType.F16 ? 3e-3 : 1.5e-2) * (a8 ? 4 : 1);
        Check.close("INT8 moe " + t + " a8=" + a8, outs[0], ref, tol, data);
    }

    @Test
    void gridCappedAtThreeBlocks() {
        Device cuda = cuda();
        CudaLaunchContext launches = CudaDeviceChecks.backend(cuda).kernels().launches();
        long previous = launches.capGrid(3);
        try {
            quantizeIsTheCpusBits(DType.BF16, 9, 300);
            w8a8IsTheCpusBits(DType.F16, 8, 70, 100, true);
            w8a8IsTheCpusBits(DType.F32, 70, 130, 96, true);
            w8a8IsTheCpusBits(DType.BF16, 65, 64, 200, false);
            w8a16AgainstFloat64(DType.F32, 70, 130, 96, true);
            w8a16AgainstFloat64(DType.BF16, 65, 64, 200, false);
            w8a16AgainstFloat64(DType.F16, 3, 19, 64, false);
            moeAgainstTheCpu(DType.F32, false, 12, 64, 32, 5, 3);
            moeAgainstTheCpu(DType.BF16, true, 5, 20, 13, 3, 2);
            moeAgainstTheCpu(DType.F16, true, 40, 70, 24, 6, 2);
            moeAgainstTheCpu(DType.BF16, false, 40, 70, 24, 6, 2);
        } finally {
            launches.capGrid(previous);
        }
    }
}
