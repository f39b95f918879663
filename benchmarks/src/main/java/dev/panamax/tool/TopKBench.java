package dev.panamax.tool;

import dev.panamax.Device;
import dev.panamax.Ops;
import dev.panamax.Tensor;
import dev.panamax.TopK;
import dev.panamax.reference.Reference64;
import dev.panamax.testing.Data;

import java.util.List;

/**
 * {@code topK(x [rows, n], k)}, x uniform in [-1, 1) (16-bit dtypes then hold many ties, which
 * go to the lower index). Memory-bound: minimum bytes rows·n·sizeof(dtype) +
 * rows·k·(sizeof(dtype) + 4). Checked on 16 random rows with {@link Reference64#topK}: the
 * values are copies of x's elements, so both values and indices must match exactly.
 */
final class TopKBench implements BenchOp {
    private static final int SAMPLE_ROWS = 16;

    @Override
    public List<String> times() {
        return List.of("Ops.topK");
    }

    @Override
    public double bytes(Case c) {
        long rows = c.dim("rows"), es = c.dtype().byteSize();
        return (double) rows * c.dim("n") * es + (double) rows * c.dim("k") * (es + 4);
    }

    @Override
    public Prepared prepare(Device device, Case c, Data data) {
        long rows = c.dim("rows");
        int n = c.intDim("n"), k = c.intDim("k");
        float[] x = Samples.input(data, c.dtype(), rows * n, -1, 1);
        Tensor tx = Data.tensor(device, c.dtype(), x, rows, n);
        return new Prepared() {
            private TopK top;

            @Override
            public void run() {
                if (top != null) {
                    top.close();
                    top = null;
                }
                top = Ops.topK(tx, k);
            }

            @Override
            public Verdict check() {
                long[] picked = Samples.indices(data, rows, SAMPLE_ROWS);
                Reference64.Selection ref = Reference64.topK(Samples.gatherRows(x, picked, n), picked.length, n, k);
                float[] values = Samples.gatherRows(top.values().toFloatArray(), picked, k);
                int[] got = Samples.gatherRows(top.indices().toIntArray(), picked, k);
                return Verdict.of(Reference64.relativeError(values, ref.values()), 0)
                        .with(Samples.firstIndexMismatch("indices", got, ref.indices(), picked, k));
            }

            @Override
            public void close() {
                try {
                    if (top != null) {
                        top.close();
                    }
                } finally {
                    tx.close();
                }
            }
        };
    }
}
