package dev.panamax.tool;

import dev.panamax.Device;
import dev.panamax.Ops;
import dev.panamax.Tensor;
import dev.panamax.testing.Data;

import java.util.List;

/**
 * {@code permute(x [B, S, H, D], {0, 2, 1, 3})} into a poisoned out [B, H, S, D]: the move from a
 * projection's layout to attention's, x uniform in [-1, 1). Memory-bound: minimum bytes
 * 2·B·S·H·D·sizeof(dtype) (x read once, out written once), so the row's fraction of copy is the
 * fraction of a plain copy of x. Bits move as they are: 4096 sampled elements of out must equal
 * the elements of x the definition names, bit for bit.
 */
final class PermuteBench implements BenchOp {
    private static final int SAMPLES = 4096;
    private static final int[] DIMS = {0, 2, 1, 3};

    @Override
    public List<String> times() {
        return List.of("Ops.permute");
    }

    @Override
    public double bytes(Case c) {
        return 2.0 * c.dim("B") * c.dim("S") * c.dim("H") * c.dim("D") * c.dtype().byteSize();
    }

    @Override
    public Prepared prepare(Device device, Case c, Data data) {
        int b = c.intDim("B"), s = c.intDim("S"), h = c.intDim("H"), d = c.intDim("D");
        long n = (long) b * s * h * d;
        float[] x = Samples.input(data, c.dtype(), n, -1, 1);
        Tensor tx = Data.tensor(device, c.dtype(), x, b, s, h, d);
        Tensor tout;
        try {
            tout = Data.tensor(device, c.dtype(), Samples.poison(n), b, h, s, d);
        } catch (RuntimeException | Error e) {
            Tensors.closeAll(tx);
            throw e;
        }
        return new Prepared() {
            @Override
            public void run() {
                Ops.permute(tx, DIMS, tout);
            }

            @Override
            public Verdict check() {
                float[] out = tout.toFloatArray();
                for (long o : Samples.indices(data, n, SAMPLES)) {
                    long dd = o % d, rest = o / d, ss = rest % s, hh = (rest / s) % h, bb = rest / s / h;
                    long from = ((bb * s + ss) * h + hh) * d + dd; // x[b, s, h, d] for out[b, h, s, d]
                    if (Float.floatToRawIntBits(out[(int) o]) != Float.floatToRawIntBits(x[(int) from])) {
                        return Verdict.of(Double.NaN, 0).with("out element " + o + " is not x element " + from);
                    }
                }
                return Verdict.of(0, 0);
            }

            @Override
            public void close() {
                Tensors.closeAll(tout, tx);
            }
        };
    }
}
