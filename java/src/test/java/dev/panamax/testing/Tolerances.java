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

    /**
     * Attention of q [b, hq, sq, d] against k [b, hkv, skv, d] at {@code scale}: F32 scores
     * s = scale * q.k carry an absolute rounding error of about 2^-24 * |scale| * sum_i |q_i k_i|,
     * which the exponent turns into a relative error of the weights and of the output. With scores
     * of a few units that is far below {@link #accumulate}; with scores of hundreds (q and k of
     * std 4) it is not, whatever the kernel does. The tolerance is the larger of accumulate(dtype)
     * and 8 times that error at the largest score magnitude.
     */
    public static double attention(DType dtype, float[] q, float[] k, int b, int hq, int hkv, int sq, int skv, int d,
                                   double scale) {
        double largest = 0;
        int group = hkv == 0 ? 1 : hq / hkv;
        for (int bh = 0; bh < b * hq; bh++) {
            int kvHead = (bh / hq) * hkv + (bh % hq) / group;
            for (int i = 0; i < sq; i++) {
                int qi = (bh * sq + i) * d;
                for (int j = 0; j < skv; j++) {
                    int kj = (kvHead * skv + j) * d;
                    double sum = 0;
                    for (int x = 0; x < d; x++) {
                        sum += Math.abs((double) q[qi + x] * k[kj + x]);
                    }
                    largest = Math.max(largest, sum);
                }
            }
        }
        return Math.max(accumulate(dtype), 8 * 0x1p-24 * Math.abs(scale) * largest);
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

    // ---------------------------------------------------------------- elementwise and norm families

    /**
     * The elementwise ops (add, mul, gelu, silu, swiglu): one rounding of the result, and in F32
     * a few ulp of exp, erf or tanh (OpenCL allows its erf 16 ulp).
     */
    public static double elementwise(DType dtype) {
        return switch (dtype) {
            case F32 -> 4e-6;
            case F16 -> 2e-3;
            case BF16 -> 1e-2;
            default -> throw new IllegalArgumentException(dtype.toString());
        };
    }

    /** The row norms (layerNorm, rmsNorm, addRmsNorm): F32 row statistics, then one rounding. */
    public static double norm(DType dtype) {
        return switch (dtype) {
            case F32 -> 1e-5;
            case F16 -> 2e-3;
            case BF16 -> 1e-2;
            default -> throw new IllegalArgumentException(dtype.toString());
        };
    }

    // ---------------------------------------------------------------- rope

    /** Half an ulp relative to the value (the unit roundoff) of a dtype's significand: 2^-24, 2^-11, 2^-8. */
    public static double unitRoundoff(DType dtype) {
        return switch (dtype) {
            case F32 -> 0x1p-24;
            case F16 -> 0x1p-11;
            case BF16 -> 0x1p-8;
            default -> throw new IllegalArgumentException(dtype.toString());
        };
    }

    /**
     * Rotary embedding, one element of a rotated pair: |out - ref| may reach
     * {@code pairLength * 2^-24 * (|angle| + 16) + |ref| * unitRoundoff(dtype) + 2^-25}. The first
     * term is the F32 arithmetic: the angle p * f rounded to F32 is off the exact product by up to
     * |angle| * 2^-24 (half an ulp; positions below 2^24 convert to F32 exactly), which rotates the
     * pair by that much further or less, an error of that fraction of its length: it grows with the
     * position (6e-3 of the pair at an angle of 100000, whatever the kernel does); 16 more ulps of
     * the pair cover cos and sin of the F32 angle (up to 4 ulps each in OpenCL's sincos, 2 in CUDA's
     * sincosf), the two products and the sum. The second term is the final rounding to the dtype,
     * the third F16's subnormal spacing.
     */
    public static double ropeElement(DType dtype, double angle, double pairLength, double ref) {
        return pairLength * 0x1p-24 * (Math.abs(angle) + 16) + Math.abs(ref) * unitRoundoff(dtype) + 0x1p-25;
    }

    /**
     * Rotary embedding over a whole tensor, relative norm (the bench's check): every pair is off by
     * at most the fraction {@link #ropeElement} allows, so 2^-24 * (|largest angle| + 16) plus twice
     * the dtype's unit roundoff.
     */
    public static double rope(DType dtype, double largestAngle) {
        return 0x1p-24 * (Math.abs(largestAngle) + 16) + 2 * unitRoundoff(dtype);
    }
}
