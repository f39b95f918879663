package dev.panamax.tool;

import dev.panamax.Device;
import dev.panamax.Ops;
import dev.panamax.Quantized;
import dev.panamax.Tensor;
import dev.panamax.reference.Reference64;
import dev.panamax.testing.Data;
import dev.panamax.testing.Tolerances;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

/**
 * The INT8 family. {@code quantize} ({@code Ops.quantize}) of w [N, K] of the case's dtype,
 * uniform in [-1, 1): bytes N·K·(sizeof + 1) + 4·N; {@code dequantize} ({@code Ops.dequantize}):
 * bytes N·K·(1 + 4) + 4·N; both checked bit for bit on sampled rows against the definition
 * computed here. {@code matmul-i8} ({@code Ops.matmul(x, Quantized, a8)}): x [M, K] of the
 * case's dtype uniform in [-1, 1) times an INT8 weight [N, K] quantized on the device (dim a8:
 * 0 for W8A16, 1 for W8A8); FLOPs 2·M·N·K, minimum bytes N·K + 4·N (the INT8 weight and its
 * scales) + (M·K + M·N)·sizeof; up to {@value MoeBench#FEW_ROWS} rows it is bound by reading the
 * weight (the fraction of copy bandwidth is that of its INT8 bytes), more rows by arithmetic.
 * Checked on sampled rows: W8A16 against the float64 product with the weight's values and scales
 * read back, W8A8 exactly (x quantized here, integer sums, the definition's two F32 multiplies).
 */
final class Int8Bench implements BenchOp {
    enum Kind { QUANTIZE, DEQUANTIZE, MATMUL }

    private static final int SAMPLE_ROWS = 4;
    private final Kind kind;

    Int8Bench(Kind kind) {
        this.kind = kind;
    }

    @Override
    public List<String> times() {
        return List.of(switch (kind) {
            case QUANTIZE -> "Ops.quantize";
            case DEQUANTIZE -> "Ops.dequantize";
            case MATMUL -> "Ops.matmul";
        });
    }

    @Override
    public double flops(Case c) {
        return kind == Kind.MATMUL ? 2.0 * c.dim("M") * c.dim("N") * c.dim("K") : 0;
    }

    @Override
    public double bytes(Case c) {
        double n = c.dim("N"), k = c.dim("K");
        int es = c.dtype().byteSize();
        return switch (kind) {
            case QUANTIZE -> n * k * (es + 1) + 4 * n;
            case DEQUANTIZE -> n * k * 5 + 4 * n;
            case MATMUL -> n * k + 4 * n + (double) c.dim("M") * (k + n) * es;
        };
    }

    @Override
    public Bound bound(Case c) {
        return kind == Kind.MATMUL && c.dim("M") > MoeBench.FEW_ROWS ? Bound.COMPUTE : Bound.MEMORY;
    }

