package dev.panamax.tool;

import dev.panamax.Device;
import dev.panamax.Tensor;
import dev.panamax.reference.Reference64;
import dev.panamax.testing.Data;

import java.util.List;

/**
 * {@code x.to(dtype)}: a converted copy of x [N], x uniform in [-100, 100). Memory-bound:
 * minimum bytes N·(sizeof(from) + sizeof(to)). Rounding to nearest even is exact arithmetic,
 * so 4096 random elements must equal the independently rounded input bit for bit.
 */
final class ConvertBench implements BenchOp {
    private static final int SAMPLES = 4096;

    @Override
    public List<String> times() {
        return List.of("Tensor.to");
    }

    @Override
    public double bytes(Case c) {
        return (double) c.dim("N") * (c.dtype().byteSize() + c.out().byteSize());
    }

    @Override
    public Prepared prepare(Device device, Case c, Data data) {
        long n = c.dim("N");
        float[] x = Samples.input(data, c.dtype(), n, -100, 100);
        Tensor tx = Data.tensor(device, c.dtype(), x, n);
        return new Prepared() {
            private Tensor out;

            @Override
            public void run() {
                Tensors.closeAll(out);
                out = null;
                out = tx.to(c.out());
            }

            @Override
            public Verdict check() {
                float[] result = out.toFloatArray();
                long[] picked = Samples.indices(data, n, SAMPLES);
                float[] got = new float[picked.length];
                float[] want = new float[picked.length];
                for (int s = 0; s < picked.length; s++) {
                    got[s] = result[Math.toIntExact(picked[s])];
                    want[s] = x[Math.toIntExact(picked[s])];
                }
                want = Data.roundTo(c.out(), want);
                double[] ref = new double[want.length];
                for (int s = 0; s < want.length; s++) {
                    ref[s] = want[s];
                }
                return Verdict.of(Reference64.relativeError(got, ref), 0);
            }

            @Override
            public void close() {
                Tensors.closeAll(out, tx);
            }
        };
    }
}
