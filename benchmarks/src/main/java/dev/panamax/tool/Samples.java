package dev.panamax.tool;

import dev.panamax.DType;
import dev.panamax.testing.Data;

import java.util.Arrays;
import java.util.TreeSet;

/**
 * Inputs and result samples for the bench. A large result is checked on a sample: a few hundred
 * elements or a few rows chosen at random (the first and last always among them), so that the
 * float64 reference costs little next to the op itself.
 */
final class Samples {
    private Samples() {
    }

    /** {@code n} seeded uniform values in [lo, hi) rounded to {@code dtype}: exactly what a kernel reading that dtype sees. */
    static float[] input(Data data, DType dtype, long n, double lo, double hi) {
        return Data.roundTo(dtype, data.uniform(Math.toIntExact(n), lo, hi));
    }

    /** {@code n} NaNs: an output that a kernel forgets to write then fails the check. */
    static float[] poison(long n) {
        float[] x = new float[Math.toIntExact(n)];
        Arrays.fill(x, Float.NaN);
        return x;
    }

    /** Up to {@code count} distinct indices in [0, n), sorted, 0 and n - 1 included. */
    static long[] indices(Data data, long n, int count) {
        TreeSet<Long> picked = new TreeSet<>();
        picked.add(0L);
        picked.add(n - 1);
        while (picked.size() < Math.min(count, n)) {
            picked.add(data.random().nextLong(n));
        }
        return picked.stream().mapToLong(Long::longValue).toArray();
    }

    /** The rows {@code rows} of x [*, cols], packed into [rows.length, cols]. */
    static float[] gatherRows(float[] x, long[] rows, int cols) {
        float[] out = new float[rows.length * cols];
        for (int r = 0; r < rows.length; r++) {
            System.arraycopy(x, Math.toIntExact(rows[r] * cols), out, r * cols, cols);
        }
        return out;
    }

    /** The rows {@code rows} of x [*, cols], packed into [rows.length, cols]. */
    static int[] gatherRows(int[] x, long[] rows, int cols) {
        int[] out = new int[rows.length * cols];
        for (int r = 0; r < rows.length; r++) {
            System.arraycopy(x, Math.toIntExact(rows[r] * cols), out, r * cols, cols);
        }
        return out;
    }

    /** Describes the first row where the sampled indices differ from the reference's, or null. */
    static String firstIndexMismatch(String what, int[] got, int[] ref, long[] rows, int k) {
        for (int i = 0; i < ref.length; i++) {
            if (got[i] != ref[i]) {
                int r = i / k;
                return what + " differ from the reference in row " + rows[r] + ": got "
                        + Arrays.toString(Arrays.copyOfRange(got, r * k, Math.min(r * k + 8, r * k + k)))
                        + (k > 8 ? "..." : "") + ", expected "
                        + Arrays.toString(Arrays.copyOfRange(ref, r * k, Math.min(r * k + 8, r * k + k))) + (k > 8 ? "..." : "");
            }
        }
        return null;
    }
}
