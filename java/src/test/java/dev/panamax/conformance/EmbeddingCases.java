package dev.panamax.conformance;

import dev.panamax.DType;
import dev.panamax.Ops;
import dev.panamax.Tensor;
import dev.panamax.reference.Reference64;
import dev.panamax.testing.Check;
import dev.panamax.testing.Data;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * embedding(table, ids) against the float64 reference: rows copied bit for bit (so the check is
 * exact), ids outside [0, V) (negative, V, Integer.MAX_VALUE, Integer.MIN_VALUE) giving rows of NaN,
 * tables holding NaN and infinities, widths 1 to 4097, V = 1 and V = 0, ids of rank 1 to 7.
 */
@Covers("embedding")
abstract class EmbeddingCases extends DeviceCases {
    /** Ids that name no row of any table here. */
    private static final int[] OUTSIDE = {-1, Integer.MIN_VALUE, Integer.MAX_VALUE};

    /** V, H and the shape of ids; every dtype. */
    static List<Object[]> shapes() {
        Object[][] s = {
            {1, 1, new long[] {5}},
            {7, 3, new long[] {11}},
            {100, 33, new long[] {4, 9}},
            {1000, 127, new long[] {257}},
            {50, 1000, new long[] {3, 2, 5}},
            {3, 4097, new long[] {6}},
            {64, 8, new long[] {1, 2, 1, 2, 1, 2, 3}},  // rank 7: the result has rank 8
            {2, 128, new long[] {1}},
        };
        List<Object[]> cases = new ArrayList<>();
        for (DType dtype : FLOATS) {
            for (Object[] c : s) {
                cases.add(new Object[] {dtype, c[0], c[1], c[2]});
            }
        }
        return cases;
    }

    /** A table of normal values with a NaN, +inf and -inf among them (copied as they are). */
    static float[] table(Data data, DType dtype, int vocab, int width) {
        float[] t = Data.roundTo(dtype, data.normal(vocab * width, 2));
        float[] specials = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
        for (int k = 0; k < Math.min(3, t.length / 4); k++) {
            t[data.random().nextInt(t.length)] = specials[k];
        }
        return t;
    }

    /** n ids, most in [0, vocab), about one in eight outside it (V itself among them). */
    static int[] ids(Data data, int n, int vocab) {
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            int pick = data.random().nextInt(8);
            ids[i] = pick == 0 ? (data.random().nextBoolean() ? vocab : OUTSIDE[data.random().nextInt(OUTSIDE.length)])
                    : data.random().nextInt(vocab);
        }
        return ids;
    }

    @ParameterizedTest(name = "embedding {0} V={1} H={2} ids {3}")
    @MethodSource("shapes")
    void rows(DType dtype, int vocab, int width, long[] idsShape) {
        Data data = Data.fresh();
        int n = (int) SoftmaxCases.size(idsShape);
        float[] table = table(data, dtype, vocab, width);
        int[] ids = ids(data, n, vocab);
        long[] outShape = Arrays.copyOf(idsShape, idsShape.length + 1);
        outShape[idsShape.length] = width;
        try (Tensor tt = Data.tensor(device(), dtype, table, vocab, width); Tensor ti = device().tensor(ids, idsShape);
             Tensor out = Ops.embedding(tt, ti)) {
            assertArrayEquals(outShape, out.shape(), "embedding result shape");
            assertEquals(dtype, out.dtype(), "embedding result dtype");
            String what = "embedding " + dtype + " V=" + vocab + " H=" + width + " ids " + Arrays.toString(idsShape);
            Check.close(what, out.toFloatArray(), Reference64.embedding(table, vocab, width, ids), 0, data);
            Check.sameBits(what + " must leave the table alone", tt.toFloatArray(), table, data);
        }
    }

    /** The out overload into out poisoned with NaN, then into out filled with 7 (a NaN row it forgot would show). */
    @ParameterizedTest(name = "embedding(table, ids, out) {0}, out poisoned")
    @FieldSource("FLOATS")
    void intoPoisonedOut(DType dtype) {
        Data data = Data.fresh();
        int vocab = 300, width = 129, n = 77;
        float[] table = table(data, dtype, vocab, width);
        int[] ids = ids(data, n, vocab);
        ids[0] = -7;
        ids[n - 1] = vocab;
        double[] want = Reference64.embedding(table, vocab, width, ids);
        for (float poison : new float[] {Float.NaN, 7}) {
            try (Tensor tt = Data.tensor(device(), dtype, table, vocab, width); Tensor ti = device().tensor(ids, 7, 11);
                 Tensor out = Data.tensor(device(), dtype, Data.filled(n * width, poison), 7, 11, width)) {
                Ops.embedding(tt, ti, out);
                Check.close("embedding(table, ids, out) " + dtype + ", out filled with " + poison, out.toFloatArray(), want, 0, data);
            }
        }
    }

    /** out may be the table itself: the rows are picked from the table as it was before the call. */
    @ParameterizedTest(name = "embedding(table, ids, table) {0}")
    @FieldSource("FLOATS")
    void intoTheTableItself(DType dtype) {
        Data data = Data.fresh();
        int vocab = 40, width = 33;
        float[] table = table(data, dtype, vocab, width);
        int[] ids = ids(data, vocab, vocab);
        try (Tensor tt = Data.tensor(device(), dtype, table, vocab, width); Tensor ti = device().tensor(ids, vocab)) {
            Ops.embedding(tt, ti, tt);
            Check.close("embedding(table, ids, table) " + dtype, tt.toFloatArray(), Reference64.embedding(table, vocab, width, ids),
                    0, data);
        }
    }

    /** Every id outside [0, V), and a table with no rows at all (V = 0): rows of NaN, nothing read. */
    @ParameterizedTest(name = "embedding with every id outside the table, {0}")
    @FieldSource("FLOATS")
    void everyIdOutside(DType dtype) {
        Data data = Data.fresh();
        int[] ids = {-1, 3, Integer.MAX_VALUE, Integer.MIN_VALUE, 4};
        for (int vocab : new int[] {3, 0}) {
            int width = 17;
            float[] table = table(data, dtype, vocab, width);
            try (Tensor tt = Data.tensor(device(), dtype, table, vocab, width); Tensor ti = device().tensor(ids, ids.length);
                 Tensor out = Ops.embedding(tt, ti)) {
                Check.close("embedding, ids all outside V=" + vocab + ", " + dtype, out.toFloatArray(),
                        Reference64.embedding(table, vocab, width, ids), 0, data);
            }
        }
    }

    /** Empty ids, H = 0 and V = 0 with empty ids: empty results of the right shape, nothing launched. */
    @Test
    void empty() {
        long[][][] cases = { // table, ids, result
            {{5, 8}, {0}, {0, 8}},
            {{5, 8}, {2, 0}, {2, 0, 8}},
            {{5, 0}, {3}, {3, 0}},
            {{0, 8}, {0}, {0, 8}},
        };
        for (long[][] c : cases) {
            for (DType dtype : FLOATS) {
                try (Tensor tt = device().zeros(dtype, c[0]); Tensor ti = device().zeros(DType.I32, c[1]);
                     Tensor out = Ops.embedding(tt, ti); Tensor into = device().zeros(dtype, c[2])) {
                    assertArrayEquals(c[2], out.shape());
                    assertEquals(dtype, out.dtype());
                    Ops.embedding(tt, ti, into);
                    assertEquals(0, out.toFloatArray().length);
                }
            }
        }
    }
}
