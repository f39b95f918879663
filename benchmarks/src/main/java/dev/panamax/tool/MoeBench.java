package dev.panamax.tool;

import dev.panamax.Device;
import dev.panamax.Ops;
import dev.panamax.PackedMatrix;
import dev.panamax.Quantized;
import dev.panamax.Routing;
import dev.panamax.Tensor;
import dev.panamax.reference.Reference64;
import dev.panamax.testing.Data;
import dev.panamax.testing.Tolerances;

import java.util.List;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * {@code moe} ({@code Ops.moe}): x [T, H] through a SwiGLU mixture of E experts, gate and up
 * [E, F, H], down [E, H, F], inputs uniform in [-1, 1) scaled so that activations stay of order 1.
 * The routing is fixed, not drawn: token t takes experts (t·k + j) mod E, j &lt; k, with weights
 * uniform in [0.05, 1), so that every case reads exactly min(E, T·k) experts, each with an even
 * share of the rows, and its bytes are known. {@code groupedMatmul} ({@code Ops.groupedMatmul}):
 * x [T·k, H] by w [E, F, H] in E groups of T·k / E rows (the remainder to the last).
 *
 * <p>moe: FLOPs 2·T·k·3·F·H; minimum bytes: the chosen experts' weights, min(E, T·k)·3·F·H·sizeof,
 * plus x and out (T·H·sizeof each) and the routing (T·k·8). groupedMatmul: FLOPs 2·T·k·F·H; bytes
 * min(E, T·k)·F·H·sizeof + T·k·(H + F)·sizeof. A case with at most {@value #FEW_ROWS} tokens is
 * bound by reading the experts' weights (rated against copy bandwidth), larger ones by arithmetic.
 * Checked on a few tokens (rows) against {@link Reference64#moe} ({@link Reference64#groupedMatmul}).
 *
 * <p>moe-packed: moe with the experts packed once before timing ({@code Ops.pack} of each [E, F, H]
 * stack, transB), the float tensors then closed; the same FLOPs and bytes (the CPU's packed copy is
 * F32, so a 16-bit case reads twice its figure there).
 */
final class MoeBench implements BenchOp {
    static final int FEW_ROWS = 8;
    private static final int SAMPLE_TOKENS = 4;
    private final boolean grouped;
    /** moe-i8: the experts quantized on the device ({@code Ops.quantize}), dim a8 = 1 for W8A8. */
    private final boolean int8;
    /** moe-packed: the experts packed once ({@code Ops.pack} of each stack) before the timed calls. */
    private final boolean packed;

    MoeBench(boolean grouped) {
        this(grouped, false);
    }

    MoeBench(boolean grouped, boolean int8) {
        this(grouped, int8, false);
    }

    private MoeBench(boolean grouped, boolean int8, boolean packed) {
        this.grouped = grouped;
        this.int8 = int8;
        this.packed = packed;
    }

    /** moe-packed. */
    static MoeBench packedExperts() {
        return new MoeBench(false, false, true);
    }

    @Override
    public List<String> times() {
        return List.of(grouped ? "Ops.groupedMatmul" : "Ops.moe");
    }

    private static long chosen(Case c) {
        return Math.min(c.dim("E"), c.dim("T") * c.dim("k"));
    }

    @Override
    public double flops(Case c) {
        return 2.0 * c.dim("T") * c.dim("k") * (grouped ? 1 : 3) * c.dim("F") * c.dim("H");
    }

    @Override
    public double bytes(Case c) {
        long t = c.dim("T"), k = c.dim("k"), f = c.dim("F"), h = c.dim("H");
        int es = c.dtype().byteSize();
        if (grouped) {
            return (double) chosen(c) * f * h * es + (double) t * k * (h + f) * es;
        }
        if (int8) { // one byte a weight and one F32 scale a row of each
            return (double) chosen(c) * (3 * f * h + 4 * (2 * f + h)) + 2.0 * t * h * es + 8.0 * t * k;
        }
        return (double) chosen(c) * 3 * f * h * es + 2.0 * t * h * es + 8.0 * t * k;
    }

    @Override
    public Bound bound(Case c) {
        return c.dim("T") <= FEW_ROWS ? Bound.MEMORY : Bound.COMPUTE;
    }

    /** Expert weights [E, rows, cols] of one projection, uniform with the scale of 1/sqrt(cols). */
    private static float[] weights(Data data, Case c, long rows, long cols) {
        double s = Math.sqrt(3.0 / cols);
        return Samples.input(data, c.dtype(), c.dim("E") * rows * cols, -s, s);
    }

    @Override
    public Prepared prepare(Device device, Case c, Data data) {
        int t = c.intDim("T"), k = c.intDim("k"), e = c.intDim("E"), f = c.intDim("F"), h = c.intDim("H");
        return grouped ? prepareGrouped(device, c, data, t * k, e, f, h) : prepareMoe(device, c, data, t, k, e, f, h);
    }

    private Prepared prepareMoe(Device device, Case c, Data data, int t, int k, int e, int f, int h) {
        float[] x = Samples.input(data, c.dtype(), (long) t * h, -1, 1);
        float[] gate = weights(data, c, f, h), up = weights(data, c, f, h), down = weights(data, c, h, f);
        float[] w = data.uniform(t * k, 0.05, 1);
        int[] experts = new int[t * k];
        for (int i = 0; i < experts.length; i++) {
            experts[i] = i % e;
        }
        Tensor[] in = new Tensor[6];
        try {
            in[0] = Data.tensor(device, c.dtype(), x, t, h);
            in[1] = Data.tensor(device, c.dtype(), gate, e, f, h);
            in[2] = Data.tensor(device, c.dtype(), up, e, f, h);
            in[3] = Data.tensor(device, c.dtype(), down, e, h, f);
            in[4] = device.tensor(w, t, k);
            in[5] = device.tensor(experts, t, k);
            Tensor out = Data.tensor(device, c.dtype(), Samples.poison((long) t * h), t, h);
            Routing routing = new Routing(in[4], in[5]);
            Quantized[] q = int8 ? replaced(in, out, Ops::quantize, Quantized[]::new) : null;
            PackedMatrix[] p = packed ? replaced(in, out, expert -> Ops.pack(expert, true), PackedMatrix[]::new) : null;
            boolean a8 = int8 && c.dim("a8") != 0;
            // W8A16 against the float64 layer of the dequantized experts. W8A8 also rounds x and the
            // activations to 255 levels a row; the activations' rows are heavy-tailed (silu(g)·u), so
            // their step is large next to a typical element: a few percent of the output (2.1e-2 seen
            // at T = 64 BF16), against O(1) for a wrong expert, row or scale.
            double tolerance = a8 ? 5e-2 : 2 * Tolerances.accumulate(c.dtype());
            return new Prepared() {
                @Override
                public void run() {
                    if (int8) {
                        Ops.moe(in[0], routing, q[0], q[1], q[2], a8, out);
                    } else if (packed) {
                        Ops.moe(in[0], routing, p[0], p[1], p[2], out);
                    } else {
                        Ops.moe(in[0], routing, in[1], in[2], in[3], out);
                    }
                }

                @Override
                public Verdict check() {
                    long[] picked = Samples.indices(data, t, SAMPLE_TOKENS);
                    double[] ref = Reference64.moe(Samples.gatherRows(x, picked, h), Samples.gatherRows(w, picked, k),
                            Samples.gatherRows(experts, picked, k), int8 ? dequantized(q[0]) : gate,
                            int8 ? dequantized(q[1]) : up, int8 ? dequantized(q[2]) : down, picked.length, h, f, e, k);
                    float[] got = Samples.gatherRows(out.toFloatArray(), picked, h);
                    return Verdict.of(Reference64.relativeError(got, ref), tolerance);
                }

                @Override
                public void close() {
                    Tensors.closeAll(out, in[0], in[1], in[2], in[3], in[4], in[5]);
                    if (q != null) {
                        for (Quantized one : q) {
                            one.close();
                        }
                    }
                    if (p != null) {
                        for (PackedMatrix one : p) {
                            one.close();
                        }
                    }
                }
            };
        } catch (RuntimeException | Error ex) {
            Tensors.closeAll(in);
            throw ex;
        }
    }

    private Prepared prepareGrouped(Device device, Case c, Data data, int rows, int e, int f, int h) {
        float[] x = Samples.input(data, c.dtype(), (long) rows * h, -1, 1);
        float[] w = weights(data, c, f, h);
        int[] ends = new int[e];
        for (int g = 0; g < e; g++) {
            ends[g] = g == e - 1 ? rows : (g + 1) * (rows / e);
        }
        Tensor[] in = new Tensor[4];
        try {
            in[0] = Data.tensor(device, c.dtype(), x, rows, h);
            in[1] = Data.tensor(device, c.dtype(), w, e, f, h);
            in[2] = device.tensor(ends, e);
            in[3] = Data.tensor(device, c.dtype(), Samples.poison((long) rows * f), rows, f);
            return new Prepared() {
                @Override
                public void run() {
                    Ops.groupedMatmul(in[0], in[1], in[2], in[3]);
                }

                @Override
                public Verdict check() {
                    long[] picked = Samples.indices(data, rows, SAMPLE_TOKENS);
                    float[] got = Samples.gatherRows(in[3].toFloatArray(), picked, f);
                    double[] ref = new double[picked.length * f];
                    for (int s = 0; s < picked.length; s++) {
                        int r = (int) picked[s], g = 0;
                        while (ends[g] <= r) {
                            g++;
                        }
                        float[] row = Samples.gatherRows(x, new long[] {r}, h);
                        float[] wg = new float[f * h];
                        System.arraycopy(w, g * f * h, wg, 0, f * h);
                        double[] one = Reference64.groupedMatmul(row, wg, new int[] {1}, 1, f, h);
                        System.arraycopy(one, 0, ref, s * f, f);
                    }
                    return Verdict.of(Reference64.relativeError(got, ref), Tolerances.accumulate(c.dtype()));
                }

                @Override
                public void close() {
                    Tensors.closeAll(in);
                }
            };
        } catch (RuntimeException | Error ex) {
            Tensors.closeAll(in);
            throw ex;
        }
    }

    /**
     * The float experts in[1..3] turned into what the case times ({@code Ops.quantize}: INT8
     * values and scales; {@code Ops.pack}: a packed stack), each float tensor closed once turned,
     * so that only the new bytes stay resident. Closes everything on failure.
     */
    private static <T extends AutoCloseable> T[] replaced(Tensor[] in, Tensor out, Function<Tensor, T> turn,
                                                          IntFunction<T[]> array) {
        T[] made = array.apply(3);
        try {
            for (int i = 0; i < 3; i++) {
                made[i] = turn.apply(in[i + 1]);
                in[i + 1].close();
            }
            return made;
        } catch (RuntimeException | Error ex) {
            for (T one : made) {
                if (one != null) {
                    try {
                        one.close();
                    } catch (Exception e) {
                        ex.addSuppressed(e);
                    }
                }
            }
            Tensors.closeAll(out);
            throw ex;
        }
    }

    /** values · scales read back, as the host's float64 reference takes them. */
    private static float[] dequantized(Quantized q) {
        try (Tensor d = Ops.dequantize(q)) {
            return d.toFloatArray();
        }
    }
}
