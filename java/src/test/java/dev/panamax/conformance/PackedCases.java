package dev.panamax.conformance;

import dev.panamax.DType;
import dev.panamax.Ops;
import dev.panamax.PackedMatrix;
import dev.panamax.Tensor;
import dev.panamax.reference.Reference64;
import dev.panamax.testing.Check;
import dev.panamax.testing.Data;
import dev.panamax.testing.Tolerances;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** {@code pack} and the product with a packed matrix, against the float64 reference. */
@Covers({"pack", "packedMatmul"})
abstract class PackedCases extends DeviceCases {

    /**
     * M from 1 to 200 (a few rows, and past the CPU's in-place limit of 96), N of whole CPU strips
     * (96 columns), with a partial strip, and narrower than one; K from 1 to past one kc block
     * (2048) and past one chunk of the CPU's pack (4096); b stored [K, N] and [N, K].
     */
    static List<Object[]> shapes() {
        int[][] mnk = {
            {1, 1, 1}, {1, 97, 33}, {16, 384, 384}, {9, 400, 300}, {13, 193, 1000}, {4, 96, 7}, {100, 96, 70},
            {200, 300, 129}, {3, 95, 2049}, {5, 200, 2100}, {17, 191, 2}, {97, 200, 64}, {33, 1000, 40},
            {3, 100, 4200}, // K past the CPU's 4096 rows a pack chunk
        };
        List<Object[]> cases = new ArrayList<>();
        for (int[] s : mnk) {
            for (boolean transB : new boolean[] {false, true}) {
                cases.add(new Object[] {DType.F32, s[0], s[1], s[2], transB});
            }
        }
        for (DType dtype : List.of(DType.F16, DType.BF16)) {
            cases.add(new Object[] {dtype, 16, 384, 384, true});
            cases.add(new Object[] {dtype, 33, 193, 129, false});
            cases.add(new Object[] {dtype, 1, 100, 70, true});
            cases.add(new Object[] {dtype, 130, 97, 300, false});
            cases.add(new Object[] {dtype, 9, 192, 2050, true});
        }
        return cases;
    }

