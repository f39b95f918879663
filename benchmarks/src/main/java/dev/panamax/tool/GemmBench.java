package dev.panamax.tool;

import dev.panamax.Device;
import dev.panamax.Ops;
import dev.panamax.PackedMatrix;
import dev.panamax.Tensor;
import dev.panamax.reference.Reference64;
import dev.panamax.testing.Data;
import dev.panamax.testing.Tolerances;

import java.util.List;

/**
 * {@code gemm} ({@code Ops.gemm}): c [M, N] = a [M, K] @ b (alpha 1, beta 0) into a c of the
 * case's output dtype, poisoned with NaN first; b is [K, N], or [N, K] used transposed when the
 * case has {@code transB=1} (a linear layer's weight as stored). {@code matmul}
 * ({@code Ops.matmul}): a [B, M, K] @ b [K, N] (one b shared by every batch, as in a linear
 * layer) into a new tensor of a's dtype. {@code gemm-packed} ({@code Ops.pack} once, outside the
 * timing, then {@code Ops.packedMatmul}): a [M, K] times b packed (stored [K, N], or [N, K] with
 * {@code transB=1}) into a c poisoned with NaN first, as a model's constant weights are used.
 *
 * <p>FLOPs: 2·B·M·N·K. Minimum bytes: (B·M·K + K·N)·sizeof(a) + B·M·N·sizeof(c). Compute-bound,
 * except a product of at most {@value #FEW_ROWS} rows (decoding), which streams b once and is
 * rated in bytes per second. Checked on 256 random elements with {@link Reference64#gemmAt}.
 */
final class GemmBench implements BenchOp {
    private static final int SAMPLES = 256;
    /** Products of this many rows or fewer are bound by reading b. */
    static final int FEW_ROWS = 8;
    private final boolean matmul;
    private final boolean packed;

    GemmBench(boolean matmul) {
        this(matmul, false);
    }

    private GemmBench(boolean matmul, boolean packed) {
        this.matmul = matmul;
        this.packed = packed;
    }

    /** {@code gemm-packed}: the product with b packed once. */
    static GemmBench packed() {
        return new GemmBench(false, true);
    }

    @Override
    public List<String> times() {
        return packed ? List.of("Ops.pack", "Ops.packedMatmul") : List.of(matmul ? "Ops.matmul" : "Ops.gemm");
    }

    static boolean transB(Case c) {
        return c.dim("transB", 0) != 0;
    }

    @Override
    public double flops(Case c) {
        return 2.0 * c.dim("B", 1) * c.dim("M") * c.dim("N") * c.dim("K");
    }

    @Override
    public double bytes(Case c) {
        long batch = c.dim("B", 1), m = c.dim("M"), n = c.dim("N"), k = c.dim("K");
        return (double) (batch * m * k + k * n) * c.dtype().byteSize() + (double) batch * m * n * c.out().byteSize();
    }

    @Override
    public Bound bound(Case c) {
        return c.dim("B", 1) * c.dim("M") <= FEW_ROWS ? Bound.MEMORY : Bound.COMPUTE;
    }

    @Override
    public Prepared prepare(Device device, Case c, Data data) {
        long batch = c.dim("B", 1), m = c.dim("M"), n = c.dim("N"), k = c.dim("K");
        float[] a = Samples.input(data, c.dtype(), batch * m * k, -1, 1);
        float[] b = Samples.input(data, c.dtype(), k * n, -1, 1);
        long[] aShape = matmul ? new long[] {batch, m, k} : new long[] {m, k};
        Tensor ta = Data.tensor(device, c.dtype(), a, aShape);
        Tensor tb = null;
        try {
            tb = transB(c) ? Data.tensor(device, c.dtype(), b, n, k) : Data.tensor(device, c.dtype(), b, k, n);
            Tensor tc = matmul ? null : Data.tensor(device, c.out(), Samples.poison(m * n), m, n);
            PackedMatrix pb = null;
            if (packed) {
                try {
                    pb = Ops.pack(tb, transB(c));
                } catch (RuntimeException | Error e) {
                    Tensors.closeAll(tc);
                    throw e;
                }
                tb.close(); // the packed copy is all the product reads
            }
            return new Run(c, data, a, b, ta, tb, tc, pb);
        } catch (RuntimeException | Error e) {
            Tensors.closeAll(ta, tb);
            throw e;
        }
    }

    private final class Run implements Prepared {
        private final Case c;
        private final Data data;
        private final float[] a, b;
        private final Tensor ta, tb;
        private final PackedMatrix pb;
        private Tensor tc;

        Run(Case c, Data data, float[] a, float[] b, Tensor ta, Tensor tb, Tensor tc, PackedMatrix pb) {
            this.pb = pb;
            this.c = c;
            this.data = data;
            this.a = a;
            this.b = b;
            this.ta = ta;
            this.tb = tb;
            this.tc = tc;
        }

        @Override
        public void run() {
            if (packed) {
                Ops.packedMatmul(ta, pb, tc);
            } else if (matmul) {
                if (tc != null) {
                    tc.close();
                    tc = null;
                }
                tc = Ops.matmul(ta, tb);
            } else {
                Ops.gemm(1f, ta, false, tb, transB(c), 0f, tc);
            }
        }

        @Override
        public Verdict check() {
            long batch = c.dim("B", 1), m = c.dim("M"), n = c.dim("N"), k = c.dim("K");
            float[] out = tc.toFloatArray();
            long[] picks = Samples.indices(data, batch * m * n, SAMPLES);
            float[] got = new float[picks.length];
            double[] ref = new double[picks.length];
            for (int s = 0; s < picks.length; s++) {
                long bi = picks[s] / (m * n), i = picks[s] / n % m, j = picks[s] % n;
                got[s] = out[Math.toIntExact(picks[s])];
                ref[s] = Reference64.gemmAt(bi, i, j, m, n, k, 1, a, false, b, transB(c), false, 0, null);
            }
            // the narrowest of a's and c's dtypes sets the tolerance (a 16-bit c is rounded once more)
            var narrow = c.out().byteSize() < c.dtype().byteSize() ? c.out() : c.dtype();
            return Verdict.of(Reference64.relativeError(got, ref), Tolerances.accumulate(narrow));
        }

        @Override
        public void close() {
            Tensors.closeAll(tc, ta, tb);
            if (pb != null) {
                pb.close();
            }
        }
    }
}
