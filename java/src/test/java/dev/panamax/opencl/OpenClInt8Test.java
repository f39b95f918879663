package dev.panamax.opencl;

import dev.panamax.Backend;
import dev.panamax.DType;
import dev.panamax.Device;
import dev.panamax.Ops;
import dev.panamax.Quantized;
import dev.panamax.Routing;
import dev.panamax.Tensor;
import dev.panamax.internal.Allocation;
import dev.panamax.internal.KernelStruct;
import dev.panamax.internal.Leases;
import dev.panamax.internal.Memory;
import dev.panamax.internal.TensorImpl;
import dev.panamax.reference.Reference64;
import dev.panamax.testing.Check;
import dev.panamax.testing.Data;
import dev.panamax.testing.Garbage;
import dev.panamax.testing.Raw;
import dev.panamax.testing.Tolerances;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.foreign.MemorySegment;

import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The INT8 family on OpenCL: int8.cl's correctly rounded division (div_rn) and quantize_value
 * against Java's IEEE division on a million operand pairs (subnormals, quotients at half-integers,
 * results that underflow); quantize bit for bit against the CPU backend on random rows and rows
 * made to be hard (zero, subnormal, NaN, ±Inf, a max whose /127 underflows, values at exact
 * half-integer quotients); dequantize exactly; W8A8 matmul bit for bit against the exact integer
 * formula (and the CPU), W8A16 against the float64 reference, both on the decode kernel and the
 * tiled one, K off every vector width, views at odd byte offsets; the INT8 moe against the CPU and
 * the float64 reference; the striding loops with the grid capped at 2 work-groups.
 */
class OpenClInt8Test extends OpenClDeviceTest {
    private static final String PROBES = """

            __kernel void div_probe(const __global float *a, const __global float *b, __global float *q, ulong n) {
                for (ulong i = get_global_id(0); i < n; i += get_global_size(0)) {
                    q[i] = div_rn(a[i], b[i]);
                }
            }

            __kernel void quantize_probe(const __global float *w, const __global float *s, __global float *q, ulong n) {
                for (ulong i = get_global_id(0); i < n; i += get_global_size(0)) {
                    q[i] = (float) quantize_value(w[i], s[i]);
                }
            }
            """;

    // ---------------------------------------------------------------- the division

    @Test
    void divisionIsCorrectlyRounded() {
        Data data = Data.fresh();
        SplittableRandom r = data.random();
        int n = 1 << 20;
        float[] a = new float[n], b = new float[n];
        for (int i = 0; i < n; i++) {
            do {
                a[i] = operand(r);
                b[i] = operand(r);
                if (i % 4 == 1) { // quotients at or next to a half-integer or a rounding boundary
                    float k = r.nextInt(256) + 0.5f;
                    a[i] = Math.nextAfter(k * b[i], r.nextBoolean() ? Double.POSITIVE_INFINITY : 0);
                    a[i] = r.nextInt(3) == 0 ? k * b[i] : a[i];
                }
                if (i % 8 == 2) { // b = 127, as the scales divide
                    b[i] = 127f;
                }
            } while (!(b[i] > 0 && a[i] >= 0 && Float.isFinite(a[i]) && Float.isFinite(b[i])
                    && (double) a[i] / b[i] < Float.MAX_VALUE));
        }
        float[] q = probe("div_probe", a, b);
        for (int i = 0; i < n; i++) {
            float want = a[i] / b[i];
            if (Float.floatToRawIntBits(want) != Float.floatToRawIntBits(q[i])) {
                throw new AssertionError("div_rn(" + a[i] + " [0x" + Integer.toHexString(Float.floatToRawIntBits(a[i]))
                        + "], " + b[i] + " [0x" + Integer.toHexString(Float.floatToRawIntBits(b[i])) + "]) = " + q[i]
                        + ", want " + want + "; " + data.describe());
            }
        }
    }

