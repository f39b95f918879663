package dev.panamax.conformance;

import dev.panamax.DType;
import dev.panamax.testing.Data;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;

/** MoE top-K gating against the float64 reference: exact expert indices, weights within tolerance. */
@Covers("topKGating")
abstract class GatingCases extends DeviceCases {

    static List<GatingSpec> shapes() {
        List<GatingSpec> base = List.of(
                GatingSpec.of(1, 1, 1),
                GatingSpec.of(7, 8, 1),
                GatingSpec.of(33, 8, 8),        // k == E
                GatingSpec.of(5, 64, 64),       // k == E == 64
                GatingSpec.of(17, 4096, 64),    // the largest E and k
                GatingSpec.of(3, 4096, 1),
                GatingSpec.of(1000, 128, 2),
                GatingSpec.of(129, 60, 7),
                GatingSpec.of(300, 256, 8),
                GatingSpec.of(2, 1000, 33));
        List<GatingSpec> cases = new ArrayList<>();
        for (GatingSpec s : base) {
            cases.add(s);
            cases.add(s.renormalized());
        }
        return cases;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shapes")
    void shapes(GatingSpec spec) {
        spec.check(device(), Data.fresh());
    }

    /** Ties, -inf and non-finite rows, for every dtype, renormalized or not. */
    static List<GatingSpec> specialValues() {
        List<GatingSpec> cases = new ArrayList<>();
        for (DType dtype : FLOATS) {
            for (GatingSpec.Kind kind : GatingSpec.Kind.values()) {
                for (boolean renormalize : new boolean[] {false, true}) {
                    GatingSpec s = GatingSpec.of(67, 64, 6).dtype(dtype).kind(kind);
                    cases.add(renormalize ? s.renormalized() : s);
                }
                cases.add(GatingSpec.of(9, 300, 64).dtype(dtype).kind(kind).renormalized());
                cases.add(GatingSpec.of(16, 8, 8).dtype(dtype).kind(kind));
                cases.add(GatingSpec.of(4, 4096, 64).dtype(dtype).kind(kind).renormalized());
            }
        }
        return cases;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("specialValues")
    void specialValues(GatingSpec spec) {
        spec.check(device(), Data.fresh());
    }

    /** 16-bit logits over the usual router shapes. */
    static List<GatingSpec> halfPrecision() {
        List<GatingSpec> cases = new ArrayList<>();
        for (DType dtype : List.of(DType.F16, DType.BF16)) {
            cases.add(GatingSpec.of(1000, 128, 2).dtype(dtype).renormalized());
            cases.add(GatingSpec.of(200, 256, 8).dtype(dtype));
            cases.add(GatingSpec.of(5, 4096, 64).dtype(dtype).renormalized());
        }
        return cases;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("halfPrecision")
    void halfPrecision(GatingSpec spec) {
        spec.check(device(), Data.fresh());
    }
}
