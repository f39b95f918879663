package dev.panamax.conformance;

import dev.panamax.DType;
import dev.panamax.testing.Data;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;

/**
 * Attention with kvLengths (batch b uses keys [0, L_b), L_b clamped to [0, Skv]) and the out
 * overloads, against the float64 reference: lengths 0, 1, within, equal to and past Skv, negative,
 * different per batch; causal with Sq &gt; 1, Sq = 1 and Sq &gt; L; GQA; every dtype; D of 1 to
 * 256; caches long enough for the split-KV paths; NaN inside and past L; outputs poisoned.
 */
@Covers("attention")
abstract class AttentionLengthsCases extends DeviceCases {

    /** Each case causal and not. */
    private static void both(List<AttentionSpec> cases, AttentionSpec spec) {
        cases.add(spec);
        cases.add(spec.causal(!spec.causal()));
    }

    /** Lengths of every kind over one cache: 0, 1, within, Skv, past Skv, negative. */
    static List<AttentionSpec> lengths() {
        List<AttentionSpec> cases = new ArrayList<>();
        for (int sq : new int[] {1, 7, 30}) { // decode; Sq < L; Sq > L for the short batches (causal: blind queries)
            both(cases, AttentionSpec.of(5, 2, 2, sq, 37, 64, true).scale(0.125f).lengths(0, 1, 20, 37, 50));
            both(cases, AttentionSpec.of(5, 2, 2, sq, 37, 64, true).scale(0.125f).lengths(-3, 36, 5, 37, 1000));
        }
        both(cases, AttentionSpec.of(1, 1, 1, 1, 1, 1, true).scale(1f).lengths(1));
        both(cases, AttentionSpec.of(1, 2, 1, 3, 1, 8, true).scale(1f).lengths(0));
        both(cases, AttentionSpec.of(2, 1, 1, 100, 300, 32, true).scale(0.2f).lengths(250, 77)); // the tiled paths
        both(cases, AttentionSpec.of(2, 2, 1, 100, 300, 32, true).scale(0.2f).lengths(60, 299)); // causal Sq > L: 40 blind
        return cases;
    }

    /** Grouped-query attention with lengths: the query heads of a kv head share its prefix. */
    static List<AttentionSpec> groupedQuery() {
        List<AttentionSpec> cases = new ArrayList<>();
        both(cases, AttentionSpec.of(2, 8, 2, 1, 500, 64, true).scale(0.125f).lengths(130, 500));
        both(cases, AttentionSpec.of(3, 6, 3, 17, 90, 80, true).scale(0.1f).lengths(17, 5, 89));
        both(cases, AttentionSpec.of(2, 16, 2, 5, 300, 128, true).scale(0.09f).lengths(299, 64).dtype(DType.BF16));
        return cases;
    }

    /** Every dtype at head dimensions 1, 33, 64, 128, 256, prefill and decode. */
    static List<AttentionSpec> headDims() {
        List<AttentionSpec> cases = new ArrayList<>();
        for (int d : new int[] {1, 33, 64, 128, 256}) {
            for (DType dtype : FLOATS) {
                float scale = (float) (1 / Math.sqrt(d));
                cases.add(AttentionSpec.of(2, 2, 1, 33, 100, d, d % 2 == 0).scale(scale).lengths(71, 100).dtype(dtype));
                cases.add(AttentionSpec.of(2, 4, 2, 1, 129, d, true).scale(scale).lengths(129, 40).dtype(dtype));
            }
        }
        return cases;
    }

    /**
     * Caches long enough that decoding splits the keys over several workers (CPU parts, OpenCL
     * work-groups, CUDA blocks): the splits past L_b are empty and the combine must take them so.
     */
    static List<AttentionSpec> splitKeys() {
        List<AttentionSpec> cases = new ArrayList<>();
        for (DType dtype : FLOATS) {
            cases.add(AttentionSpec.of(2, 2, 1, 1, 4097, 64, true).scale(0.125f).lengths(1000, 4000).dtype(dtype));
        }
        cases.add(AttentionSpec.of(2, 4, 1, 1, 4097, 128, false).scale(0.09f).lengths(4097, 1));
        cases.add(AttentionSpec.of(1, 2, 1, 4, 4097, 128, true).scale(0.09f).lengths(2500).dtype(DType.BF16));
        cases.add(AttentionSpec.of(3, 1, 1, 1, 4097, 32, true).scale(0.2f).lengths(0, 4096, 65));
        return cases;
    }