    @Test
    void quantizeValueRoundsTheTrueQuotient() {
        Data data = Data.fresh();
        SplittableRandom r = data.random();
        int n = 1 << 20;
        float[] w = new float[n], s = new float[n];
        for (int i = 0; i < n; i++) {
            do {
                s[i] = Math.abs(operand(r));
                float k = r.nextInt(128) + (r.nextInt(4) == 0 ? 0f : 0.5f);
                w[i] = k * s[i]; // at (or rounded next to) a half-integer quotient
                switch (r.nextInt(4)) {
                    case 0 -> w[i] = Math.nextUp(w[i]);
                    case 1 -> w[i] = Math.nextDown(w[i]);
                    case 2 -> w[i] = (float) (r.nextDouble() * 127 * s[i]);
                    default -> { }
                }
                w[i] = r.nextBoolean() ? -w[i] : w[i];
            } while (!(s[i] > 0 && Float.isFinite(s[i]) && Float.isFinite(w[i]) && Math.abs(w[i]) / (double) s[i] <= 127.5));
        }
        float[] q = probe("quantize_probe", w, s);
        for (int i = 0; i < n; i++) {
            float want = Math.max(-127f, Math.min(127f, (float) Math.rint(w[i] / s[i])));
            if (want != q[i]) {
                throw new AssertionError("quantize_value(" + w[i] + ", " + s[i] + ") = " + q[i] + ", want " + want + "; "
                        + data.describe());
            }
        }
    }

    /** A random positive or negative float: any bits, or a subnormal, a normal near 1, or a small integer. */
    private static float operand(SplittableRandom r) {
        return switch (r.nextInt(5)) {
            case 0 -> Float.intBitsToFloat(r.nextInt());
            case 1 -> Float.intBitsToFloat(r.nextInt(1, 0x800000));
            case 2 -> (float) r.nextDouble(0.5, 2);
            case 3 -> r.nextInt(1, 300);
            default -> Float.intBitsToFloat(r.nextInt(0x00800000, 0x0c000000));
        };
    }

    private float[] probe(String kernel, float[] a, float[] b) {
        OpenClDevice cl = backend();
        String source = ClSources.load("int8.cl") + PROBES;
        try (ClProgram program = cl.programs().build("int8.cl with probes", source, "-DELEM_DTYPE=DT_F32 -DOUT_DTYPE=DT_F32");
             Tensor ta = device.tensor(a, a.length); Tensor tb = device.tensor(b, b.length);
             Tensor tq = device.zeros(DType.F32, a.length);
             Leases leases = new Leases().add((TensorImpl) ta, "a").add((TensorImpl) tb, "b").add((TensorImpl) tq, "q")) {
            try (ClArgs args = ClArgs.begin()) {
                args.buffer(((TensorImpl) ta).memory()).buffer(((TensorImpl) tb).memory()).buffer(((TensorImpl) tq).memory())
                        .u64(a.length).grid(256 * 256, 256);
                cl.launch(program, kernel, args);
            }
            return tq.toFloatArray();
        }
    }

