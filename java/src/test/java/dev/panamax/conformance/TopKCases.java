package dev.panamax.conformance;

import dev.panamax.DType;
import dev.panamax.testing.Data;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;

/** Top-K over the last dimension against the float64 reference: exact indices, values copied bit for bit. */
@Covers("topK")
abstract class TopKCases extends DeviceCases {

    static List<TopKSpec> shapes() {
        return List.of(
                TopKSpec.of(1, 1),
                TopKSpec.of(1, 7, 33),
                TopKSpec.of(33, 5, 33),              // k == n
                TopKSpec.of(1000, 2, 1000),          // k == n == 1000
                TopKSpec.of(1024, 3, 5000),          // the largest k
                TopKSpec.of(1024, 1, 1024),          // k == n == 1024
                TopKSpec.of(8, 1, 1_000_000),        // one long row
                TopKSpec.of(100, 2, 70_001),
                TopKSpec.of(17, 129, 257),
                TopKSpec.of(5, 4099, 6),
                TopKSpec.of(3, 2, 3, 40),            // rank 3
                TopKSpec.of(2, 50));                 // rank 1
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shapes")
    void shapes(TopKSpec spec) {
        spec.check(device(), Data.fresh());
    }

    /** Ties (with -0.0 against 0.0), NaN and infinities, every dtype, ranks 1 to 3. */
    static List<TopKSpec> specialValues() {
        List<TopKSpec> cases = new ArrayList<>();
        for (DType dtype : FLOATS) {
            for (TopKSpec.Kind kind : TopKSpec.Kind.values()) {
                cases.add(TopKSpec.of(dtype, 9, kind, 40, 77));
                cases.add(TopKSpec.of(dtype, 64, kind, 3, 1000));
                cases.add(TopKSpec.of(dtype, 1, kind, 333));
                cases.add(TopKSpec.of(dtype, 20, kind, 2, 3, 20));
                cases.add(TopKSpec.of(dtype, 1024, kind, 2, 3000));
            }
        }
        return cases;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("specialValues")
    void specialValues(TopKSpec spec) {
        spec.check(device(), Data.fresh());
    }

    /**
     * Long rows, which a backend may split into chunks and merge: ties and NaN across chunk
     * borders must still go to the lower index, and k up to 1024.
     */
    static List<TopKSpec> longRows() {
        return List.of(
                TopKSpec.of(DType.F32, 1024, TopKSpec.Kind.NORMAL, 1, 200_000),
                TopKSpec.of(DType.F32, 100, TopKSpec.Kind.TIES, 1, 500_000),
                TopKSpec.of(DType.F32, 1024, TopKSpec.Kind.TIES, 2, 100_000),
                TopKSpec.of(DType.F32, 300, TopKSpec.Kind.NON_FINITE, 2, 250_000),
                TopKSpec.of(DType.BF16, 1000, TopKSpec.Kind.TIES, 1, 300_001));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("longRows")
    void longRows(TopKSpec spec) {
        spec.check(device(), Data.fresh());
    }

    /** 16-bit inputs over a long row and many short rows. */
    static List<TopKSpec> halfPrecision() {
        List<TopKSpec> cases = new ArrayList<>();
        for (DType dtype : List.of(DType.F16, DType.BF16)) {
            cases.add(TopKSpec.of(dtype, 100, TopKSpec.Kind.NORMAL, 1, 300_000));
            cases.add(TopKSpec.of(dtype, 8, TopKSpec.Kind.NORMAL, 2000, 64));
        }
        return cases;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("halfPrecision")
    void halfPrecision(TopKSpec spec) {
        spec.check(device(), Data.fresh());
    }
}
