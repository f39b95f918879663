package dev.panamax.tool;

import dev.panamax.Device;
import dev.panamax.Ops;
import dev.panamax.Tensor;
import dev.panamax.reference.Reference64;
import dev.panamax.testing.Data;

import java.util.List;

/**
 * {@code embedding(table [V, H], ids [N])} into a preallocated out [N, H] (poisoned with NaN
 * first), table uniform in [-1, 1), ids uniform in [0, V). Memory-bound: minimum bytes
 * 2·N·H·sizeof(dtype) + 4·N (each picked row read once, out written once, ids read once; the rest
 * of the table is never touched). The rows are copies, so 16 random rows of out must equal
 * {@link Reference64#embedding} exactly.
 */
final class EmbeddingBench implements BenchOp {
    private static final int SAMPLE_ROWS = 16;

    @Override
    public List<String> times() {
        return List.of("Ops.embedding");
    }

    @Override
    public double bytes(Case c) {
        return 2.0 * c.dim("N") * c.dim("H") * c.dtype().byteSize() + 4.0 * c.dim("N");
    }

    @Override
    public Prepared prepare(Device device, Case c, Data data) {
        int vocab = c.intDim("V"), width = c.intDim("H"), n = c.intDim("N");
        float[] table = Samples.input(data, c.dtype(), (long) vocab * width, -1, 1);
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = data.random().nextInt(vocab);
        }
        Tensor tt = Data.tensor(device, c.dtype(), table, vocab, width);
        Tensor ti = null;
        Tensor out;
        try {
            ti = device.tensor(ids, n);
            out = Data.tensor(device, c.dtype(), Samples.poison((long) n * width), n, width);
        } catch (RuntimeException | Error e) {
            Tensors.closeAll(ti, tt);
            throw e;
        }
        Tensor tids = ti;
        return new Prepared() {
            @Override
            public void run() {
                Ops.embedding(tt, tids, out);
            }

            @Override
            public Verdict check() {
                long[] picked = Samples.indices(data, n, SAMPLE_ROWS);
                int[] pickedIds = new int[picked.length];
                for (int i = 0; i < picked.length; i++) {
                    pickedIds[i] = ids[(int) picked[i]];
                }
                float[] got = Samples.gatherRows(out.toFloatArray(), picked, width);
                return Verdict.of(Reference64.relativeError(got, Reference64.embedding(table, vocab, width, pickedIds)), 0);
            }

            @Override
            public void close() {
                Tensors.closeAll(out, tids, tt);
            }
        };
    }
}
