package dev.panamax.conformance;

import dev.panamax.DType;
import dev.panamax.Ops;
import dev.panamax.Tensor;
import dev.panamax.reference.Reference64;
import dev.panamax.testing.Check;
import dev.panamax.testing.Data;
import dev.panamax.testing.Tolerances;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * rope against the float64 reference, element by element: the reference rotates by the exact
 * angle p * f (in double), while every backend computes it in F32, as Hugging Face does. An F32
 * angle of size |a| is off by up to |a| * 2^-24, so each element of a pair may be off by that
 * fraction of the pair's length, plus a few ulps and the rounding to the dtype
 * ({@link Tolerances#ropeElement}): the budget grows with the position (6e-3 of the pair at an
 * angle of 100000) and stays tight for the small angles of the same call. Positions stay below
 * 2^24, where their conversion to F32 is exact. Features past R must be untouched, bit for bit.
 * Both pair layouts, positions [S] and [B, S], R &lt; D, D of 1 to 1000, S = 1, negative and large
 * positions, NaN and infinite inputs, every dtype; the theta overload against the table of the
 * same theta.
 */
@Covers("rope")
abstract class RopeCases extends DeviceCases {

    /** B, H, S, D, R. */
    private static final int[][] SHAPES = {
        {1, 1, 1, 2, 2},        // one pair
        {2, 3, 5, 8, 8},
        {1, 2, 7, 33, 32},      // D odd: the last feature past R
        {2, 1, 3, 127, 126},
        {1, 4, 9, 128, 128},    // a Llama head
        {1, 2, 3, 1000, 1000},
        {2, 2, 4, 64, 16},      // R < D: 48 features untouched
        {1, 1, 4, 3, 2},
        {1, 3, 2, 1, 0},        // D = 1, R = 0: nothing rotates
        {3, 2, 1, 96, 64},      // S = 1 (decoding), 32 features untouched
        {2, 3, 130, 64, 64},    // S past two CPU blocks of 64 positions
        {1, 2, 65, 128, 128},   // one position past a block
    };

    /** Every shape in both layouts and every dtype, positions [B, S] on every other one. */
    static List<Object[]> cases() {
        List<Object[]> cases = new ArrayList<>();
        for (DType dtype : FLOATS) {
            for (int i = 0; i < SHAPES.length; i++) {
                for (boolean interleaved : new boolean[] {false, true}) {
                    cases.add(new Object[] {dtype, SHAPES[i], interleaved, (i % 2 == 1) != interleaved});
                }
            }
        }
        return cases;
    }

    /** Hugging Face's inverse frequencies over R features: 1.0 / (theta ** (arange(0, R, 2).float() / R)), in F32. */
    static float[] frequencies(int r, float theta) {
        float[] inv = new float[r / 2];
        for (int i = 0; i < inv.length; i++) {
            inv[i] = 1.0f / (float) Math.pow(theta, (float) (2 * i) / (float) r);
        }
        return inv;
    }

    static int[] positions(Data data, int n, int lo, int hi) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = data.random().nextInt(lo, hi + 1);
        }
        return p;
    }

    @ParameterizedTest(name = "rope {0} {1} interleaved={2} positions [B, S]={3}")
    @MethodSource("cases")
    void rotates(DType dtype, int[] shape, boolean interleaved, boolean batched) {
        Data data = Data.fresh();
        int b = shape[0], s = shape[2];
        float[] x = Data.roundTo(dtype, data.normal(b * shape[1] * s * shape[3], 1));
        int[] positions = positions(data, batched ? b * s : s, -4096, 4096);
        run("rope " + dtype + " " + Arrays.toString(shape) + (interleaved ? " interleaved" : ""), dtype, shape, x,
                positions, batched, frequencies(shape[4], 10000f), interleaved, data);
    }

    /**
     * Positions around 100000 and up to 10^6 (angles of 10^6 at the first pair): each element is
     * held to the budget of its own angle, so the slow pairs of the same rows are still checked to
     * a few ulps.
     */
    @ParameterizedTest(name = "rope at large positions, {0}")
    @FieldSource("FLOATS")
    void largePositions(DType dtype) {
        Data data = Data.fresh();
        int[] shape = {2, 2, 6, 128, 128};
        float[] x = Data.roundTo(dtype, data.normal(2 * 2 * 6 * 128, 1));
        int[] positions = positions(data, 2 * 6, 90_000, 110_000);
        positions[0] = 100_000;
        positions[1] = 1_000_000;
        positions[2] = -1_000_000;
        bothLayouts("rope at large positions " + dtype, dtype, shape, x, positions, true, frequencies(128, 500000f), data);
    }

    /** NaN anywhere gives NaN in its pair; infinities (at position 0, where sin a = 0 exactly) give what IEEE arithmetic gives. */
    @ParameterizedTest(name = "rope of NaN and infinities, {0}")
    @FieldSource("FLOATS")
    void nonFinite(DType dtype) {
        Data data = Data.fresh();
        int[] shape = {1, 2, 3, 24, 16};          // whole 16-byte chunks in every dtype and layout
        float[] x = Data.roundTo(dtype, data.normal(2 * 3 * 24, 1));
        int[] positions = {0, 5, -9};
        x[3] = Float.POSITIVE_INFINITY;           // head 0, position 0, feature 3
        x[24 + 7] = Float.NaN;                    // head 0, position 5
        x[3 * 24 + 1] = Float.NEGATIVE_INFINITY;  // head 1, position 0
        x[5 * 24 + 20] = Float.NaN;               // head 1, position -9, past R: stays NaN
        bothLayouts("rope of NaN and infinities " + dtype, dtype, shape, x, positions, false, frequencies(16, 10000f), data);
    }

    /** rope(x, positions, theta) is rope(x, positions, the table of theta over D, false), bit for bit, and right. */
    @ParameterizedTest(name = "rope with theta, {0}")
    @FieldSource("FLOATS")
    void theta(DType dtype) {
        Data data = Data.fresh();
        for (int[] shape : new int[][] {{1, 3, 5, 128, 128}, {2, 2, 3, 66, 66}, {1, 1, 2, 2, 2}}) {
            for (float theta : new float[] {10000f, 500000f, 1f}) {
                int b = shape[0], s = shape[2], d = shape[3];
                float[] x = Data.roundTo(dtype, data.normal(b * shape[1] * s * d, 1));
                int[] positions = positions(data, s, -3000, 3000);
                float[] inv = frequencies(d, theta);
                String what = "rope theta=" + theta + " " + dtype + " " + Arrays.toString(shape);
                float[] got = rotate(dtype, shape, x, positions, false, null, false, theta);
                Check.sameBits(what + " against the explicit table", got, rotate(dtype, shape, x, positions, false, inv, false, 0),
                        data);
                check(what, got, x, shape, positions, false, inv, false, dtype, data);
            }
        }
    }

    /** Empty x (any dimension 0, D = 0 included) and R = 0: nothing launched, nothing changed. */
    @Test
    void empty() {
        int[][] shapes = {{0, 2, 3, 4}, {1, 0, 3, 4}, {1, 2, 0, 4}, {1, 2, 3, 0}};
        for (int[] shape : shapes) {
            for (DType dtype : FLOATS) {
                long[] dims = {shape[0], shape[1], shape[2], shape[3]};
                try (Tensor x = device().zeros(dtype, dims); Tensor p = device().zeros(DType.I32, shape[2]);
                     Tensor pb = device().zeros(DType.I32, shape[0], shape[2]); Tensor f = device().zeros(DType.F32, 0)) {
                    Ops.rope(x, p, f, false);
                    Ops.rope(x, pb, f, true);
                    Ops.rope(x, p, 10000f);
                }
            }
        }
    }

    private void bothLayouts(String what, DType dtype, int[] shape, float[] x, int[] positions, boolean batched, float[] inv,
                             Data data) {
        run(what, dtype, shape, x, positions, batched, inv, false, data);
        run(what + " interleaved", dtype, shape, x, positions, batched, inv, true, data);
    }

    private void run(String what, DType dtype, int[] shape, float[] x, int[] positions, boolean batched, float[] inv,
                     boolean interleaved, Data data) {
        check(what, rotate(dtype, shape, x, positions, batched, inv, interleaved, 0), x, shape, positions, batched, inv,
                interleaved, dtype, data);
    }

    /** x [B, H, S, D] of shape after rope on the device: with the table inv, or, when inv is null, with theta. */
    private float[] rotate(DType dtype, int[] shape, float[] x, int[] positions, boolean batched, float[] inv,
                           boolean interleaved, float theta) {
        try (Tensor tx = Data.tensor(device(), dtype, x, shape[0], shape[1], shape[2], shape[3]);
             Tensor tp = batched ? device().tensor(positions, shape[0], shape[2]) : device().tensor(positions, shape[2]);
             Tensor tf = inv == null ? null : device().tensor(inv, inv.length)) {
            if (inv == null) {
                Ops.rope(tx, tp, theta);
            } else {
                Ops.rope(tx, tp, tf, interleaved);
            }
            return tx.toFloatArray();
        }
    }

    /** Each element of a rotated pair within {@link Tolerances#ropeElement} of the reference; features past R exactly x. */
    static void check(String what, float[] got, float[] x, int[] shape, int[] positions, boolean batched, float[] inv,
                      boolean interleaved, DType dtype, Data data) {
        int heads = shape[1], seq = shape[2], dim = shape[3], pairs = inv.length;
        double[] want = Reference64.rope(x, shape[0], heads, seq, dim, positions, batched, inv, interleaved);
        for (int row = 0; row < want.length / Math.max(1, dim); row++) {
            int b = row / (heads * seq), s = row % seq, at = row * dim;
            double p = positions[batched ? b * seq + s : s];
            for (int j = 2 * pairs; j < dim; j++) {
                expect(what, got, want, at + j, 0, "past R", data);
            }
            for (int i = 0; i < pairs; i++) {
                int j1 = at + Reference64.ropeFirst(i, pairs, interleaved), j2 = at + Reference64.ropeSecond(i, pairs, interleaved);
                double angle = p * inv[i], length = Math.hypot(x[j1], x[j2]);
                String pair = "pair " + i + " at position " + (long) p + " (angle " + angle + ")";
                expect(what, got, want, j1, Tolerances.ropeElement(dtype, angle, length, want[j1]), pair, data);
                expect(what, got, want, j2, Tolerances.ropeElement(dtype, angle, length, want[j2]), pair, data);
            }
        }
    }

    private static void expect(String what, float[] got, double[] want, int i, double bound, String where, Data data) {
        double g = got[i], w = want[i];
        boolean ok = Double.isNaN(w) ? Double.isNaN(g) : Double.isInfinite(w) ? g == w : Math.abs(g - w) <= bound;
        if (!ok) {
            throw new AssertionError(what + ": element " + i + " (" + where + ") is " + got[i] + ", want " + w
                    + " within " + bound + "; " + data.describe());
        }
    }
}
