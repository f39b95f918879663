package dev.panamax.cpu;

import dev.panamax.internal.Kernels.ElementwiseOp;

/**
 * {@link ElementwiseBlock} in plain Java: exp in double; GELU as 0.5 x erfc(-x / sqrt 2) with
 * {@link Erf}'s erfc and the tanh GELU as x sigmoid(2y), which keep the negative tail's precision
 * that 1 + erf and 1 + tanh would cancel.
 */
final class ScalarElementwise implements ElementwiseBlock {
    static final ScalarElementwise INSTANCE = new ScalarElementwise();

    /** 1 / sqrt(2). */
    static final float FRAC_1_SQRT_2 = 0.70710678118654752f;
    /** sqrt(2 / pi), the tanh GELU's scale. */
    static final float SQRT_2_OVER_PI = 0.79788456080286536f;
    /** The tanh GELU's cubic coefficient. */
    static final float GELU_CUBIC = 0.044715f;

    private ScalarElementwise() {
    }

    @Override
    public void apply(ElementwiseOp op, float[] x, float[] b, int bAt, float[] tmp, int n) {
        switch (op) {
            case ADD -> {
                for (int i = 0; i < n; i++) {
                    x[i] += b[bAt + i];
                }
            }
            case MUL -> {
                for (int i = 0; i < n; i++) {
                    x[i] *= b[bAt + i];
                }
            }
            case GELU_ERF -> {
                for (int i = 0; i < n; i++) {
                    x[i] = 0.5f * x[i] * Erf.erfc(-x[i] * FRAC_1_SQRT_2);
                }
            }
            case GELU_TANH -> {
                for (int i = 0; i < n; i++) {
                    // 0.5 v (1 + tanh(y)) as v / (1 + exp(-2y)): 1 + tanh(y) cancels to 0 in double below y = -19
                    double v = x[i];
                    x[i] = (float) (v / (1 + Math.exp(-2 * SQRT_2_OVER_PI * (v + GELU_CUBIC * v * v * v))));
                }
            }
            case SILU -> {
                for (int i = 0; i < n; i++) {
                    x[i] = silu(x[i]);
                }
            }
            case SWIGLU -> {
                for (int i = 0; i < n; i++) {
                    x[i] = silu(x[i]) * b[bAt + i];
                }
            }
        }
    }

    /** x * sigmoid(x) in double; -inf gives -inf * 0 = NaN, as the reference does. */
    private static float silu(float x) {
        return (float) (x / (1 + Math.exp(-(double) x)));
    }
}
