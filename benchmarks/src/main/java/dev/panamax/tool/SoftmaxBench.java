package dev.panamax.tool;

import dev.panamax.Device;
import dev.panamax.Ops;
import dev.panamax.Tensor;
import dev.panamax.reference.Reference64;
import dev.panamax.testing.Data;
import dev.panamax.testing.Tolerances;

import java.util.List;

/**
 * Row softmax of x [rows, cols] into a preallocated out (poisoned with NaN first), inputs
 * uniform in [-8, 8). Memory-bound: minimum bytes 2·rows·cols·sizeof(dtype) (x read once, out
 * written once); FLOPs not rated. Checked on 16 random rows with {@link Reference64#softmax}.
 */
final class SoftmaxBench implements BenchOp {
    private static final int SAMPLE_ROWS = 16;

    @Override
    public List<String> times() {
        return List.of("Ops.softmax");
    }

    @Override
    public double bytes(Case c) {
        return 2.0 * c.dim("rows") * c.dim("cols") * c.dtype().byteSize();
    }

    @Override
    public Prepared prepare(Device device, Case c, Data data) {
        long rows = c.dim("rows"), cols = c.dim("cols");
        float[] x = Samples.input(data, c.dtype(), rows * cols, -8, 8);
        Tensor tx = Data.tensor(device, c.dtype(), x, rows, cols);
        Tensor out;
        try {
            out = Data.tensor(device, c.dtype(), Samples.poison(rows * cols), rows, cols);
        } catch (RuntimeException | Error e) {
            tx.close();
            throw e;
        }
        return new Prepared() {
            @Override
            public void run() {
                Ops.softmax(tx, out);
            }

            @Override
            public Verdict check() {
                int n = c.intDim("cols");
                long[] picked = Samples.indices(data, rows, SAMPLE_ROWS);
                float[] got = Samples.gatherRows(out.toFloatArray(), picked, n);
                double[] ref = Reference64.softmax(Samples.gatherRows(x, picked, n), picked.length, n);
                return Verdict.of(Reference64.relativeError(got, ref), Tolerances.softmax(c.dtype()));
            }

            @Override
            public void close() {
                Tensors.closeAll(out, tx);
            }
        };
    }
}
