package dev.panamax.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link TopKSelector#offerAll} on the Vector API: the ordering keys of L elements at once,
 * compared with the selector's threshold; only the lanes that beat it (few, once the heap holds
 * large values) go to the heap one by one, in ascending index order.
 */
final class VectorTopK {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, F.vectorShape());
    private static final int L = F.length();

    private VectorTopK() {
    }

    static void offerAll(TopKSelector selector, float[] x, int n, long index0) {
        int threshold = selector.threshold();
        int i = 0;
        for (; i <= n - L; i += L) {
            // the key of TopKSelector.key, lane-wise: -0.0 + 0.0 is 0.0; NaN gets the top key
            IntVector bits = FloatVector.fromArray(F, x, i).add(0f).reinterpretAsInts();
            IntVector key = bits.lanewise(VectorOperators.XOR, bits.lanewise(VectorOperators.ASHR, 31).and(0x7FFF_FFFF));
            VectorMask<Integer> nan = bits.and(0x7FFF_FFFF).compare(VectorOperators.GT, 0x7F80_0000);
            key = key.blend(Integer.MAX_VALUE, nan);
            VectorMask<Integer> pass = key.compare(VectorOperators.GT, threshold);
            if (pass.anyTrue()) {
                long lanes = pass.toLong();
                while (lanes != 0) {
                    int lane = Long.numberOfTrailingZeros(lanes);
                    lanes &= lanes - 1;
                    selector.offer(TopKSelector.entry(TopKSelector.key(x[i + lane]), index0 + i + lane));
                }
                threshold = selector.threshold();
            }
        }
        for (; i < n; i++) {
            int key = TopKSelector.key(x[i]);
            if (key > threshold) {
                selector.offer(TopKSelector.entry(key, index0 + i));
                threshold = selector.threshold();
            }
        }
    }
}
