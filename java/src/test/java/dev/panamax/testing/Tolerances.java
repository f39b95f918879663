package dev.panamax.testing;

import dev.panamax.DType;

/**
 * Relative-error tolerances (‖out − ref‖/‖ref‖ against the float64 reference), one table for
 * every backend, shared by the conformance suites and the {@code panamax bench} checks. The dtype
 * is the narrowest of the op's inputs and output: a 16-bit output is rounded once more.
 */
public final class Tolerances {
    private Tolerances() {
    }

    /** Softmax and gating weights: one exp and one division per element. */
    public static double softmax(DType dtype) {
        return switch (dtype) {
            case F32 -> 2e-6;
            case F16 -> 2e-3;
            case BF16 -> 1e-2;
            default -> throw new IllegalArgumentException(dtype.toString());
        };
    }

    /** GEMM and attention: long F32 accumulations. */
    public static double accumulate(DType dtype) {
        return switch (dtype) {
            case F32 -> 1e-5;
            case F16 -> 2e-3;
            case BF16 -> 1e-2;
            default -> throw new IllegalArgumentException(dtype.toString());
        };
    }

    /** The least precise of two floating-point dtypes, whose tolerance a mixed call gets. */
    public static DType narrowest(DType a, DType b) {
        if (a == DType.BF16 || b == DType.BF16) {
            return DType.BF16;
        }
        return a == DType.F16 || b == DType.F16 ? DType.F16 : DType.F32;
    }
}
