package dev.panamax.conformance;

import dev.panamax.DType;
import dev.panamax.Ops;
import dev.panamax.Tensor;
import dev.panamax.reference.Reference64;
import dev.panamax.testing.Check;
import dev.panamax.testing.Data;
import dev.panamax.testing.Placement;
import dev.panamax.testing.Tolerances;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The ops for whole models on views at awkward offsets: every input (and every output of an out
 * overload) a view one element into an allocation padded with NaN (2 bytes off 16-byte alignment
 * for F16 and BF16) or 256 elements in (an OpenCL sub-buffer), against the float64 reference. A
 * kernel that assumes 16-byte alignment, reads before or past its view, or writes outside it, fails
 * here: the padding is NaN, and the outputs' own padding is checked to stay NaN.
 */
abstract class ModelOpViewCases extends DeviceCases {

    static java.util.List<Object[]> placements() {
        return ViewCases.placements();
    }

    private static final int ROWS = 5;
    private static final int COLS = 37;

    @ParameterizedTest(name = "add, mul, gelu, silu, swiglu on views {0}, {1} elements in")
    @MethodSource("placements")
    void elementwise(DType dtype, long pad) {
        Data data = Data.fresh();
        Placement views = Placement.offsetBy(pad);
        float[] a = Data.roundTo(dtype, data.normal(ROWS * COLS, 1));
        float[] b = Data.roundTo(dtype, data.normal(ROWS * COLS, 1));
        float[] bias = Data.roundTo(dtype, data.normal(COLS, 1));
        double tol = Tolerances.elementwise(dtype);
        try (Tensor ta = views.tensor(device(), dtype, a, ROWS, COLS);
             Tensor tb = Placement.offsetBy(pad + 3).tensor(device(), dtype, b, ROWS, COLS);
             Tensor tBias = Placement.offsetBy(pad + 1).tensor(device(), dtype, bias, COLS)) {
            try (Tensor sum = Ops.add(ta, tb)) {
                Check.close("add on views " + dtype, sum.toFloatArray(), Reference64.add(a, b), tol, data);
            }
            try (Tensor biased = Ops.add(ta, tBias)) {
                Check.close("add of a bias view " + dtype, biased.toFloatArray(), Reference64.add(a, bias), tol, data);
            }
            try (Tensor product = Ops.mul(ta, tb)) {
                Check.close("mul on views " + dtype, product.toFloatArray(), Reference64.mul(a, b), tol, data);
            }
            try (Tensor g = Ops.gelu(ta, false); Tensor gt = Ops.gelu(ta, true)) {
                Check.close("gelu on a view " + dtype, g.toFloatArray(), Reference64.gelu(a, false), tol, data);
                Check.close("gelu tanh on a view " + dtype, gt.toFloatArray(), Reference64.gelu(a, true), tol, data);
            }
            try (Tensor s = Ops.silu(ta); Tensor sw = Ops.swiglu(ta, tb)) {
                Check.close("silu on a view " + dtype, s.toFloatArray(), Reference64.silu(a), tol, data);
                Check.close("swiglu on views " + dtype, sw.toFloatArray(), Reference64.swiglu(a, b), tol, data);
            }
            // out: a view into a NaN-padded allocation; its padding must stay NaN
            try (Tensor out = Placement.offsetBy(pad + 5).tensor(device(), dtype, Data.filled(ROWS * COLS, Float.NaN), ROWS, COLS)) {
                Ops.add(ta, tb, out);
                Check.close("add into a view " + dtype, out.toFloatArray(), Reference64.add(a, b), tol, data);
            }
        }
    }

    @ParameterizedTest(name = "layerNorm, rmsNorm, addRmsNorm on views {0}, {1} elements in")
    @MethodSource("placements")
    void norms(DType dtype, long pad) {
        Data data = Data.fresh();
        Placement views = Placement.offsetBy(pad);
        float[] x = Data.roundTo(dtype, data.normal(ROWS * COLS, 2));
        float[] r = Data.roundTo(dtype, data.normal(ROWS * COLS, 2));
        float[] gamma = Data.roundTo(dtype, data.normal(COLS, 1));
        float[] beta = Data.roundTo(dtype, data.normal(COLS, 1));
        double tol = Tolerances.norm(dtype);
        float eps = 1e-5f;
        try (Tensor tx = views.tensor(device(), dtype, x, ROWS, COLS);
             Tensor tg = Placement.offsetBy(pad + 2).tensor(device(), dtype, gamma, COLS);
             Tensor tbeta = Placement.offsetBy(pad + 1).tensor(device(), dtype, beta, COLS)) {
            try (Tensor ln = Ops.layerNorm(tx, tg, tbeta, eps); Tensor rms = Ops.rmsNorm(tx, tg, eps)) {
                Check.close("layerNorm on views " + dtype, ln.toFloatArray(),
                        Reference64.layerNorm(x, ROWS, COLS, gamma, beta, eps), tol, data);
                Check.close("rmsNorm on views " + dtype, rms.toFloatArray(), Reference64.rmsNorm(x, ROWS, COLS, gamma, eps),
                        tol, data);
            }
            try (Tensor xs = Placement.offsetBy(pad + 3).tensor(device(), dtype, x, ROWS, COLS);
                 Tensor rs = Placement.offsetBy(pad + 4).tensor(device(), dtype, r, ROWS, COLS)) {
                Ops.addRmsNorm(xs, rs, tg, eps);
                Check.close("addRmsNorm on views: x " + dtype, xs.toFloatArray(),
                        Reference64.addRmsNorm(x, r, ROWS, COLS, gamma, eps), tol, data);
                double[] sum = Reference64.add(x, r);
                Check.close("addRmsNorm on views: residual " + dtype, rs.toFloatArray(), sum, Tolerances.elementwise(dtype), data);
            }
        }
    }

