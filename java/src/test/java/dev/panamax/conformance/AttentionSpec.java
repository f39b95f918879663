package dev.panamax.conformance;

import dev.panamax.DType;
import dev.panamax.Device;
import dev.panamax.Ops;
import dev.panamax.Tensor;
import dev.panamax.reference.Reference64;
import dev.panamax.testing.Check;
import dev.panamax.testing.Data;
import dev.panamax.testing.Placement;
import dev.panamax.testing.Tolerances;

import java.util.Arrays;

/**
 * One attention case: q [B, Hq, Sq, D], k and v [B, Hkv, Skv, D], and its check against the
 * float64 reference. {@code scale} NaN means the default 1/sqrt(D) overload. q and k are normal
 * with standard deviation {@code std}, so a large std gives large scores (the online softmax must
 * subtract its running max). Queries that see no key must come out exactly zero.
 */
record AttentionSpec(DType dtype, int batch, int hq, int hkv, int sq, int skv, int d, boolean causal, float scale,
                     double std) {

    static AttentionSpec of(int batch, int hq, int hkv, int sq, int skv, int d, boolean causal) {
        return new AttentionSpec(DType.F32, batch, hq, hkv, sq, skv, d, causal, Float.NaN, 1);
    }

    AttentionSpec dtype(DType newDtype) {
        return new AttentionSpec(newDtype, batch, hq, hkv, sq, skv, d, causal, scale, std);
    }

    AttentionSpec scale(float newScale) {
        return new AttentionSpec(dtype, batch, hq, hkv, sq, skv, d, causal, newScale, std);
    }

    AttentionSpec std(double newStd) {
        return new AttentionSpec(dtype, batch, hq, hkv, sq, skv, d, causal, scale, newStd);
    }

    void check(Device device, Data data) {
        check(device, data, Placement.FRESH);
    }

    /** As {@link #check(Device, Data)}, with q, k and v made by {@code placement}. */
    void check(Device device, Data data, Placement placement) {
        long[] qShape = {batch, hq, sq, d};
        long[] kvShape = {batch, hkv, skv, d};
        float[] q = Data.roundTo(dtype, data.normal(batch * hq * sq * d, std));
        float[] k = Data.roundTo(dtype, data.normal(batch * hkv * skv * d, std));
        float[] v = Data.roundTo(dtype, data.normal(batch * hkv * skv * d, 1));
        float effective = Float.isNaN(scale) ? (float) (1.0 / Math.sqrt(d)) : scale;
        float[] got;
        try (Tensor tq = placement.tensor(device, dtype, q, qShape);
             Tensor tk = placement.tensor(device, dtype, k, kvShape);
             Tensor tv = placement.tensor(device, dtype, v, kvShape);
             Tensor out = Float.isNaN(scale) ? Ops.attention(tq, tk, tv, causal) : Ops.attention(tq, tk, tv, causal, scale)) {
            if (!Arrays.equals(out.shape(), qShape) || out.dtype() != dtype) {
                throw new AssertionError(this + ": result is " + Arrays.toString(out.shape()) + " " + out.dtype());
            }
            got = out.toFloatArray();
        }
        double[] want = Reference64.attention(q, k, v, batch, hq, hkv, sq, skv, d, causal, effective);
        Check.close(toString(), got, want,
                Tolerances.attention(dtype, q, k, batch, hq, hkv, sq, skv, d, effective), data);
        // A query that sees no key: i + (Skv - Sq) < 0 when causal, every query when Skv == 0.
        int blind = skv == 0 ? sq : causal ? Math.max(0, sq - skv) : 0;
        for (int bh = 0; bh < batch * hq; bh++) {
            for (int i = 0; i < blind; i++) {
                for (int c = 0; c < d; c++) {
                    float o = got[(bh * sq + i) * d + c];
                    if (o != 0) {
                        throw new AssertionError(this + ": query " + i + " of head " + bh + " sees no key but output["
                                + c + "] is " + o + "; " + data.describe());
                    }
                }
            }
        }
    }

    @Override
    public String toString() {
        return "attention " + dtype + " B=" + batch + " Hq=" + hq + " Hkv=" + hkv + " Sq=" + sq + " Skv=" + skv + " D=" + d
                + (causal ? " causal" : "") + (Float.isNaN(scale) ? "" : " scale=" + scale) + (std == 1 ? "" : " std=" + std);
    }
}
