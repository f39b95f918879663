package dev.panamax.tool;

import dev.panamax.Device;
import dev.panamax.Ops;
import dev.panamax.Tensor;
import dev.panamax.reference.Reference64;
import dev.panamax.testing.Data;
import dev.panamax.testing.Tolerances;

import java.util.List;

/**
 * One elementwise op on a [rows, cols] into a preallocated out (poisoned with NaN first), inputs
 * uniform in [-4, 4): add and mul of two [rows, cols] tensors, or with {@code bias=1} of a [cols]
 * b repeated over the rows; gelu (erf or tanh), silu; swiglu of gate and up [rows, cols].
 * Memory-bound: minimum bytes, each input read once and out written once, (2 + number of full
 * inputs past the first)·rows·cols·sizeof(dtype), plus cols·sizeof(dtype) for a bias. Checked on
 * 16 random rows against {@link Reference64}.
 */
final class ElementwiseBench implements BenchOp {
    private static final int SAMPLE_ROWS = 16;

    enum Kind {
        ADD, MUL, GELU, GELU_TANH, SILU, SWIGLU;

        boolean binary() {
            return this == ADD || this == MUL || this == SWIGLU;
        }
    }

    private final Kind kind;

    ElementwiseBench(Kind kind) {
        this.kind = kind;
    }

    @Override
    public List<String> times() {
        return List.of(switch (kind) {
            case ADD -> "Ops.add";
            case MUL -> "Ops.mul";
            case GELU, GELU_TANH -> "Ops.gelu";
            case SILU -> "Ops.silu";
            case SWIGLU -> "Ops.swiglu";
        });
    }

    private boolean bias(Case c) {
        return c.dim("bias", 0) != 0;
    }

    @Override
    public double bytes(Case c) {
        double n = (double) c.dim("rows") * c.dim("cols");
        double tensors = !kind.binary() ? 2 : bias(c) ? 2 : 3;
        return (tensors * n + (bias(c) ? c.dim("cols") : 0)) * c.dtype().byteSize();
    }

    @Override
    public Prepared prepare(Device device, Case c, Data data) {
        long rows = c.dim("rows"), cols = c.dim("cols");
        long[] bShape = bias(c) ? new long[] {cols} : new long[] {rows, cols};
        float[] a = Samples.input(data, c.dtype(), rows * cols, -4, 4);
        float[] b = kind.binary() ? Samples.input(data, c.dtype(), bShape.length == 1 ? cols : rows * cols, -4, 4) : null;
        Tensor ta = null, tb = null, out = null;
        try {
            ta = Data.tensor(device, c.dtype(), a, rows, cols);
            tb = b == null ? null : Data.tensor(device, c.dtype(), b, bShape);
            out = Data.tensor(device, c.dtype(), Samples.poison(rows * cols), rows, cols);
        } catch (RuntimeException | Error e) {
            Tensors.closeAll(out, tb, ta);
            throw e;
        }
        Tensor x = ta, y = tb, o = out;
        return new Prepared() {
            @Override
            public void run() {
                switch (kind) {
                    case ADD -> Ops.add(x, y, o);
                    case MUL -> Ops.mul(x, y, o);
                    case GELU -> Ops.gelu(x, false, o);
                    case GELU_TANH -> Ops.gelu(x, true, o);
                    case SILU -> Ops.silu(x, o);
                    case SWIGLU -> Ops.swiglu(x, y, o);
                }
            }

            @Override
            public Verdict check() {
                int n = c.intDim("cols");
                long[] picked = Samples.indices(data, rows, SAMPLE_ROWS);
                float[] sa = Samples.gatherRows(a, picked, n);
                float[] sb = b == null ? null : bias(c) ? b : Samples.gatherRows(b, picked, n);
                double[] ref = switch (kind) {
                    case ADD -> Reference64.add(sa, sb);
                    case MUL -> Reference64.mul(sa, sb);
                    case GELU -> Reference64.gelu(sa, false);
                    case GELU_TANH -> Reference64.gelu(sa, true);
                    case SILU -> Reference64.silu(sa);
                    case SWIGLU -> Reference64.swiglu(sa, sb);
                };
                float[] got = Samples.gatherRows(o.toFloatArray(), picked, n);
                return Verdict.of(Reference64.relativeError(got, ref), Tolerances.elementwise(c.dtype()));
            }

            @Override
            public void close() {
                Tensors.closeAll(o, y, x);
            }
        };
    }
}
