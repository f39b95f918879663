package dev.panamax.conformance;

import dev.panamax.DType;
import dev.panamax.Device;
import dev.panamax.Ops;
import dev.panamax.Routing;
import dev.panamax.Tensor;
import dev.panamax.reference.Reference64;
import dev.panamax.testing.Check;
import dev.panamax.testing.Data;
import dev.panamax.testing.Placement;
import dev.panamax.testing.Tolerances;

import java.util.Arrays;

/**
 * One top-K gating case: logits [T, E] of a kind, k, renormalize; checked against the float64
 * reference. Expert indices must match exactly (the order rule is part of the contract); weights
 * within the softmax tolerance. Rows holding NaN or +inf rank their experts on the logits like any
 * other (NaN first, then +inf, ties to the lower index) and their probabilities are NaN, as IEEE
 * arithmetic gives them (+inf − +inf): every weight of such a row must be NaN, renormalized or not.
 */
record GatingSpec(DType dtype, int tokens, int experts, int k, boolean renormalize, Kind kind) {

    enum Kind {
        /** Normal logits (std 2): 16-bit dtypes round some of them into ties. */
        NORMAL,
        /** Logits from {-2, -1, 0, 1, 2}: ties everywhere, broken by the lower index. */
        TIES,
        /** A third of the logits -inf; the first row all -inf, the second with a single finite logit. */
        NEG_INF,
        /** Every other row holds NaN or +inf somewhere (one, several, or all of it). */
        NON_FINITE
    }

    static GatingSpec of(int tokens, int experts, int k) {
        return new GatingSpec(DType.F32, tokens, experts, k, false, Kind.NORMAL);
    }

    GatingSpec renormalized() {
        return new GatingSpec(dtype, tokens, experts, k, true, kind);
    }

    GatingSpec dtype(DType newDtype) {
        return new GatingSpec(newDtype, tokens, experts, k, renormalize, kind);
    }

    GatingSpec kind(Kind newKind) {
        return new GatingSpec(dtype, tokens, experts, k, renormalize, newKind);
    }

    private float[] logits(Data data) {
        int n = tokens * experts;
        float[] x = switch (kind) {
            case NORMAL, NON_FINITE -> data.normal(n, 2);
            case TIES -> data.integers(n, -2, 2);
            case NEG_INF -> {
                float[] v = data.normal(n, 2);
                for (int i = 0; i < n; i++) {
                    if (data.random().nextInt(3) == 0) {
                        v[i] = Float.NEGATIVE_INFINITY;
                    }
                }
                Arrays.fill(v, 0, Math.min(n, experts), Float.NEGATIVE_INFINITY);
                if (tokens > 1) {
                    Arrays.fill(v, experts, 2 * experts, Float.NEGATIVE_INFINITY);
                    v[experts + data.random().nextInt(experts)] = 1;
                }
                yield v;
            }
        };
        if (kind == Kind.NON_FINITE) {
            for (int t = 1; t < tokens; t += 2) {
                int from = t * experts;
                switch (t / 2 % 4) {
                    case 0 -> x[from + data.random().nextInt(experts)] = Float.NaN;
                    case 1 -> x[from + data.random().nextInt(experts)] = Float.POSITIVE_INFINITY;
                    case 2 -> {
                        for (int e = 0; e < experts; e++) {
                            if (data.random().nextInt(4) == 0) {
                                x[from + e] = data.random().nextBoolean() ? Float.NaN : Float.POSITIVE_INFINITY;
                            }
                        }
                        x[from + experts - 1] = Float.NaN;
                    }
                    default -> Arrays.fill(x, from, from + experts, Float.NaN);
                }
            }
        }
        return Data.roundTo(dtype, x);
    }

    void check(Device device, Data data) {
        check(device, data, Placement.FRESH);
    }