    /** The I8 values of a quantized tensor, read back. */
    static byte[] bytes(Tensor values) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment host = arena.allocate(Math.max(1, values.size()));
            values.copyTo(host);
            return host.asSlice(0, values.size()).toArray(ValueLayout.JAVA_BYTE);
        }
    }

    @Override
    public Prepared prepare(Device device, Case c, Data data) {
        int n = c.intDim("N"), k = c.intDim("K");
        float[] w = Samples.input(data, c.dtype(), (long) n * k, -1, 1);
        Tensor tw = Data.tensor(device, c.dtype(), w, n, k);
        Quantized q;
        try {
            q = Ops.quantize(tw);
        } catch (RuntimeException | Error e) {
            Tensors.closeAll(tw);
            throw e;
        }
        return switch (kind) {
            case QUANTIZE -> new Prepared() {
                Quantized last = q;

                @Override
                public void run() {
                    last.close();
                    last = Ops.quantize(tw);
                }

                @Override
                public Verdict check() {
                    byte[] got = bytes(last.values());
                    float[] scales = last.scales().toFloatArray();
                    for (long r : Samples.indices(data, n, SAMPLE_ROWS)) {
                        int row = (int) r;
                        float s = Reference64.int8Scale(w, row * k, k);
                        if (Float.floatToIntBits(s) != Float.floatToIntBits(scales[row])) {
                            return Verdict.of(Double.NaN, 0).with("row " + row + " scale " + scales[row] + ", want " + s);
                        }
                        for (int i = 0; i < k; i++) {
                            if (got[row * k + i] != Reference64.int8Value(w[row * k + i], s)) {
                                return Verdict.of(Double.NaN, 0).with("row " + row + " value " + i);
                            }
                        }
                    }
                    return Verdict.of(0, 0);
                }

                @Override
                public void close() {
                    Tensors.closeAll(last.values(), last.scales(), tw);
                }
            };
            case DEQUANTIZE -> new Prepared() {
                Tensor last = Ops.dequantize(q);

                @Override
                public void run() {
                    last.close();
                    last = Ops.dequantize(q);
                }

                @Override
                public Verdict check() {
                    byte[] v = bytes(q.values());
                    float[] s = q.scales().toFloatArray(), got = last.toFloatArray();
                    for (int i = 0; i < got.length; i++) {
                        if (Float.floatToIntBits(got[i]) != Float.floatToIntBits(v[i] * s[i / k])) {
                            return Verdict.of(Double.NaN, 0).with("element " + i);
                        }
                    }
                    return Verdict.of(0, 0);
                }

                @Override
                public void close() {
                    Tensors.closeAll(last, q.values(), q.scales(), tw);
                }
            };
            case MATMUL -> prepareMatmul(device, c, data, q, tw, n, k);
        };
    }

    private static Prepared prepareMatmul(Device device, Case c, Data data, Quantized q, Tensor tw, int n, int k) {
        int m = c.intDim("M");
        boolean a8 = c.dim("a8") != 0;
        float[] x = Samples.input(data, c.dtype(), (long) m * k, -1, 1);
        Tensor tx = null, out = null;
        try {
            tx = Data.tensor(device, c.dtype(), x, m, k);
            out = Data.tensor(device, c.dtype(), Samples.poison((long) m * n), m, n);
        } catch (RuntimeException | Error e) {
            Tensors.closeAll(out, tx, q.values(), q.scales(), tw);
            throw e;
        }
        Tensor x0 = tx, o = out;
        return new Prepared() {
            @Override
            public void run() {
                Ops.matmul(x0, q, a8, o);
            }

            @Override
            public Verdict check() {
                byte[] v = bytes(q.values());
                float[] s = q.scales().toFloatArray();
                long[] rows = Samples.indices(data, m, SAMPLE_ROWS);
                float[] got = Samples.gatherRows(o.toFloatArray(), rows, n);
                double[] ref = new double[rows.length * n];
                float[] exact = new float[rows.length * n];
                for (int r = 0; r < rows.length; r++) {
                    int row = (int) rows[r];
                    float sx = Reference64.int8Scale(x, row * k, k);
                    for (int j = 0; j < n; j++) {
                        double sum = 0;
                        long isum = 0;
                        for (int p = 0; p < k; p++) {
                            sum += (double) x[row * k + p] * (v[j * k + p] * s[j]);
                            isum += (long) Reference64.int8Value(x[row * k + p], sx) * v[j * k + p];
                        }
                        ref[r * n + j] = sum;
                        exact[r * n + j] = (sx * s[j]) * (float) isum;
                    }
                }
                if (a8) {
                    float[] want = Data.roundTo(c.dtype(), exact);
                    double[] w64 = new double[want.length];
                    for (int i = 0; i < want.length; i++) {
                        w64[i] = want[i];
                    }
                    return Verdict.of(Reference64.relativeError(got, w64), 0);
                }
                return Verdict.of(Reference64.relativeError(got, ref), Tolerances.accumulate(c.dtype()));
            }

            @Override
            public void close() {
                Tensors.closeAll(o, x0, q.values(), q.scales(), tw);
            }
        };
    }
}
