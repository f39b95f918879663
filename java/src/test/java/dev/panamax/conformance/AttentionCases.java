package dev.panamax.conformance;

import dev.panamax.DType;
import dev.panamax.testing.Data;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;

/** Attention (flash-style, causal or not, GQA, decode) against the float64 reference. */
@Covers("attention")
abstract class AttentionCases extends DeviceCases {

    /** Each case causal and not. */
    private static void both(List<AttentionSpec> cases, AttentionSpec spec) {
        cases.add(spec);
        cases.add(new AttentionSpec(spec.dtype(), spec.batch(), spec.hq(), spec.hkv(), spec.sq(), spec.skv(), spec.d(),
                !spec.causal(), spec.scale(), spec.std()));
    }

    static List<AttentionSpec> shapes() {
        List<AttentionSpec> cases = new ArrayList<>();
        both(cases, AttentionSpec.of(1, 1, 1, 1, 1, 1, false));
        both(cases, AttentionSpec.of(2, 2, 2, 33, 33, 64, false));
        both(cases, AttentionSpec.of(1, 2, 2, 7, 127, 64, false));      // Sq < Skv: a prefix of keys always visible
        both(cases, AttentionSpec.of(1, 2, 2, 127, 7, 32, false));      // Sq > Skv: leading queries see no key
        both(cases, AttentionSpec.of(1, 1, 1, 1000, 1000, 64, true));   // long, awkward S
        both(cases, AttentionSpec.of(1, 3, 3, 129, 255, 33, false));
        both(cases, AttentionSpec.of(2, 1, 1, 65, 64, 16, false));
        return cases;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shapes")
    void shapes(AttentionSpec spec) {
        spec.check(device(), Data.fresh());
    }

    /** Sq == 1 against a long KV cache: a decode step (causal sees every key). */
    static List<AttentionSpec> decode() {
        List<AttentionSpec> cases = new ArrayList<>();
        both(cases, AttentionSpec.of(2, 8, 2, 1, 1000, 128, true));
        both(cases, AttentionSpec.of(1, 4, 4, 1, 4099, 64, true));
        both(cases, AttentionSpec.of(3, 2, 1, 1, 1, 80, true));
        cases.add(AttentionSpec.of(1, 8, 1, 1, 20000, 64, true));
        cases.add(AttentionSpec.of(1, 4, 2, 1, 3001, 128, true).dtype(DType.BF16));
        cases.add(AttentionSpec.of(1, 4, 2, 1, 3001, 128, true).dtype(DType.F16));
        return cases;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("decode")
    void decode(AttentionSpec spec) {
        spec.check(device(), Data.fresh());
    }

    /** Grouped-query attention: query head h reads kv head h / (Hq / Hkv). */
    static List<AttentionSpec> groupedQuery() {
        List<AttentionSpec> cases = new ArrayList<>();
        both(cases, AttentionSpec.of(1, 8, 2, 33, 65, 64, true));
        both(cases, AttentionSpec.of(2, 6, 3, 17, 17, 80, true));
        both(cases, AttentionSpec.of(1, 4, 1, 33, 33, 128, true));
        both(cases, AttentionSpec.of(1, 8, 4, 70, 20, 32, true));
        cases.add(AttentionSpec.of(1, 16, 2, 5, 300, 64, true).dtype(DType.BF16));
        return cases;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("groupedQuery")
    void groupedQuery(AttentionSpec spec) {
        spec.check(device(), Data.fresh());
    }

    /** Head dimensions 1, 3, 64, 80, 128, 256, with every dtype. */
    static List<AttentionSpec> headDims() {
        List<AttentionSpec> cases = new ArrayList<>();
        for (int d : new int[] {1, 3, 64, 80, 128, 256}) {
            for (DType dtype : FLOATS) {
                cases.add(AttentionSpec.of(1, 2, 1, 33, 47, d, d % 2 == 0).dtype(dtype));
            }
        }
        return cases;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("headDims")
    void headDims(AttentionSpec spec) {
        spec.check(device(), Data.fresh());
    }

    /** F16 and BF16 over the shapes where tiling and masking interact. */
    static List<AttentionSpec> halfPrecision() {
        List<AttentionSpec> cases = new ArrayList<>();
        for (DType dtype : List.of(DType.F16, DType.BF16)) {
            both(cases, AttentionSpec.of(2, 2, 2, 33, 33, 64, true).dtype(dtype));
            both(cases, AttentionSpec.of(1, 4, 2, 127, 7, 64, true).dtype(dtype));
            both(cases, AttentionSpec.of(1, 2, 2, 7, 257, 128, true).dtype(dtype));
            cases.add(AttentionSpec.of(1, 1, 1, 300, 300, 256, true).dtype(dtype));
        }
        return cases;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("halfPrecision")
    void halfPrecision(AttentionSpec spec) {
        spec.check(device(), Data.fresh());
    }

    /** A custom scale, large scores (std 4 at scale 1: scores of several hundred), a tiny scale. */
    static List<AttentionSpec> scales() {
        List<AttentionSpec> cases = new ArrayList<>();
        both(cases, AttentionSpec.of(1, 2, 2, 33, 65, 64, true).scale(0.3f));
        both(cases, AttentionSpec.of(1, 2, 1, 65, 129, 64, true).scale(1f).std(4));
        both(cases, AttentionSpec.of(1, 2, 1, 17, 300, 32, true).scale(1e-4f));
        cases.add(AttentionSpec.of(1, 2, 1, 65, 129, 64, true).scale(1f).std(4).dtype(DType.BF16));
        cases.add(AttentionSpec.of(1, 2, 2, 40, 40, 8, false).scale(-0.7f));
        return cases;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scales")
    void scales(AttentionSpec spec) {
        spec.check(device(), Data.fresh());
    }

    /** Skv == 0 with queries present: every output is exactly zero. */
    static List<AttentionSpec> noKeys() {
        List<AttentionSpec> cases = new ArrayList<>();
        both(cases, AttentionSpec.of(1, 2, 2, 5, 0, 64, true));
        cases.add(AttentionSpec.of(2, 4, 1, 1, 0, 128, true).dtype(DType.BF16));
        return cases;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("noKeys")
    void noKeys(AttentionSpec spec) {
        spec.check(device(), Data.fresh());
    }
}
