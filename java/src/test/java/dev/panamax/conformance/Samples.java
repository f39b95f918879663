package dev.panamax.conformance;

import dev.panamax.testing.Data;

import java.util.BitSet;
import java.util.SplittableRandom;

/**
 * Which elements of a large result to check against the slow reference: whole rows and whole
 * columns (the first, the last, a few random ones) of the first and last matrix, so that tails of
 * every tiling are covered. Small results are checked whole.
 */
final class Samples {
    private Samples() {
    }

    /**
     * Flat indices into [batch, rows, cols]: all of them when {@code work} (the reference's cost
     * in multiply-adds) is at most {@code budget}, else a cross of rows and columns.
     */
    static int[] matrix(int batch, int rows, int cols, long work, long budget, Data data) {
        long total = (long) batch * rows * cols;
        if (work <= budget) {
            int[] all = new int[Math.toIntExact(total)];
            for (int i = 0; i < all.length; i++) {
                all[i] = i;
            }
            return all;
        }
        SplittableRandom r = data.random();
        BitSet chosen = new BitSet();
        int[] batches = {0, batch - 1};
        int[] someRows = pick(rows, r);
        int[] someCols = pick(cols, r);
        for (int b : batches) {
            int base = b * rows * cols;
            for (int i : someRows) {
                chosen.set(base + i * cols, base + (i + 1) * cols);
            }
            for (int j : someCols) {
                for (int i = 0; i < rows; i++) {
                    chosen.set(base + i * cols + j);
                }
            }
        }
        return chosen.stream().toArray();
    }

    private static int[] pick(int n, SplittableRandom r) {
        return new int[] {0, n - 1, r.nextInt(n), r.nextInt(n), r.nextInt(n), r.nextInt(n)};
    }
}
