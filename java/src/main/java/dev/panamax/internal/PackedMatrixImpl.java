package dev.panamax.internal;

import dev.panamax.DType;
import dev.panamax.Device;
import dev.panamax.PackedMatrix;

/**
 * {@link PackedMatrix} as {@code Ops.pack} makes it: a device tensor {@code storage} in the
 * backend's {@link Kernels.PackLayout}, standing for op(b) [k, n] of {@code dtype}; or, with
 * {@code stack} &gt;= 1, for {@code stack} such matrices (a rank-3 b), matrix i at element
 * i * layout.elements() of storage. {@code stack} 0: one matrix, packed from a rank-2 b.
 */
public record PackedMatrixImpl(TensorImpl storage, DType dtype, long stack, long k, long n, Kernels.PackLayout layout)
        implements PackedMatrix {
    @Override
    public Device device() {
        return storage.device();
    }

    @Override
    public long[] shape() {
        return stack == 0 ? new long[] {k, n} : new long[] {stack, k, n};
    }

    @Override
    public void close() {
        storage.close();
    }

    @Override
    public String toString() {
        return "PackedMatrix[" + (stack == 0 ? "" : stack + ", ") + k + ", " + n + "] " + dtype + " on " + storage.device().spec();
    }
}