    @ParameterizedTest(name = "embedding, rope, writeCache on views {0}, {1} elements in")
    @MethodSource("placements")
    void gatherAndRope(DType dtype, long pad) {
        Data data = Data.fresh();
        int vocab = 11, width = 19, heads = 2, seq = 3, dim = 8, capacity = 7;
        float[] table = Data.roundTo(dtype, data.normal(vocab * width, 1));
        int[] ids = {3, 0, 10, 11, -1, 7};
        try (Tensor tt = Placement.offsetBy(pad).tensor(device(), dtype, table, vocab, width);
             Tensor ti = device().tensor(ids, ids.length);
             Tensor rows = Ops.embedding(tt, ti)) {
            Check.close("embedding of a table view " + dtype, rows.toFloatArray(),
                    Reference64.embedding(table, vocab, width, ids), 0, data);
        }
        float[] x = Data.roundTo(dtype, data.normal(heads * seq * dim, 1));
        float[] inv = {1f, 0.1f, 0.01f, 0.001f};
        int[] positions = {0, 5, 17};
        try (Tensor tx = Placement.offsetBy(pad + 1).tensor(device(), dtype, x, 1, heads, seq, dim);
             Tensor tp = device().tensor(positions, seq);
             Tensor tinv = Placement.offsetBy(pad + 2).tensor(device(), DType.F32, inv, inv.length)) {
            Ops.rope(tx, tp, tinv, false);
            Check.close("rope on a view " + dtype, tx.toFloatArray(),
                    Reference64.rope(x, 1, heads, seq, dim, positions, false, inv, false), Tolerances.rope(dtype, 17), data);
        }
        float[] src = Data.roundTo(dtype, data.normal(heads * 2 * dim, 1));
        float[] cache = Data.roundTo(dtype, data.normal(heads * capacity * dim, 1));
        int[] starts = {5};
        try (Tensor ts = Placement.offsetBy(pad + 3).tensor(device(), dtype, src, 1, heads, 2, dim);
             Tensor tc = Placement.offsetBy(pad + 1).tensor(device(), dtype, cache, 1, heads, capacity, dim);
             Tensor tst = device().tensor(starts, 1)) {
            Ops.writeCache(ts, tc, tst);
            Check.close("writeCache into a cache view " + dtype, tc.toFloatArray(),
                    Reference64.writeCache(src, cache, 1, heads, 2, capacity, dim, starts), 0, data);
        }
    }

    @ParameterizedTest(name = "attention with kvLengths on views {0}, {1} elements in")
    @MethodSource("placements")
    void attentionWithLengths(DType dtype, long pad) {
        Data data = Data.fresh();
        int batch = 2, hq = 4, hkv = 2, sq = 3, skv = 45, d = 24;
        float[] q = Data.roundTo(dtype, data.normal(batch * hq * sq * d, 1));
        float[] k = Data.roundTo(dtype, data.normal(batch * hkv * skv * d, 1));
        float[] v = Data.roundTo(dtype, data.normal(batch * hkv * skv * d, 1));
        int[] lengths = {17, 45};
        float scale = (float) (1 / Math.sqrt(d));
        try (Tensor tq = Placement.offsetBy(pad).tensor(device(), dtype, q, batch, hq, sq, d);
             Tensor tk = Placement.offsetBy(pad + 1).tensor(device(), dtype, k, batch, hkv, skv, d);
             Tensor tv = Placement.offsetBy(pad + 2).tensor(device(), dtype, v, batch, hkv, skv, d);
             Tensor tl = device().tensor(lengths, batch);
             Tensor out = Ops.attention(tq, tk, tv, true, scale, tl)) {
            Check.close("attention with lengths on views " + dtype, out.toFloatArray(),
                    Reference64.attention(q, k, v, batch, hq, hkv, sq, skv, d, true, scale, lengths),
                    Tolerances.attention(dtype, q, k, batch, hq, hkv, sq, skv, d, scale), data);
        }
    }
}