    /** As {@link #check(Device, Data)}, with the logits made by {@code placement}. */
    void check(Device device, Data data, Placement placement) {
        float[] logits = logits(data);
        int[] experts;
        float[] weights;
        try (Tensor tl = placement.tensor(device, dtype, logits, tokens, this.experts);
             Routing r = Ops.topKGating(tl, k, renormalize)) {
            long[] shape = {tokens, k};
            if (!Arrays.equals(r.weights().shape(), shape) || r.weights().dtype() != DType.F32
                    || !Arrays.equals(r.experts().shape(), shape) || r.experts().dtype() != DType.I32) {
                throw new AssertionError(this + ": weights " + Arrays.toString(r.weights().shape()) + " " + r.weights().dtype()
                        + ", experts " + Arrays.toString(r.experts().shape()) + " " + r.experts().dtype());
            }
            experts = r.experts().toIntArray();
            weights = r.weights().toFloatArray();
        }
        Reference64.Selection ref = Reference64.topKGating(logits, tokens, this.experts, k, renormalize);
        // Rows with NaN or +inf: ranked on the logits as any row; every weight NaN.
        boolean[] undefined = new boolean[tokens];
        for (int t = 0; t < tokens; t++) {
            for (int e = 0; e < this.experts; e++) {
                float v = logits[t * this.experts + e];
                undefined[t] |= Float.isNaN(v) || v == Float.POSITIVE_INFINITY;
            }
            if (undefined[t]) {
                checkRangeAndDistinct(t, experts, data);
                for (int s = 0; s < k; s++) {
                    if (!Float.isNaN(weights[t * k + s])) {
                        throw new AssertionError(this + ": token " + t + " (NaN or +inf logits) got weights "
                                + Arrays.toString(Arrays.copyOfRange(weights, t * k, t * k + k))
                                + ": each must be NaN, as the softmax of such a row is; " + data.describe());
                    }
                }
            }
        }
        Check.indices(this + ": experts", experts, ref.indices(), k, data);
        // Weights of defined rows; a row all -inf has probabilities 0, and renormalized keeps them
        // (the contract: zero weights, not 0 / 0).
        int kept = 0;
        float[] got = new float[weights.length];
        double[] want = new double[weights.length];
        for (int t = 0; t < tokens; t++) {
            if (renormalize && allNegativeInfinity(logits, t)) {
                for (int s = 0; s < k; s++) {
                    if (weights[t * k + s] != 0f) {
                        throw new AssertionError(this + ": token " + t + " (all -inf, renormalized) got weights "
                                + Arrays.toString(Arrays.copyOfRange(weights, t * k, t * k + k)) + ": each must be 0; "
                                + data.describe());
                    }
                }
                continue;
            }
            if (undefined[t]) {
                continue;
            }
            for (int s = 0; s < k; s++) {
                got[kept] = weights[t * k + s];
                want[kept++] = ref.values()[t * k + s];
            }
        }
        Check.close(this + ": weights", Arrays.copyOf(got, kept), Arrays.copyOf(want, kept), Tolerances.softmax(dtype), data);
    }

    private void checkRangeAndDistinct(int t, int[] got, Data data) {
        boolean[] seen = new boolean[experts];
        for (int s = 0; s < k; s++) {
            int e = got[t * k + s];
            if (e < 0 || e >= experts || seen[e]) {
                throw new AssertionError(this + ": token " + t + " (NaN or +inf logits) got experts "
                        + Arrays.toString(Arrays.copyOfRange(got, t * k, t * k + k)) + ": each must be in [0, " + experts
                        + ") and distinct; " + data.describe());
            }
            seen[e] = true;
        }
    }

    private boolean allNegativeInfinity(float[] logits, int t) {
        for (int e = 0; e < experts; e++) {
            if (logits[t * experts + e] != Float.NEGATIVE_INFINITY) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return "topKGating " + dtype + " T=" + tokens + " E=" + experts + " k=" + k + (renormalize ? " renormalized" : "")
                + " " + kind;
    }
}
