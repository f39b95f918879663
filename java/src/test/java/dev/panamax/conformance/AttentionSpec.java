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
 *
 * <p>{@code lengths} (null: none) are the kvLengths [B] of the lengths overload: batch b uses keys
 * [0, L_b), L_b clamped to [0, Skv]. {@code output}: where the result goes. {@code nanKey} (-1:
 * none): key nanKey of batch 0, kv head 0 gets a NaN in k (and in v when {@code nanValue}),
 * written after the tolerance is taken.
 */
record AttentionSpec(DType dtype, int batch, int hq, int hkv, int sq, int skv, int d, boolean causal, float scale,
                     double std, int[] lengths, Output output, int nanKey, boolean nanValue) {

    /** A new tensor; an out tensor poisoned with NaN (an element no kernel writes fails); q itself. */
    enum Output { NEW, OUT, Q }

    AttentionSpec(DType dtype, int batch, int hq, int hkv, int sq, int skv, int d, boolean causal, float scale, double std) {
        this(dtype, batch, hq, hkv, sq, skv, d, causal, scale, std, null, Output.NEW, -1, false);
    }

    static AttentionSpec of(int batch, int hq, int hkv, int sq, int skv, int d, boolean causal) {
        return new AttentionSpec(DType.F32, batch, hq, hkv, sq, skv, d, causal, Float.NaN, 1);
    }

    AttentionSpec dtype(DType newDtype) {
        return new AttentionSpec(newDtype, batch, hq, hkv, sq, skv, d, causal, scale, std, lengths, output, nanKey, nanValue);
    }

    AttentionSpec scale(float newScale) {
        return new AttentionSpec(dtype, batch, hq, hkv, sq, skv, d, causal, newScale, std, lengths, output, nanKey, nanValue);
    }

    AttentionSpec std(double newStd) {
        return new AttentionSpec(dtype, batch, hq, hkv, sq, skv, d, causal, scale, newStd, lengths, output, nanKey, nanValue);
    }

    /** The kvLengths overload with these lengths, one per batch. */
    AttentionSpec lengths(int... newLengths) {
        if (newLengths.length != batch) {
            throw new IllegalArgumentException(newLengths.length + " lengths for B = " + batch);
        }
        return new AttentionSpec(dtype, batch, hq, hkv, sq, skv, d, causal, scale, std, newLengths, output, nanKey, nanValue);
    }

    /** The out overload, writing to {@code to}. */
    AttentionSpec output(Output to) {
        return new AttentionSpec(dtype, batch, hq, hkv, sq, skv, d, causal, scale, std, lengths, to, nanKey, nanValue);
    }

    /** A NaN in k (and v when {@code inValue}) at key {@code key} of batch 0, kv head 0. */
    AttentionSpec nan(int key, boolean inValue) {
        return new AttentionSpec(dtype, batch, hq, hkv, sq, skv, d, causal, scale, std, lengths, output, key, inValue);
    }

    AttentionSpec causal(boolean newCausal) {
        return new AttentionSpec(dtype, batch, hq, hkv, sq, skv, d, newCausal, scale, std, lengths, output, nanKey, nanValue);
    }

    /** Keys batch b uses. */
    int length(int b) {
        return lengths == null ? skv : Math.clamp(lengths[b], 0, skv);
    }

    /** Whether query i of batch b sees no key: L_b == 0, or causal and i + (L_b - Sq) < 0. */
    boolean blind(int b, int i) {
        int len = length(b);
        return len == 0 || (causal && i + len - sq < 0);
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
        double tolerance = Tolerances.attention(dtype, q, k, batch, hq, hkv, sq, skv, d, effective);
        if (nanKey >= 0) {
            k[nanKey * d] = Float.NaN;
            if (nanValue) {
                Arrays.fill(v, nanKey * d, (nanKey + 1) * d, Float.NaN);
            }
        }
        int[] all = new int[batch];
        Arrays.fill(all, skv);
        double[] want = Reference64.attention(q, k, v, batch, hq, hkv, sq, skv, d, causal, effective,
                lengths == null ? all : lengths);
        if (nanKey < 0 && dtype != DType.F32) {
            // A kernel may round the weights p to the dtype for P V (tensor cores do): each output
            // then carries up to eps * sum_j p_j |v_j|, which is large against the output itself when
            // the weighted values cancel (d = 1: one average of 47 random values, relative error
            // 2.03e-3 on the CUDA emulator at F16 for seed 5123290349630331720). The tolerance grows
            // by 4 eps times that sum's norm over the output's norm.
            float[] absV = new float[v.length];
            for (int i = 0; i < v.length; i++) {
                absV[i] = Math.abs(v[i]);
            }
            double[] mass = Reference64.attention(q, k, absV, batch, hq, hkv, sq, skv, d, causal, effective,
                    lengths == null ? all : lengths);
            double massNorm = 0, wantNorm = 0;
            for (int i = 0; i < want.length; i++) {
                massNorm += mass[i] * mass[i];
                wantNorm += want[i] * want[i];
            }
            double eps = dtype == DType.F16 ? 0x1p-11 : 0x1p-8;
            double rounding = 4 * eps * Math.sqrt(massNorm / wantNorm);
            if (Double.isFinite(rounding)) {
                tolerance = Math.max(tolerance, rounding);
            }
        }
        if (nanKey >= 0) {
            // the case means what it says: a NaN some query sees reaches the reference, one past L_0 does not
            boolean seen = nanKey < length(0) && Arrays.stream(want).anyMatch(Double::isNaN);
            boolean finite = Arrays.stream(want).allMatch(Double::isFinite);
            if (nanKey < length(0) ? !seen : !finite) {
                throw new AssertionError(this + ": the reference does not show the NaN case intended");
            }
        }
        float[] got = run(device, placement, q, k, v, qShape, kvShape, effective);
        Check.close(toString(), got, want, tolerance, data);
        for (int b = 0; b < batch; b++) {
            for (int h = 0; h < hq; h++) {
                for (int i = 0; i < sq; i++) {
                    if (!blind(b, i)) {
                        continue;
                    }
                    for (int c = 0; c < d; c++) {
                        float o = got[((b * hq + h) * sq + i) * d + c];
                        if (o != 0) {
                            throw new AssertionError(this + ": query " + i + " of head " + h + " of batch " + b
                                    + " sees no key but output[" + c + "] is " + o + "; " + data.describe());
                        }
                    }
                }
            }
        }
    }

    /** The op's result, by the overload the case names. */
    private float[] run(Device device, Placement placement, float[] q, float[] k, float[] v, long[] qShape, long[] kvShape,
                        float effective) {
        try (Tensor tq = placement.tensor(device, dtype, q, qShape);
             Tensor tk = placement.tensor(device, dtype, k, kvShape);
             Tensor tv = placement.tensor(device, dtype, v, kvShape);
             Tensor tl = lengths == null ? null : device.tensor(lengths, batch)) {
            if (output != Output.NEW) {
                try (Tensor poisoned = output == Output.OUT ? Data.tensor(device, dtype, Data.filled(q.length, Float.NaN), qShape) : null) {
                    Tensor out = output == Output.OUT ? poisoned : tq;
                    if (tl != null) {
                        Ops.attention(tq, tk, tv, causal, effective, tl, out);
                    } else if (Float.isNaN(scale)) {
                        Ops.attention(tq, tk, tv, causal, out);
                    } else {
                        throw new IllegalStateException(this + ": the explicit-scale form has no out overload without lengths");
                    }
                    return out.toFloatArray();
                }
            }
            try (Tensor out = tl != null ? Ops.attention(tq, tk, tv, causal, effective, tl)
                    : Float.isNaN(scale) ? Ops.attention(tq, tk, tv, causal) : Ops.attention(tq, tk, tv, causal, scale)) {
                if (!Arrays.equals(out.shape(), qShape) || out.dtype() != dtype) {
                    throw new AssertionError(this + ": result is " + Arrays.toString(out.shape()) + " " + out.dtype());
                }
                return out.toFloatArray();
            }
        }
    }

    @Override
    public String toString() {
        return "attention " + dtype + " B=" + batch + " Hq=" + hq + " Hkv=" + hkv + " Sq=" + sq + " Skv=" + skv + " D=" + d
                + (causal ? " causal" : "") + (Float.isNaN(scale) ? "" : " scale=" + scale) + (std == 1 ? "" : " std=" + std)
                + (lengths == null ? "" : " kvLengths=" + Arrays.toString(lengths))
                + (output == Output.NEW ? "" : output == Output.OUT ? " into out" : " into q")
                + (nanKey < 0 ? "" : " NaN at key " + nanKey + (nanValue ? " (k and v)" : " (k)"));
    }
}
