package dev.panamax.internal;

import dev.panamax.DType;
import dev.panamax.Device;
import dev.panamax.PackedMatrix;

/**
 * {@link PackedMatrix} as {@code Ops.pack} makes it: a device tensor {@code storage} in the
 * backend's {@link Kernels.PackLayout}, standing for op(b) [k, n] of {@code dtype}.
 */
public record PackedMatrixImpl(TensorImpl storage, DType dtype, long k, long n, Kernels.PackLayout layout)
        implements PackedMatrix {
    @Override
    public Device device() {
        return storage.device();
    }

    @Override
    public long[] shape() {
        return new long[] {k, n};
    }

    @Override
    public void close() {
        storage.close();
    }

    @Override
    public String toString() {
        return "PackedMatrix[" + k + ", " + n + "] " + dtype + " on " + storage.device().spec();
    }
}
