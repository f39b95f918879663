package dev.panamax.tool;

import dev.panamax.Device;
import dev.panamax.Ops;
import dev.panamax.Tensor;
import dev.panamax.reference.Reference64;
import dev.panamax.testing.Data;
import dev.panamax.testing.Tolerances;

import java.util.List;

/**
 * One row norm over x [rows, cols], eps 1e-5, gamma (and beta) [cols] of x's dtype: layerNorm and
 * rmsNorm into a preallocated out (poisoned with NaN first); addRmsNorm in place on x and a
 * residual [rows, cols] (each call changes them: the timed calls run on what the previous left,
 * which stays finite). x uniform in [-4, 4), residual in [-8, 8), gamma in [0.5, 1.5), beta in
 * [-1, 1). Memory-bound: minimum bytes, each input read once and each output written once:
 * layerNorm 2·rows·cols + 2·cols elements, rmsNorm 2·rows·cols + cols, addRmsNorm
 * 4·rows·cols + cols. Checked on 16 random rows of the first call against {@link Reference64}.
 */
final class NormBench implements BenchOp {
    private static final int SAMPLE_ROWS = 16;
    private static final float EPS = 1e-5f;

    enum Kind {
        LAYER_NORM, RMS_NORM, ADD_RMS_NORM
    }

    private final Kind kind;

    NormBench(Kind kind) {
        this.kind = kind;
    }

    @Override
    public List<String> times() {
        return List.of(switch (kind) {
            case LAYER_NORM -> "Ops.layerNorm";
            case RMS_NORM -> "Ops.rmsNorm";
            case ADD_RMS_NORM -> "Ops.addRmsNorm";
        });
    }

    @Override
    public double bytes(Case c) {
        double n = (double) c.dim("rows") * c.dim("cols");
        double cols = c.dim("cols");
        return switch (kind) {
            case LAYER_NORM -> 2 * n + 2 * cols;
            case RMS_NORM -> 2 * n + cols;
            case ADD_RMS_NORM -> 4 * n + cols;
        } * c.dtype().byteSize();
    }

    @Override
    public Prepared prepare(Device device, Case c, Data data) {
        long rows = c.dim("rows"), cols = c.dim("cols");
        float[] x = Samples.input(data, c.dtype(), rows * cols, -4, 4);
        float[] residual = kind == Kind.ADD_RMS_NORM ? Samples.input(data, c.dtype(), rows * cols, -8, 8) : null;
        float[] gamma = Samples.input(data, c.dtype(), cols, 0.5, 1.5);
        float[] beta = kind == Kind.LAYER_NORM ? Samples.input(data, c.dtype(), cols, -1, 1) : null;
        Tensor tx = null, tr = null, tg = null, tb = null, out = null;
        try {
            tx = Data.tensor(device, c.dtype(), x, rows, cols);
            tr = residual == null ? null : Data.tensor(device, c.dtype(), residual, rows, cols);
            tg = Data.tensor(device, c.dtype(), gamma, cols);
            tb = beta == null ? null : Data.tensor(device, c.dtype(), beta, cols);
            out = kind == Kind.ADD_RMS_NORM ? null : Data.tensor(device, c.dtype(), Samples.poison(rows * cols), rows, cols);
        } catch (RuntimeException | Error e) {
            Tensors.closeAll(out, tb, tg, tr, tx);
            throw e;
        }
        Tensor vx = tx, vr = tr, vg = tg, vb = tb, o = out;
        return new Prepared() {
            @Override
            public void run() {
                switch (kind) {
                    case LAYER_NORM -> Ops.layerNorm(vx, vg, vb, EPS, o);
                    case RMS_NORM -> Ops.rmsNorm(vx, vg, EPS, o);
                    case ADD_RMS_NORM -> Ops.addRmsNorm(vx, vr, vg, EPS);
                }
            }

            @Override
            public Verdict check() {
                int n = c.intDim("cols");
                long[] picked = Samples.indices(data, rows, SAMPLE_ROWS);
                float[] sx = Samples.gatherRows(x, picked, n);
                double[] ref = switch (kind) {
                    case LAYER_NORM -> Reference64.layerNorm(sx, picked.length, n, gamma, beta, EPS);
                    case RMS_NORM -> Reference64.rmsNorm(sx, picked.length, n, gamma, EPS);
                    case ADD_RMS_NORM -> Reference64.addRmsNorm(sx, Samples.gatherRows(residual, picked, n), picked.length, n,
                            gamma, EPS);
                };
                float[] got = Samples.gatherRows((o != null ? o : vx).toFloatArray(), picked, n);
                return Verdict.of(Reference64.relativeError(got, ref), Tolerances.norm(c.dtype()));
            }

            @Override
            public void close() {
                Tensors.closeAll(o, vb, vg, vr, vx);
            }
        };
    }
}
