package dev.panamax.conformance;

import dev.panamax.DType;
import dev.panamax.Ops;
import dev.panamax.Tensor;
import dev.panamax.reference.Reference64;
import dev.panamax.testing.Data;
import dev.panamax.testing.Raw;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * permute against the reference of its definition ({@link Reference64#permute}), every element's
 * bits checked exactly (permute moves bits: random bit patterns, NaN payloads included), every
 * dtype: the [B, S, H, D] and [B, H, S, D] pair both ways (D odd, 1, 128), random permutations of
 * ranks 1 to 6 on awkward sizes (1, 2, 3, 5, 7, 33, 127), transposes whose tiles do not divide
 * (the last dimension moves), rank 8, the identity, all sizes 1; x and out as views one element
 * into a larger tensor (never 16-byte aligned), the out overload over a poisoned out whose
 * neighbours must stay as they were; empty tensors.
 */
@Covers("permute")
abstract class PermuteCases extends DeviceCases {

    /** Shapes and permutations chosen for what they exercise. */
    private static final long[][] SHAPES = {
        {2, 33, 3, 64}, {1, 127, 5, 33}, {3, 7, 4, 128}, {2, 5, 3, 1}, {1, 1, 1, 1}, // [B, S, H, D]
        {33, 127}, {2, 65, 97}, {3, 40, 70}, {127}, {5, 1, 33, 2}, {2, 1, 3, 2, 1, 2, 3, 2}, {7, 3, 5, 2, 3, 2},
    };
    private static final int[][] DIMS = {
        {0, 2, 1, 3}, {0, 2, 1, 3}, {0, 2, 1, 3}, {0, 2, 1, 3}, {3, 2, 1, 0},
        {1, 0}, {0, 2, 1}, {2, 1, 0}, {0}, {2, 0, 3, 1}, {7, 0, 6, 2, 5, 1, 4, 3}, {5, 3, 0, 4, 1, 2},
    };
    private static final long[] SIZES = {1, 2, 3, 5, 7, 33, 127};

    /** Random bits of dtype, as {@link Raw#bits} reads them back (16-bit unsigned, 8-bit sign-extended). */
    static int[] randomBits(DType dtype, int n, Data data) {
        int[] bits = new int[n];
        for (int i = 0; i < n; i++) {
            int r = data.random().nextInt();
            bits[i] = switch (dtype.byteSize()) {
                case 4 -> r;
                case 2 -> r & 0xFFFF;
                default -> (byte) r;
            };
        }
        return bits;
    }

    static int size(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return Math.toIntExact(n);
    }

    static long[] permuted(long[] shape, int[] dims) {
        long[] out = new long[shape.length];
        for (int j = 0; j < dims.length; j++) {
            out[j] = shape[dims[j]];
        }
        return out;
    }

    static int[] inverse(int[] dims) {
        int[] inv = new int[dims.length];
        for (int j = 0; j < dims.length; j++) {
            inv[dims[j]] = j;
        }
        return inv;
    }

    /** permute(x, dims) of fresh random bits, checked element by element; x must be left alone. */
    private void check(DType dtype, long[] shape, int[] dims, Data data) {
        int[] bits = randomBits(dtype, size(shape), data);
        String what = "permute " + dtype + " " + Arrays.toString(shape) + " by " + Arrays.toString(dims);
        try (Tensor x = Raw.tensor(device(), dtype, bits, shape); Tensor out = Ops.permute(x, dims)) {
            assertEquals(dtype, out.dtype(), what + ": dtype");
            assertArrayEquals(permuted(shape, dims), out.shape(), what + ": shape");
            same(what, Raw.bits(out), Reference64.permute(bits, shape, dims), data);
            same(what + " must leave x alone", Raw.bits(x), bits, data);
        }
    }

    static void same(String what, int[] got, int[] want, Data data) {
        if (got.length != want.length) {
            fail(what + ": " + got.length + " elements, want " + want.length + "; " + data.describe());
        }
        for (int i = 0; i < got.length; i++) {
            if (got[i] != want[i]) {
                fail(what + ": element " + i + " has bits 0x" + Integer.toHexString(got[i]) + ", want 0x"
                        + Integer.toHexString(want[i]) + "; " + data.describe());
            }
        }
    }

    @ParameterizedTest(name = "permute {0}")
    @EnumSource(DType.class)
    void chosenShapes(DType dtype) {
        Data data = Data.fresh();
        for (int i = 0; i < SHAPES.length; i++) {
            check(dtype, SHAPES[i], DIMS[i], data);
        }
    }

    /** Random ranks 1 to 6, sizes from {@link #SIZES}, random permutations. */
    @ParameterizedTest(name = "permute {0}, random")
    @EnumSource(DType.class)
    void randomPermutations(DType dtype) {
        Data data = Data.fresh();
        for (int round = 0; round < 24; round++) {
            int rank = 1 + round % 6;
            long[] shape = new long[rank];
            long n;
            do {
                n = 1;
                for (int d = 0; d < rank; d++) {
                    shape[d] = SIZES[data.random().nextInt(SIZES.length)];
                    n *= shape[d];
                }
            } while (n > 300_000);
            int[] dims = new int[rank];
            for (int d = 0; d < rank; d++) {
                dims[d] = d;
            }
            for (int d = rank - 1; d > 0; d--) { // Fisher-Yates
                int k = data.random().nextInt(d + 1);
                int t = dims[d];
                dims[d] = dims[k];
                dims[k] = t;
            }
            check(dtype, shape, dims, data);
        }
    }

    /** [B, S, H, D] to [B, H, S, D] and back gives x again, bit for bit. */
    @ParameterizedTest(name = "permute {0}, heads and back")
    @EnumSource(DType.class)
    void headsAndBack(DType dtype) {
        Data data = Data.fresh();
        long[][] shapes = {{2, 33, 3, 64}, {1, 127, 5, 33}, {4, 9, 2, 1}, {2, 17, 8, 128}};
        int[] swap = {0, 2, 1, 3};
        for (long[] shape : shapes) {
            int[] bits = randomBits(dtype, size(shape), data);
            try (Tensor x = Raw.tensor(device(), dtype, bits, shape); Tensor heads = Ops.permute(x, swap);
                 Tensor back = Ops.permute(heads, swap)) {
                assertArrayEquals(shape, back.shape());
                same("permute " + dtype + " " + Arrays.toString(shape) + " to heads and back", Raw.bits(back), bits, data);
            }
        }
    }

    /**
     * x and out one element into larger tensors (never 16-byte aligned; the CUDA unit then shrinks),
     * out poisoned, and the elements of out's base around it must stay as they were.
     */
    @ParameterizedTest(name = "permute {0}, views")
    @EnumSource(DType.class)
    void views(DType dtype) {
        Data data = Data.fresh();
        long[][] shapes = {{2, 33, 3, 64}, {3, 40, 70}, {2, 5, 3, 8}};
        int[][] dims = {{0, 2, 1, 3}, {0, 2, 1}, {1, 0, 2, 3}};
        for (int c = 0; c < shapes.length; c++) {
            long[] shape = shapes[c];
            int n = size(shape);
            for (int offset : new int[] {1, 3}) {
                int[] xBase = randomBits(dtype, n + offset + 2, data);
                int[] outBase = randomBits(dtype, n + offset + 2, data);
                int[] xBits = Arrays.copyOfRange(xBase, offset, offset + n);
                String what = "permute " + dtype + " views at " + offset + " " + Arrays.toString(shape) + " by "
                        + Arrays.toString(dims[c]);
                try (Tensor xb = Raw.tensor(device(), dtype, xBase, xBase.length);
                     Tensor xSlice = xb.slice(offset, offset + n); Tensor x = xSlice.reshape(shape);
                     Tensor ob = Raw.tensor(device(), dtype, outBase, outBase.length);
                     Tensor outSlice = ob.slice(offset, offset + n); Tensor out = outSlice.reshape(permuted(shape, dims[c]));
                     Tensor fresh = Ops.permute(x, dims[c])) {
                    int[] want = Reference64.permute(xBits, shape, dims[c]);
                    same(what + " (new result)", Raw.bits(fresh), want, data);
                    Ops.permute(x, dims[c], out);
                    int[] wantBase = outBase.clone();
                    System.arraycopy(want, 0, wantBase, offset, n);
                    same(what + " (into out; out's neighbours untouched)", Raw.bits(ob), wantBase, data);
                    same(what + " must leave x alone", Raw.bits(xb), xBase, data);
                }
            }
        }
    }

    /** Empty x: an empty result of the permuted shape; the out overload leaves nothing touched. */
    @Test
    void empty() {
        long[][] shapes = {{0}, {2, 0, 3}, {0, 4, 5, 6}, {3, 5, 0}};
        int[][] dims = {{0}, {2, 0, 1}, {0, 2, 1, 3}, {2, 1, 0}};
        for (DType dtype : DType.values()) {
            for (int c = 0; c < shapes.length; c++) {
                try (Tensor x = device().zeros(dtype, shapes[c]); Tensor out = Ops.permute(x, dims[c]);
                     Tensor into = device().zeros(dtype, permuted(shapes[c], dims[c]))) {
                    assertArrayEquals(permuted(shapes[c], dims[c]), out.shape());
                    assertEquals(0, out.size());
                    Ops.permute(x, dims[c], into);
                }
            }
        }
    }

    /** Bad dims, a wrong out, and any overlap of out with x are IllegalArgumentExceptions naming the op. */
    @Test
    void rejects() {
        try (Tensor x = device().zeros(DType.F32, 2, 3, 4); Tensor wrongShape = device().zeros(DType.F32, 2, 3, 4);
             Tensor wrongType = device().zeros(DType.BF16, 4, 3, 2); Tensor base = device().zeros(DType.F32, 48)) {
            for (int[] dims : new int[][] {{0, 1}, {0, 1, 1}, {0, 1, 3}, {-1, 0, 1}, {0, 1, 2, 3}}) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Ops.permute(x, dims));
                for (String part : new String[] {"permute", Arrays.toString(dims), "[2, 3, 4]"}) {
                    if (!e.getMessage().contains(part)) {
                        fail("message '" + e.getMessage() + "' lacks '" + part + "'");
                    }
                }
            }
            assertThrows(IllegalArgumentException.class, () -> Ops.permute(x, new int[] {2, 1, 0}, wrongShape));
            assertThrows(IllegalArgumentException.class, () -> Ops.permute(x, new int[] {2, 1, 0}, wrongType));
            assertThrows(IllegalArgumentException.class, () -> Ops.permute(x, new int[] {0, 1, 2}, x)); // identity in place
            try (Tensor vs = base.slice(0, 24); Tensor v = vs.reshape(2, 3, 4); Tensor ws = base.slice(20, 44);
                 Tensor w = ws.reshape(4, 3, 2)) {
                assertThrows(IllegalArgumentException.class, () -> Ops.permute(v, new int[] {2, 1, 0}, w));
            }
            assertThrows(NullPointerException.class, () -> Ops.permute(x, (int[]) null));
        }
    }
}
