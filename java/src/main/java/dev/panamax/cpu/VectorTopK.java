package dev.panamax.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.util.Arrays;

/**
 * {@link TopKSelector#offerAll} on the Vector API: the ordering keys of L elements at once,
 * compared with the selector's threshold; only the lanes that beat it (few, once the heap holds
 * large values) go to the heap one by one, in ascending index order.
 *
 * <p>An empty selector before a long run of elements first gets a floor: the run is cut into
 * blocks whose lane-wise maximum keys are 2k maxima of disjoint sets of elements; the k-th
 * largest of them, F, has at least k elements at or above it, so no element below F can be
 * selected, and only the elements at or above it are offered. On random rows that is about 1.4k
 * offers where filling the selector and raising its threshold took k (1 + ln(n / k)): 87 against
 * 419 for k = 64 in 16384 elements. Each offer into a selector of 64 costs some 40 ns (the
 * insertion's unpredictable branches), so top-64 of [256, 32768] was 45% offers.
 */
final class VectorTopK {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, F.vectorShape());
    private static final int L = F.length();

    private VectorTopK() {
    }

    /** Vectors per block of the floor's pass, at least. */
    private static final int MIN_BLOCK = 4;

    static void offerAll(TopKSelector selector, float[] x, int n, long index0) {
        // elements must beat below: key >= floor is key > floor - 1
        int below = selector.size() == 0 ? floor(selector, x, n) : Integer.MIN_VALUE;
        int threshold = Math.max(below, selector.threshold());
        int i = 0;
        for (; i <= n - L; i += L) {
            VectorMask<Integer> pass = keys(x, i).compare(VectorOperators.GT, threshold);
            if (pass.anyTrue()) {
                long lanes = pass.toLong();
                while (lanes != 0) {
                    int lane = Long.numberOfTrailingZeros(lanes);
                    lanes &= lanes - 1;
                    selector.offer(TopKSelector.entry(TopKSelector.key(x[i + lane]), index0 + i + lane));
                }
                threshold = Math.max(below, selector.threshold());
            }
        }
        for (; i < n; i++) {
            int key = TopKSelector.key(x[i]);
            if (key > threshold) {
                selector.offer(TopKSelector.entry(key, index0 + i));
                threshold = Math.max(below, selector.threshold());
            }
        }
    }

    /** The keys of TopKSelector.key of x[i, i + L), lane-wise: -0.0 + 0.0 is 0.0; NaN gets the top key. */
    private static IntVector keys(float[] x, int i) {
        IntVector bits = FloatVector.fromArray(F, x, i).add(0f).reinterpretAsInts();
        IntVector key = bits.lanewise(VectorOperators.XOR, bits.lanewise(VectorOperators.ASHR, 31).and(0x7FFF_FFFF));
        VectorMask<Integer> nan = bits.and(0x7FFF_FFFF).compare(VectorOperators.GT, 0x7F80_0000);
        return key.blend(Integer.MAX_VALUE, nan);
    }

    /**
     * One less than the floor of the class comment for the selector's k over x[0, n), or
     * Integer.MIN_VALUE (no floor) where n holds fewer than 2k / L blocks of {@link #MIN_BLOCK}
     * vectors.
     */
    private static int floor(TopKSelector selector, float[] x, int n) {
        int k = selector.k();
        int blocks = Math.ceilDiv(2 * k, L);
        int perBlock = n / L / blocks; // vectors per block
        if (perBlock < MIN_BLOCK) {
            return Integer.MIN_VALUE;
        }
        int[] maxima = selector.scratch(blocks * L);
        for (int b = 0; b < blocks; b++) {
            IntVector max = IntVector.broadcast(I, Integer.MIN_VALUE);
            for (int v = b * perBlock; v < (b + 1) * perBlock; v++) {
                max = max.max(keys(x, v * L));
            }
            max.intoArray(maxima, b * L);
        }
        Arrays.sort(maxima, 0, blocks * L);
        int floor = maxima[blocks * L - k]; // the k-th largest
        return floor == Integer.MIN_VALUE ? floor : floor - 1;
    }
}