    // ---------------------------------------------------------------- quantize, dequantize

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "F16", "BF16"})
    void quantizeHasTheCpuBits(DType dtype) {
        Data data = Data.fresh();
        for (int[] shape : new int[][] {{1, 1}, {3, 7}, {12, 33}, {2, 4099}, {300, 16}, {4, 0}}) {
            int rows = shape[0], cols = shape[1];
            int[] bits = hardRows(data, dtype, rows, cols);
            try (Tensor w = Raw.tensor(device, dtype, bits, rows, cols); Tensor wc = Raw.tensor(Device.cpu(), dtype, bits, rows, cols);
                 Quantized q = Ops.quantize(w); Quantized want = Ops.quantize(wc);
                 Tensor deq = Ops.dequantize(q); Tensor deqWant = Ops.dequantize(want)) {
                String what = "quantize " + dtype + " " + rows + "x" + cols;
                assertArrayEquals(Raw.bits(want.values()), Raw.bits(q.values()), what + " values; " + data.describe());
                assertArrayEquals(Raw.bits(want.scales()), Raw.bits(q.scales()), what + " scales; " + data.describe());
                Check.sameBits("dequantize " + dtype + " " + rows + "x" + cols, deq.toFloatArray(), deqWant.toFloatArray(), data);
            }
        }
    }

    /**
     * quantize_rows built with its division made 2 ulp wrong (PANAMAX_TEST_INEXACT_DIVISION), as a
     * device may have it (OpenCL asks 2.5 ulp): still the CPU's bits, its checks sending every
     * element whose rounding the error could change to the exact division.
     */
    @Test
    void quantizeKeepsItsBitsUnderAnInexactDivision() {
        Data data = Data.fresh();
        OpenClDevice cl = backend();
        OpenClKernels kernels = (OpenClKernels) cl.kernels();
        int rows = 40, cols = 1001;
        int[] bits = hardRows(data, DType.F32, rows, cols);
        try (ClProgram program = cl.programs().build("int8.cl (inexact division)", ClSources.load("int8.cl"),
                "-DELEM_DTYPE=DT_F32 -DOUT_DTYPE=DT_F32 -DPANAMAX_TEST_INEXACT_DIVISION");
             Tensor w = Raw.tensor(device, DType.F32, bits, rows, cols); Tensor values = device.zeros(DType.I8, rows, cols);
             Tensor scales = device.zeros(DType.F32, rows);
             Tensor wc = Raw.tensor(Device.cpu(), DType.F32, bits, rows, cols); Quantized want = Ops.quantize(wc);
             Leases leases = new Leases().add((TensorImpl) w, "w").add((TensorImpl) values, "values")
                     .add((TensorImpl) scales, "scales")) {
            try (ClArgs args = ClArgs.begin()) {
                args.buffer(memory(w)).buffer(memory(values)).buffer(memory(scales));
                int threads = OpenClKernels.rowThreads(cols);
                KernelStruct.field(ClInt8.PARAMS, "threads_per_row").set(params(args, rows, cols, 0), 0L, threads);
                args.grid(OpenClDevice.GROUP_SIZE, Math.ceilDiv(rows, OpenClDevice.GROUP_SIZE / threads), OpenClDevice.GROUP_SIZE, 1);
                cl.launch(program, "quantize_rows", args);
            }
            assertArrayEquals(Raw.bits(want.values()), Raw.bits(values), "values; " + data.describe());
            assertArrayEquals(Raw.bits(want.scales()), Raw.bits(scales), "scales; " + data.describe());
        }
    }

    /**
     * Raw bits of rows x cols elements of dtype: normal rows of several magnitudes, and (when there
     * are rows enough) a zero row, a subnormal row, rows with NaN, +Inf and -Inf, a row whose max / 127
     * underflows, and rows of exact half-integer multiples of their scale.
     */
    private static int[] hardRows(Data data, DType dtype, int rows, int cols) {
        SplittableRandom r = data.random();
        int[] bits = new int[rows * cols];
        for (int i = 0; i < rows; i++) {
            int kind = rows < 3 ? 0 : i % 10;
            float scale = (float) Math.pow(10, r.nextInt(-6, 6));
            float s = 0.01f * (1 + r.nextInt(100)); // a scale for the half-integer rows
            for (int j = 0; j < cols; j++) {
                float v = switch (kind) {
                    case 1 -> 0f;
                    case 2 -> Float.intBitsToFloat(r.nextInt(1, 0x800000)) * (r.nextBoolean() ? 1 : -1);
                    case 3 -> j == cols / 2 ? Float.NaN : (float) r.nextGaussian();
                    case 4 -> j == 0 ? Float.POSITIVE_INFINITY : (float) r.nextGaussian();
                    case 5 -> j == cols - 1 ? Float.NEGATIVE_INFINITY : (float) r.nextGaussian();
                    case 6 -> Float.intBitsToFloat(r.nextInt(1, 64)) * (r.nextBoolean() ? 1 : -1);
                    case 7 -> (j == 0 ? 127 : r.nextInt(-127, 127) + 0.5f) * s;
                    default -> (float) (r.nextGaussian() * scale);
                };
                bits[i * cols + j] = switch (dtype) {
                    case F32 -> Float.floatToRawIntBits(v);
                    case F16 -> Float.floatToFloat16(v) & 0xffff;
                    default -> (Float.floatToRawIntBits(v) + 0x7fff + ((Float.floatToRawIntBits(v) >> 16) & 1)) >>> 16;
                };
                if (dtype == DType.BF16 && Float.isNaN(v)) {
                    bits[i * cols + j] = 0x7fc0;
                }
            }
        }
        return bits;
    }

    // ---------------------------------------------------------------- matmul

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "F16", "BF16"})
    void matmulOnBothKernels(DType dtype) {
        Data data = Data.fresh();
        int[][] shapes = {{1, 1, 1}, {1, 4096, 40}, {3, 33, 17}, {8, 100, 9}, {9, 16, 70}, {70, 131, 65}, {2, 0, 5}, {20, 0, 3}};
        for (int[] shape : shapes) {
            for (boolean a8 : new boolean[] {false, true}) {
                matmul(data, dtype, shape[0], shape[1], shape[2], a8, 0);
            }
        }
    }

    /** x and the weight as views at odd byte offsets of larger tensors (staged by the launch). */
    @Test
    void matmulOfViews() {
        Data data = Data.fresh();
        for (boolean a8 : new boolean[] {false, true}) {
            matmul(data, DType.F16, 5, 37, 11, a8, 1);
            matmul(data, DType.F32, 30, 21, 67, a8, 3);
        }
    }

    private void matmul(Data data, DType dtype, int m, int k, int n, boolean a8, int skip) {
        float[] xs = data.normal((m + skip) * k, 1);
        float[] ws = data.normal((n + skip) * k, 0.1);
        if (m > 1 && k > 0) {
            xs[skip * k + k / 2] = 50; // one large value per row block stretches that row's scale
        }
        String what = "matmul " + dtype + (a8 ? " W8A8 " : " W8A16 ") + m + "x" + k + " by " + n + "x" + k
                + (skip > 0 ? " (views)" : "");
        try (Tensor xFull = device.tensor(xs, m + skip, k).to(dtype); Tensor wFull = device.tensor(ws, n + skip, k);
             Quantized qFull = Ops.quantize(wFull);
             Tensor x = xFull.slice(skip, skip + m); Tensor values = qFull.values().slice(skip, skip + n);
             Tensor scales = qFull.scales().slice(skip, skip + n); Quantized q = new Quantized(values, scales);
             Tensor out = Ops.matmul(x, q, a8)) {
            assertEquals(dtype, out.dtype());
            float[] xv = x.toFloatArray();
            int[] qw = Raw.bits(values);
            float[] sw = scales.toFloatArray();
            float[] got = out.toFloatArray();
            if (a8) {
                float[] want = w8a8(x, qw, sw, m, k, n, dtype);
                Check.sameBits(what, got, want, data);
                try (Tensor xc = x.to(Device.cpu()); Tensor vc = values.to(Device.cpu()); Tensor sc = scales.to(Device.cpu());
                     Quantized qc = new Quantized(vc, sc); Tensor outCpu = Ops.matmul(xc, qc, true)) {
                    Check.sameBits(what + " against the CPU", got, outCpu.toFloatArray(), data);
                }
            } else {
                double[] ref = new double[m * n];
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        double sum = 0;
                        for (int p = 0; p < k; p++) {
                            sum += (double) xv[i * k + p] * qw[j * k + p];
                        }
                        ref[i * n + j] = sum * sw[j];
                    }
                }
                Check.close(what, got, ref, Tolerances.accumulate(dtype), data);
            }
        }
    }

    /** W8A8 by its definition: x's rows quantized by the CPU backend, exact integer sums, two F32 multiplies, rounded to dtype. */
    private static float[] w8a8(Tensor x, int[] qw, float[] sw, int m, int k, int n, DType dtype) {
        float[] out = new float[m * n];
        try (Tensor xc = x.to(Device.cpu()); Quantized qx = Ops.quantize(xc.reshape(m, k))) {
            int[] qxv = Raw.bits(qx.values());
            float[] sx = qx.scales().toFloatArray();
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    long sum = 0;
                    for (int p = 0; p < k; p++) {
                        sum += (long) qxv[i * k + p] * qw[j * k + p];
                    }
                    out[i * n + j] = (sx[i] * sw[j]) * (float) sum;
                }
            }
        }
        try (Tensor t = Device.cpu().tensor(out, m, n); Tensor rounded = t.to(dtype)) {
            return rounded.toFloatArray();
        }
    }

    /**
     * The F16 loads of devices with cl_khr_fp16 (vload_half16 in qmm_rows, vload_half in the tiles),
     * built here by force so that a device without it checks them too: the same bits as the
     * software conversion, which widens exactly as well and sums in the same order.
     */
    @Test
    void nativeHalfLoadsGiveTheSameBits() {
        Data data = Data.fresh();
        OpenClDevice cl = backend();
        OpenClKernels kernels = (OpenClKernels) cl.kernels();
        try (ClProgram program = cl.programs().build("int8.cl (native half)", ClSources.load("int8.cl"),
                "-DELEM_DTYPE=DT_F16 -DOUT_DTYPE=DT_F16 -DPANAMAX_NATIVE_HALF")) {
            for (int m : new int[] {3, 20}) {
                int k = 100, n = 9;
                try (Tensor x = device.tensor(data.normal(m * k, 1), m, k).to(DType.F16);
                     Tensor w = device.tensor(data.normal(n * k, 1), n, k); Quantized q = Ops.quantize(w);
                     Tensor want = Ops.matmul(x, q, false); Tensor out = device.zeros(DType.F16, m, n);
                     Leases leases = new Leases().add((TensorImpl) x, "x").add((TensorImpl) q.values(), "values")
                             .add((TensorImpl) q.scales(), "scales").add((TensorImpl) out, "out")) {
                    try (ClArgs args = ClArgs.begin()) {
                        args.buffer(memory(x)).buffer(null).buffer(null);
                        if (m <= ClInt8.FEW_ROWS) {
                            args.buffer(memory(q.values())).buffer(memory(q.scales())).buffer(memory(out));
                            params(args, m, n, k);
                            ClMoe.dots(kernels, args, n);
                            cl.launch(program, "qmm_rows", args);
                        } else {
                            args.buffer(null).buffer(memory(q.values())).buffer(memory(q.scales())).buffer(null).buffer(null)
                                    .buffer(null).buffer(memory(out)).buffer(null);
                            params(args, m, n, k);
                            ClMoe.tiles(kernels, args, m, n, 0);
                            cl.launch(program, "qmm_tiled", args);
                        }
                    }
                    Check.sameBits("matmul F16 W8A16 " + m + "x" + k + " with native half loads", out.toFloatArray(),
                            want.toFloatArray(), data);
                }
            }
        }
    }

    private static Memory memory(Tensor t) {
        return ((TensorImpl) t).memory();
    }

    private static MemorySegment params(ClArgs args, long rows, long cols, long inner) {
        MemorySegment p = args.struct(ClInt8.PARAMS);
        KernelStruct.field(ClInt8.PARAMS, "rows").set(p, 0L, rows);
        KernelStruct.field(ClInt8.PARAMS, "cols").set(p, 0L, cols);
        KernelStruct.field(ClInt8.PARAMS, "inner").set(p, 0L, inner);
        return p;
    }

    // ---------------------------------------------------------------- moe

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "BF16"})
    void moeMatchesTheCpuAndTheReference(DType dtype) {
        Data data = Data.fresh();
        int[][] shapes = {{1, 2, 48, 40, 4}, {3, 2, 33, 17, 5}, {40, 2, 70, 65, 6}, {100, 3, 20, 9, 4}, {5, 2, 16, 0, 3}};
        for (int[] shape : shapes) {
            for (boolean a8 : new boolean[] {false, true}) {
                moe(data, dtype, shape[0], shape[1], shape[2], shape[3], shape[4], a8);
            }
        }
    }

    private void moe(Data data, DType dtype, int tokens, int k, int hidden, int ffn, int experts, boolean a8) {
        SplittableRandom r = data.random();
        float[] x = data.normal(tokens * hidden, 1);
        float[] weights = data.uniform(tokens * k, 0, 1);
        int[] chosen = new int[tokens * k];
        for (int i = 0; i < chosen.length; i++) {
            chosen[i] = r.nextInt(10) == 0 ? experts + 1 : r.nextInt(experts); // some outside [0, E)
        }
        float[] gate = data.normal(experts * ffn * hidden, 0.2);
        float[] up = data.normal(experts * ffn * hidden, 0.2);
        float[] down = data.normal(experts * hidden * ffn, 0.2);
        String what = "moe " + dtype + (a8 ? " W8A8" : " W8A16") + " T=" + tokens + " k=" + k + " H=" + hidden + " F=" + ffn
                + " E=" + experts;
        Device cpu = Device.cpu();
        try (Tensor tx = device.tensor(x, tokens, hidden).to(dtype); Tensor tw = device.tensor(weights, tokens, k);
             Tensor te = device.tensor(chosen, tokens, k); Routing routing = new Routing(tw, te);
             Tensor tg = device.tensor(gate, experts, ffn, hidden); Tensor tu = device.tensor(up, experts, ffn, hidden);
             Tensor td = device.tensor(down, experts, hidden, ffn);
             Quantized qg = Ops.quantize(tg); Quantized qu = Ops.quantize(tu); Quantized qd = Ops.quantize(td);
             Tensor out = Ops.moe(tx, routing, qg, qu, qd, a8);
             Tensor cx = tx.to(cpu); Tensor cw = tw.to(cpu); Tensor ce = te.to(cpu); Routing cr = new Routing(cw, ce);
             Quantized cg = new Quantized(qg.values().to(cpu), qg.scales().to(cpu));
             Quantized cu = new Quantized(qu.values().to(cpu), qu.scales().to(cpu));
             Quantized cd = new Quantized(qd.values().to(cpu), qd.scales().to(cpu));
             Tensor want = Ops.moe(cx, cr, cg, cu, cd, a8);
             Tensor dg = Ops.dequantize(qg); Tensor du = Ops.dequantize(qu); Tensor dd = Ops.dequantize(qd)) {
            float[] got = out.toFloatArray();
            double[] cpuOut = toDouble(want.toFloatArray());
            // W8A8: an activation a hair from a half-integer step may quantize one apart on the two backends
            double tol = a8 ? 2e-2 : Tolerances.accumulate(dtype) * 2;
            Check.close(what + " against the CPU", got, cpuOut, tol, data);
            double[] ref = Reference64.moe(tx.toFloatArray(), weights, chosen, dg.toFloatArray(), du.toFloatArray(),
                    dd.toFloatArray(), tokens, hidden, ffn, experts, k);
            Check.close(what + " against the float64 reference of the dequantized weights", got, ref,
                    a8 ? 5e-2 : Tolerances.accumulate(dtype) * 2, data);
        }
    }

    private static double[] toDouble(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }

    // ---------------------------------------------------------------- leaks

    /** Repeated INT8 calls (every kernel, scratch, views at odd offsets) leave no OpenCL object or allocation behind. */
    @Test
    void callsLeaveNothingBehind() {
        Data data = Data.fresh();
        try (Tensor w = device.tensor(data.normal(9 * 33, 1), 9, 33); Quantized q = Ops.quantize(w);
             Tensor x = device.tensor(data.normal(21 * 33, 1), 21, 33); Tensor few = x.slice(1, 4);
             Tensor tg = device.tensor(data.normal(3 * 5 * 33, 1), 3, 5, 33); Quantized g = Ops.quantize(tg);
             Tensor td = device.tensor(data.normal(3 * 33 * 5, 1), 3, 33, 5); Quantized d = Ops.quantize(td);
             Tensor weights = device.tensor(data.uniform(21 * 2, 0, 1), 21, 2);
             Tensor chosen = device.tensor(new int[42], 21, 2); Routing routing = new Routing(weights, chosen)) {
            Runnable round = () -> {
                try (Quantized again = Ops.quantize(x); Tensor deq = Ops.dequantize(q);
                     Tensor a = Ops.matmul(few, q, false); Tensor b = Ops.matmul(few, q, true);
                     Tensor c = Ops.matmul(x, q, false); Tensor e = Ops.matmul(x, q, true);
                     Tensor m1 = Ops.moe(x, routing, g, g, d, false); Tensor m2 = Ops.moe(x, routing, g, g, d, true);
                     Tensor one = x.slice(5, 6); Routing r1 = new Routing(weights.slice(5, 6), chosen.slice(5, 6));
                     Tensor m3 = Ops.moe(one, r1, g, g, d, true)) {
                    assertEquals(9, a.shape()[1]);
                }
            };
            round.run(); // warm-up: builds the programs, fills the kernel pools
            long allocations = Garbage.settle(Backend.OPENCL); // other tests' dropped tensors freed first
            long bytes = Allocation.liveBytes(Backend.OPENCL);
            Map<String, Long> objects = backend().liveObjects();
            for (int i = 0; i < 50; i++) {
                round.run();
            }
            device.synchronize();
            assertEquals(allocations, Allocation.liveCount(Backend.OPENCL), "live OpenCL allocations");
            assertEquals(bytes, Allocation.liveBytes(Backend.OPENCL), "live OpenCL bytes");
            assertEquals(objects, backend().liveObjects(), "live OpenCL objects");
        }
    }

    // ---------------------------------------------------------------- the striding loops

    @Test
    void everyKernelStridesOverACappedGrid() {
        OpenClKernels kernels = (OpenClKernels) backend().kernels();
        kernels.capGroupsYZ(2);
        try {
            Data data = Data.fresh();
            try (Tensor w = device.tensor(data.normal(300 * 9, 1), 300, 9); Quantized q = Ops.quantize(w); // 64 rows a group
                 Tensor wc = w.to(Device.cpu()); Quantized want = Ops.quantize(wc); Tensor deq = Ops.dequantize(q);
                 Tensor deqWant = Ops.dequantize(want)) {
                assertArrayEquals(Raw.bits(want.values()), Raw.bits(q.values()), "quantize, rows strided");
                Check.sameBits("dequantize, strided", deq.toFloatArray(), deqWant.toFloatArray(), data);
            }
            for (boolean a8 : new boolean[] {false, true}) {
                matmul(data, DType.F32, 3, 40, 50, a8, 0);    // 7 rounds of 8 weight rows
                matmul(data, DType.F32, 200, 20, 10, a8, 0);  // 4 row tiles
                moe(data, DType.F32, 2, 2, 30, 20, 3, a8);
                moe(data, DType.F32, 150, 2, 30, 20, 3, a8);
            }
        } finally {
            kernels.capGroupsYZ(OpenClKernels.MAX_GROUPS_Y_Z);
        }
    }
}