    @ParameterizedTest(name = "pack {0} M={1} N={2} K={3} transB={4}")
    @MethodSource("shapes")
    void againstReference(DType dtype, int m, int n, int k, boolean transB) {
        Data data = Data.fresh();
        float[] a = Data.roundTo(dtype, data.normal(m * k, 1.0));
        float[] b = Data.roundTo(dtype, data.normal(k * n, 1.0));
        String what = "packedMatmul(a, pack(b)) " + dtype + " M=" + m + " N=" + n + " K=" + k + (transB ? " transB" : "");
        float[] out;
        try (Tensor ta = Data.tensor(device(), dtype, a, m, k);
             Tensor tb = Data.tensor(device(), dtype, b, transB ? n : k, transB ? k : n);
             PackedMatrix p = Ops.pack(tb, transB);
             Tensor tc = Ops.packedMatmul(ta, p)) {
            assertArrayEquals(new long[] {k, n}, p.shape(), what);
            assertEquals(dtype, p.dtype(), what);
            assertEquals(device().spec(), p.device().spec(), what);
            assertArrayEquals(new long[] {m, n}, tc.shape(), what);
            assertEquals(dtype, tc.dtype(), what);
            out = tc.toFloatArray();
        }
        double[] want = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                want[i * n + j] = Reference64.gemmAt(0, i, j, m, n, k, 1f, a, false, b, transB, false, 0f, null);
            }
        }
        Check.close(what, out, want, Tolerances.accumulate(dtype), data);
    }

    /**
     * Exact integers, so every backend must give the reference to the bit; a of rank 1, 2 and 4;
     * the out overload into a tensor poisoned with NaN; the packed matrix used again after b was
     * overwritten and closed (it is a copy).
     */
    @Test
    void exactRanksOutAndCopy() {
        Data data = Data.fresh();
        int k = 130, n = 250;
        float[] b = data.integers(k * n, -4, 4);
        long[][] aShapes = {{k}, {7, k}, {2, 3, 5, k}};
        try (Tensor tb = Data.tensor(device(), DType.F32, b, n, k)) {
            // b stored [N, K]: op(b)[p, j] = b[j * k + p]
            PackedMatrix p = Ops.pack(tb, true);
            try (p) {
                try (Arena arena = Arena.ofConfined()) {
                    tb.copyFrom(arena.allocate((long) k * n * Float.BYTES)); // zeros: the packed copy must not see them
                }
                tb.close();
                for (long[] shape : aShapes) {
                    int rows = (int) (Arrays.stream(shape).reduce(1, (x, y) -> x * y) / k);
                    float[] a = data.integers(rows * k, -4, 4);
                    float[] want = new float[rows * n];
                    for (int i = 0; i < rows; i++) {
                        for (int j = 0; j < n; j++) {
                            want[i * n + j] = (float) Reference64.gemmAt(0, i, j, rows, n, k, 1, a, false, b, true, false, 0, null);
                        }
                    }
                    long[] outShape = shape.clone();
                    outShape[outShape.length - 1] = n;
                    String what = "packedMatmul(a " + Arrays.toString(shape) + ", pack(b [" + n + ", " + k + "], transB))";
                    try (Tensor ta = Data.tensor(device(), DType.F32, a, shape);
                         Tensor out = Data.tensor(device(), DType.F32, Data.filled(rows * n, Float.NaN), outShape)) {
                        try (Tensor r = Ops.packedMatmul(ta, p)) {
                            assertArrayEquals(outShape, r.shape(), what);
                            Check.equal(what, r.toFloatArray(), want, data);
                        }
                        Ops.packedMatmul(ta, p, out);
                        Check.equal(what + " into out", out.toFloatArray(), want, data);
                    }
                }
            }
            assertThrows(IllegalStateException.class, () -> {
                try (Tensor ta = Data.tensor(device(), DType.F32, new float[k], k)) {
                    Ops.packedMatmul(ta, p).close();
                }
            }, "a closed packed matrix");
            p.close(); // idempotent
        }
    }

    /** K = 0: zeros (the out's NaN poison must go). */
    @Test
    void emptyInner() {
        Data data = Data.fresh();
        try (Tensor tb = Data.tensor(device(), DType.F32, new float[0], 0, 5);
             PackedMatrix p = Ops.pack(tb, false);
             Tensor ta = Data.tensor(device(), DType.F32, new float[0], 3, 0);
             Tensor out = Data.tensor(device(), DType.F32, Data.filled(15, Float.NaN), 3, 5)) {
            Ops.packedMatmul(ta, p, out);
            Check.equal("packedMatmul(a [3, 0], pack(b [0, 5]))", out.toFloatArray(), new float[15], data);
        }
    }

    /**
     * Wrong ranks, dtypes, inner sizes and overlapping outputs are refused with the reason; a
     * rank-3 b packs to a stack (for moe), which packedMatmul refuses.
     */
    @Test
    void refusals() {
        try (Tensor b4 = device().zeros(DType.F32, 2, 2, 3, 4);
             Tensor b1 = device().zeros(DType.F32, 12);
             Tensor b3 = device().zeros(DType.F32, 2, 3, 4);
             PackedMatrix stack = Ops.pack(b3, false);
             Tensor bi = device().zeros(DType.I32, 3, 4);
             Tensor b = device().zeros(DType.F32, 3, 4);
             PackedMatrix p = Ops.pack(b, false);
             Tensor a = device().zeros(DType.F32, 2, 3);
             Tensor aWrongK = device().zeros(DType.F32, 2, 4);
             Tensor aBf16 = device().zeros(DType.BF16, 2, 3);
             Tensor outBad = device().zeros(DType.F32, 2, 5);
             Tensor big = device().zeros(DType.F32, 2, 8)) {
            assertThrows(IllegalArgumentException.class, () -> Ops.pack(b4, false).close(), "rank 4");
            assertThrows(IllegalArgumentException.class, () -> Ops.pack(b1, false).close(), "rank 1");
            assertArrayEquals(new long[] {2, 3, 4}, stack.shape(), "a stack of two packed matrices");
            assertThrows(IllegalArgumentException.class, () -> Ops.packedMatmul(a, stack).close(), "a stack");
            assertThrows(IllegalArgumentException.class, () -> Ops.pack(bi, false).close(), "I32");
            assertThrows(IllegalArgumentException.class, () -> Ops.packedMatmul(aWrongK, p).close(), "K");
            assertThrows(IllegalArgumentException.class, () -> Ops.packedMatmul(aBf16, p).close(), "dtype");
            assertThrows(IllegalArgumentException.class, () -> Ops.packedMatmul(a, p, outBad), "out shape");
            try (Tensor flat = big.reshape(-1);
                 Tensor aFlat = flat.slice(0, 6);
                 Tensor aView = aFlat.reshape(2, 3);
                 Tensor outFlat = flat.slice(2, 10);
                 Tensor outView = outFlat.reshape(2, 4)) {
                assertThrows(IllegalArgumentException.class, () -> Ops.packedMatmul(aView, p, outView), "out overlaps a");
            }
            assertThrows(NullPointerException.class, () -> Ops.packedMatmul(a, (PackedMatrix) null).close(), "null");
        }
    }
}