    /**
     * NaN: in a key some query sees, it reaches that query's output (no kernel skips the tile
     * that holds it); past L_b it changes nothing, since by the contract the keys past L_b are
     * not part of the op (neither their k nor their v is read into the result). Causal cases put
     * the NaN in k only: a NaN in v at a key that a query's causal mask hides but whose tile the
     * query shares is not kept out by every kernel (p = 0 times NaN).
     */
    static List<AttentionSpec> nan() {
        List<AttentionSpec> cases = new ArrayList<>();
        for (DType dtype : FLOATS) {
            cases.add(AttentionSpec.of(2, 2, 1, 3, 300, 64, false).scale(0.125f).lengths(200, 300).nan(150, true).dtype(dtype));
            cases.add(AttentionSpec.of(2, 2, 1, 1, 300, 64, false).scale(0.125f).lengths(200, 300).nan(250, true).dtype(dtype));
        }
        // inside L: decode (split path), prefill causal; the only visible key being NaN
        cases.add(AttentionSpec.of(1, 2, 1, 1, 4097, 64, true).scale(0.125f).lengths(3000).nan(2999, false));
        cases.add(AttentionSpec.of(1, 2, 1, 1, 4097, 64, true).scale(0.125f).lengths(3000).nan(17, true));
        cases.add(AttentionSpec.of(1, 1, 1, 40, 100, 32, true).scale(0.2f).lengths(80).nan(45, false));
        cases.add(AttentionSpec.of(1, 1, 1, 2, 10, 8, true).scale(0.2f).lengths(1).nan(0, false));
        // past L: decode over a long cache, prefill, causal and not
        cases.add(AttentionSpec.of(1, 2, 1, 1, 4097, 64, true).scale(0.125f).lengths(3000).nan(3000, true));
        cases.add(AttentionSpec.of(1, 2, 1, 1, 4097, 64, true).scale(0.125f).lengths(1).nan(1, true));
        cases.add(AttentionSpec.of(1, 1, 1, 40, 100, 32, true).scale(0.2f).lengths(80).nan(80, true));
        cases.add(AttentionSpec.of(1, 1, 1, 40, 100, 32, false).scale(0.2f).lengths(50).nan(99, true));
        return cases;
    }

    /**
     * The out overloads, out poisoned with NaN: with lengths, and the default-scale form without;
     * and out = q itself, which the contract allows (each output row depends on its own query row).
     */
    static List<AttentionSpec> into() {
        List<AttentionSpec> cases = new ArrayList<>();
        for (DType dtype : FLOATS) {
            for (AttentionSpec.Output to : new AttentionSpec.Output[] {AttentionSpec.Output.OUT, AttentionSpec.Output.Q}) {
                both(cases, AttentionSpec.of(3, 4, 2, 9, 70, 64, true).scale(0.125f).lengths(0, 33, 70).output(to).dtype(dtype));
                both(cases, AttentionSpec.of(2, 2, 2, 1, 4097, 64, true).scale(0.125f).lengths(2049, 3).output(to).dtype(dtype));
                both(cases, AttentionSpec.of(1, 2, 1, 20, 10, 33, true).output(to).dtype(dtype));
            }
        }
        cases.add(AttentionSpec.of(2, 4, 2, 40, 200, 64, true).scale(0.125f).lengths(150, 7).output(AttentionSpec.Output.Q));
        return cases;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource({"lengths", "groupedQuery", "headDims", "splitKeys", "nan", "into"})
    void matchesReference(AttentionSpec spec) {
        spec.check(device(), Data.fresh());
    }
}
