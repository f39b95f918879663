package dev.panamax.cpu;

/**
 * erf and erfc in float, which Java lacks. erf is within 1e-7 relative of the true erf over every
 * float; erfc within 4e-7 relative wherever it is a normal float (arguments up to 9.1; past that
 * it is subnormal, then 0). Checked against the float64 reference of the tests. Two regions, each
 * one polynomial fitted (minimax of the relative error, coefficients rounded to float, the error
 * measured after that rounding and in float arithmetic):
 * <ul>
 *   <li>|x| &lt; {@link #SPLIT}: erf(x) = x + x P(x^2), P of degree 5 fitted to erf(x)/x - 1
 *       (adding x last keeps the leading term exact); erfc(x) = 1 - erf(x), in (0.19, 1.81);</li>
 *   <li>t = |x| &gt;= SPLIT: erfc(t) = exp(-t^2) S(1/t) / t, S of degree 11 fitted to
 *       erfc(t) t exp(t^2) (which goes from 0.40 to 1/sqrt(pi)) in w = (1/t - C) / H, 1/t mapped
 *       onto [-1, 1], where its coefficients are small and nothing cancels. t^2 = hi + lo exactly
 *       (a fused multiply-add gives lo) and exp(-t^2) = exp(-hi) (1 - lo), so the exponent's
 *       rounding, up to 4e-6 at t = 10, does not reach the result. t is clamped at
 *       {@link #CLAMP}, where exp(-t^2) is 0 in float. erf(t) = 1 - erfc(t); for x &lt;= -SPLIT,
 *       erf(x) = -erf(t) and erfc(x) = 2 - erfc(t).</li>
 * </ul>
 * erfc keeps its relative precision for positive arguments, where 1 - erf would cancel: GELU is
 * x erfc(-x / sqrt 2) / 2, accurate on its negative tail. NaN gives NaN, erf(+-inf) = +-1,
 * erfc(+inf) = 0, erfc(-inf) = 2, erf(-0.0) = -0.0. {@link VectorElementwise} evaluates the same
 * polynomials on lanes (with its own exp); the coefficients live here once.
 */
final class Erf {
    /** Where the two regions meet. */
    static final float SPLIT = 0.921875f;
    /** The second region's argument is clamped here: exp(-CLAMP^2) is 0 in float. */
    static final float CLAMP = 10.5f;

    // P(s) for erf(x)/x - 1, s = x^2, lowest degree first
    static final float P0 = 0x1.06eba6p-3f;
    static final float P1 = -0x1.8126e6p-2f;
    static final float P2 = 0x1.ce1a6ap-4f;
    static final float P3 = -0x1.b68b4ep-6f;
    static final float P4 = 0x1.473b86p-8f;
    static final float P5 = -0x1.3a174ap-11f;

    // w = 1/t * W_SCALE + W_SHIFT maps 1/t in [1/CLAMP, 1/SPLIT] onto [-1, 1]
    static final float W_SCALE = 0x1.02b6eap+1f;
    static final float W_SHIFT = -0x1.31476ap+0f;

    // S(w) for erfc(t) t exp(t^2), lowest degree first
    static final float S0 = 0x1.fb6b66p-2f;
    static final float S1 = -0x1.5af8cp-4f;
    static final float S2 = -0x1.2fafe4p-9f;
    static final float S3 = 0x1.4bf8d8p-7f;
    static final float S4 = -0x1.54897cp-8f;
    static final float S5 = 0x1.8a141ep-10f;
    static final float S6 = -0x1.26b2d8p-14f;
    static final float S7 = -0x1.0f9b76p-12f;
    static final float S8 = 0x1.2c9378p-12f;
    static final float S9 = -0x1.3a5608p-13f;
    static final float S10 = -0x1.23f31p-16f;
    static final float S11 = 0x1.0ef33cp-15f;

    private Erf() {
    }

    static float erf(float x) {
        float t = Math.abs(x);
        if (t < SPLIT) {
            return near(x);
        }
        return Math.copySign(1f - far(t, (float) Math.exp(-farSquare(t))), x); // NaN: kept through far, copySign too
    }

    static float erfc(float x) {
        float t = Math.abs(x);
        if (t < SPLIT) {
            return 1f - near(x);
        }
        float e = far(t, (float) Math.exp(-farSquare(t)));
        return x > 0 || Float.isNaN(x) ? e : 2f - e;
    }

    /** erf(x) for |x| &lt; SPLIT: x + x P(x^2). */
    static float near(float x) {
        float s = x * x;
        float p = Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(P5, s, P4), s, P3), s, P2), s, P1), s, P0);
        return Math.fma(p, x, x);
    }

    /** hi of t^2 = hi + lo, t clamped: the argument of the far region's exp is -hi. */
    static float farSquare(float t) {
        float c = Math.min(t, CLAMP);
        return c * c;
    }

    /** erfc(t) for t &gt;= SPLIT, given expHi = exp(-farSquare(t)): expHi (1 - lo) S(w) / t. */
    static float far(float t, float expHi) {
        float c = Math.min(t, CLAMP);
        float hi = c * c;
        float lo = Math.fma(c, c, -hi);
        float u = 1f / c;
        return expHi * (1f - lo) * s(Math.fma(u, W_SCALE, W_SHIFT)) * u;
    }

    /** S(w) ~ erfc(t) t exp(t^2), w the mapped 1/t. */
    static float s(float w) {
        float p = Math.fma(S11, w, S10);
        p = Math.fma(p, w, S9);
        p = Math.fma(p, w, S8);
        p = Math.fma(p, w, S7);
        p = Math.fma(p, w, S6);
        p = Math.fma(p, w, S5);
        p = Math.fma(p, w, S4);
        p = Math.fma(p, w, S3);
        p = Math.fma(p, w, S2);
        p = Math.fma(p, w, S1);
        return Math.fma(p, w, S0);
    }
}
