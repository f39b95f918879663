package dev.panamax.conformance;

import dev.panamax.DType;
import dev.panamax.Ops;
import dev.panamax.Tensor;
import dev.panamax.reference.Reference64;
import dev.panamax.testing.Check;
import dev.panamax.testing.Data;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * writeCache against the float64 reference, every element of the cache checked exactly: rows are
 * copied bit for bit, and the cache is filled beforehand with values of its own (NaN among them),
 * so a row written where none belongs, or one missed, shows. Starts in range, running past the end
 * (the rows that fit written, the rest dropped), before the start (negative: the rows from 0 on
 * written), wholly outside (Smax, Integer.MAX_VALUE, Integer.MIN_VALUE), different per batch; D of
 * 1 to 4097, T = 1 (decoding) and T = Smax, every dtype.
 */
@Covers("writeCache")
abstract class CacheCases extends DeviceCases {

    /** B, H, T, Smax, D. */
    private static final int[][] SHAPES = {
        {1, 1, 1, 4, 1},
        {2, 3, 5, 16, 33},
        {3, 2, 7, 9, 127},
        {2, 2, 1, 40, 128},   // decoding: one token per sequence
        {1, 2, 3, 10, 1000},
        {2, 1, 6, 6, 4097},   // T = Smax
        {4, 3, 2, 5, 3},
    };

    static List<Object[]> cases() {
        List<Object[]> cases = new ArrayList<>();
        for (DType dtype : FLOATS) {
            for (int[] s : SHAPES) {
                cases.add(new Object[] {dtype, s});
            }
        }
        return cases;
    }

    /** Starts for each batch: in range, past the end, negative, wholly outside, one of each in turn. */
    static int[] starts(Data data, int batch, int tokens, int capacity) {
        int[] starts = new int[batch];
        for (int b = 0; b < batch; b++) {
            starts[b] = switch ((b + data.random().nextInt(7)) % 7) {
                case 0 -> data.random().nextInt(Math.max(1, capacity - tokens + 1));    // all in range (when T <= Smax)
                case 1 -> capacity - 1 - data.random().nextInt(Math.max(1, tokens - 1)); // runs past the end
                case 2 -> -data.random().nextInt(1, tokens + 1);                         // starts before 0
                case 3 -> capacity;                                                      // just past the end
                case 4 -> Integer.MAX_VALUE;
                case 5 -> Integer.MIN_VALUE;
                default -> -tokens - data.random().nextInt(100);                         // wholly before 0
            };
        }
        return starts;
    }

    @ParameterizedTest(name = "writeCache {0} {1}")
    @MethodSource("cases")
    void writes(DType dtype, int[] shape) {
        Data data = Data.fresh();
        int b = shape[0], h = shape[1], t = shape[2], smax = shape[3], d = shape[4];
        for (int round = 0; round < 3; round++) {
            int[] starts = round == 0 ? new int[b] : starts(data, b, t, smax); // round 0: every batch from 0
            run(dtype, b, h, t, smax, d, starts, data);
        }
    }

    /** Starts chosen one by one: each of the cases of {@link #starts} on every batch at once. */
    @Test
    void everyKindOfStart() {
        Data data = Data.fresh();
        int b = 2, h = 2, t = 5, smax = 12, d = 24;
        int[][] startSets = {{0, 7}, {10, 11}, {-2, -4}, {-5, 12}, {Integer.MAX_VALUE, Integer.MIN_VALUE},
            {Integer.MAX_VALUE - 2, -100}, {3, -1}};
        for (DType dtype : FLOATS) {
            for (int[] starts : startSets) {
                run(dtype, b, h, t, smax, d, starts, data);
            }
        }
    }

    /** T = 0, Smax = 0 and other empty tensors: nothing launched, the cache as it was. */
    @Test
    void empty() {
        int[][] shapes = { // src, cache (B, H, T / Smax, D)
            {1, 2, 0, 8, 4}, {2, 2, 3, 0, 4}, {0, 2, 3, 8, 4}, {1, 0, 3, 8, 4}, {1, 2, 3, 8, 0},
        };
        for (int[] s : shapes) {
            for (DType dtype : FLOATS) {
                float[] cache = Data.filled(s[0] * s[1] * s[3] * s[4], 5);
                try (Tensor src = device().zeros(dtype, s[0], s[1], s[2], s[4]);
                     Tensor tc = Data.tensor(device(), dtype, cache, s[0], s[1], s[3], s[4]);
                     Tensor starts = device().zeros(DType.I32, s[0])) {
                    Ops.writeCache(src, tc, starts);
                    Check.equal("writeCache on empty tensors " + Arrays.toString(s), tc.toFloatArray(), cache, Data.fresh());
                }
            }
        }
    }

    private void run(DType dtype, int b, int h, int t, int smax, int d, int[] starts, Data data) {
        float[] src = Data.roundTo(dtype, data.normal(b * h * t * d, 1));
        float[] cache = Data.roundTo(dtype, data.normal(b * h * smax * d, 100));
        src[0] = Float.NaN;
        cache[cache.length - 1] = Float.NaN;
        cache[0] = Float.POSITIVE_INFINITY;
        String what = "writeCache " + dtype + " src [" + b + ", " + h + ", " + t + ", " + d + "] cache Smax=" + smax
                + " starts " + Arrays.toString(starts);
        try (Tensor ts = Data.tensor(device(), dtype, src, b, h, t, d); Tensor tc = Data.tensor(device(), dtype, cache, b, h, smax, d);
             Tensor tst = device().tensor(starts, b)) {
            Ops.writeCache(ts, tc, tst);
            Check.close(what, tc.toFloatArray(), Reference64.writeCache(src, cache, b, h, t, smax, d, starts), 0, data);
            Check.sameBits(what + " must leave src alone", ts.toFloatArray(), src, data);
        }
    }
}
