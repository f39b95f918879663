package dev.panamax.tool;

import dev.panamax.Device;
import dev.panamax.Ops;
import dev.panamax.Tensor;
import dev.panamax.reference.Reference64;
import dev.panamax.testing.Data;
import dev.panamax.testing.Tolerances;

import java.util.List;

/**
 * {@code rope(x [B, H, S, D], positions [S], inverseFrequencies [D/2], interleaved)} in place, the
 * overload a model calls every layer with its table: x uniform in [-1, 1), positions 0 to S - 1
 * offset by a random start below 4096 (a prefill, or a decoding step late in a sequence), the
 * frequencies of theta = 10000 over D. Memory-bound: minimum bytes 2·B·H·S·D·sizeof(dtype) + 4·S
 * + 2·D (x read and written once, positions and frequencies read once). x is rotated again on every
 * run, so {@code check()} uploads the original x again, runs once more and compares 16 random rows of
 * [B·H·S, D] with {@link Reference64#rope} at the tolerance of {@link Tolerances#rope} for the
 * largest angle.
 */
final class RopeBench implements BenchOp {
    private static final int SAMPLE_ROWS = 16;
    private static final float THETA = 10000f;

    @Override
    public List<String> times() {
        return List.of("Ops.rope");
    }

    @Override
    public double bytes(Case c) {
        return 2.0 * c.dim("B") * c.dim("H") * c.dim("S") * c.dim("D") * c.dtype().byteSize() + 4.0 * c.dim("S") + 2.0 * c.dim("D");
    }

    @Override
    public Prepared prepare(Device device, Case c, Data data) {
        int b = c.intDim("B"), h = c.intDim("H"), s = c.intDim("S"), d = c.intDim("D");
        boolean interleaved = c.dim("interleaved", 0) != 0;
        float[] x = Samples.input(data, c.dtype(), (long) b * h * s * d, -1, 1);
        int start = data.random().nextInt(4096);
        int[] positions = new int[s];
        for (int i = 0; i < s; i++) {
            positions[i] = start + i;
        }
        float[] inv = new float[d / 2];
        for (int i = 0; i < inv.length; i++) {
            inv[i] = 1.0f / (float) Math.pow(THETA, (float) (2 * i) / (float) d);
        }
        Tensor tp = null;
        Tensor tf = null;
        Tensor first;
        try {
            tp = device.tensor(positions, s);
            tf = device.tensor(inv, inv.length);
            first = Data.tensor(device, c.dtype(), x, b, h, s, d);
        } catch (RuntimeException | Error e) {
            Tensors.closeAll(tf, tp);
            throw e;
        }
        Tensor tpos = tp;
        Tensor tfreq = tf;
        return new Prepared() {
            private Tensor tx = first;

            @Override
            public void run() {
                Ops.rope(tx, tpos, tfreq, interleaved);
            }

            @Override
            public Verdict check() {
                tx.close(); // rotated by every run so far: rotate the original once
                tx = null;
                tx = Data.tensor(device, c.dtype(), x, b, h, s, d);
                run();
                long rows = (long) b * h * s;
                long[] picked = Samples.indices(data, rows, SAMPLE_ROWS);
                float[] got = Samples.gatherRows(tx.toFloatArray(), picked, d);
                float[] in = Samples.gatherRows(x, picked, d);
                int[] rowPositions = new int[picked.length];
                for (int i = 0; i < picked.length; i++) {
                    rowPositions[i] = positions[(int) (picked[i] % s)];
                }
                // each picked row as a [1, 1, rows, d] tensor of its own position
                double[] ref = Reference64.rope(in, 1, 1, picked.length, d, rowPositions, false, inv, interleaved);
                double largest = (start + s - 1.0) * (inv.length > 0 ? inv[0] : 0);
                return Verdict.of(Reference64.relativeError(got, ref), Tolerances.rope(c.dtype(), largest));
            }

            @Override
            public void close() {
                Tensors.closeAll(tx, tfreq, tpos);
            }
        };
    }
}
