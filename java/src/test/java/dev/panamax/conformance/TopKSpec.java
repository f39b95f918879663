package dev.panamax.conformance;

import dev.panamax.DType;
import dev.panamax.Device;
import dev.panamax.Ops;
import dev.panamax.Tensor;
import dev.panamax.TopK;
import dev.panamax.reference.Reference64;
import dev.panamax.testing.Check;
import dev.panamax.testing.Data;
import dev.panamax.testing.Placement;

import java.util.Arrays;

/**
 * One top-K case over the last dimension of x, checked against the float64 reference: indices
 * exactly (larger first, NaN above everything, ties to the lower index), values as exact copies
 * of the input elements at those indices (same bits, so -0.0 stays -0.0).
 */
record TopKSpec(DType dtype, long[] shape, int k, Kind kind) {

    enum Kind {
        /** Normal values (16-bit dtypes round some into ties). */
        NORMAL,
        /** Values from {-2, ..., 2} and -0.0: ties everywhere. */
        TIES,
        /** Normal values with NaN, +inf, -inf, 0.0 and -0.0 sprinkled in (about 1 in 8 each), one row all NaN. */
        NON_FINITE
    }

    static TopKSpec of(DType dtype, int k, Kind kind, long... shape) {
        return new TopKSpec(dtype, shape, k, kind);
    }

    static TopKSpec of(int k, long... shape) {
        return of(DType.F32, k, Kind.NORMAL, shape);
    }

    private float[] values(Data data, int size, int n) {
        switch (kind) {
            case NORMAL:
                return data.normal(size, 3);
            case TIES: {
                float[] x = data.integers(size, -2, 2);
                for (int i = 0; i < size; i++) {
                    if (x[i] == 0 && data.random().nextBoolean()) {
                        x[i] = -0.0f;
                    }
                }
                return x;
            }
            default: {
                float[] special = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0.0f, -0.0f};
                float[] x = data.normal(size, 3);
                for (int i = 0; i < size; i++) {
                    int pick = data.random().nextInt(8 * special.length);
                    if (pick < special.length) {
                        x[i] = special[pick];
                    }
                }
                if (size >= n && n > 0) {
                    Arrays.fill(x, size - n, size, Float.NaN); // the last row all NaN: indices 0..k-1
                }
                return x;
            }
        }
    }

    void check(Device device, Data data) {
        check(device, data, Placement.FRESH);
    }

    /** As {@link #check(Device, Data)}, with x made by {@code placement}. */
    void check(Device device, Data data, Placement placement) {
        int n = (int) shape[shape.length - 1];
        int size = (int) SoftmaxCases.size(shape);
        int rows = size / n;
        float[] x = Data.roundTo(dtype, values(data, size, n));
        long[] outShape = shape.clone();
        outShape[outShape.length - 1] = k;
        int[] indices;
        float[] values;
        try (Tensor tx = placement.tensor(device, dtype, x, shape); TopK r = Ops.topK(tx, k)) {
            if (!Arrays.equals(r.values().shape(), outShape) || r.values().dtype() != dtype
                    || !Arrays.equals(r.indices().shape(), outShape) || r.indices().dtype() != DType.I32) {
                throw new AssertionError(this + ": values " + Arrays.toString(r.values().shape()) + " " + r.values().dtype()
                        + ", indices " + Arrays.toString(r.indices().shape()) + " " + r.indices().dtype());
            }
            indices = r.indices().toIntArray();
            values = r.values().toFloatArray();
        }
        Reference64.Selection ref = Reference64.topK(x, rows, n, k);
        Check.indices(this + ": indices", indices, ref.indices(), k, data);
        float[] want = new float[rows * k];
        for (int r = 0; r < rows; r++) {
            for (int s = 0; s < k; s++) {
                want[r * k + s] = x[r * n + ref.indices()[r * k + s]];
            }
        }
        Check.sameBits(this + ": values", values, want, data);
    }

    @Override
    public String toString() {
        return "topK " + dtype + " " + Arrays.toString(shape) + " k=" + k + " " + kind;
    }
}
