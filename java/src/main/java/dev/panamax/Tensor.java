package dev.panamax;

import java.lang.foreign.MemorySegment;

/**
 * A contiguous, row-major array of elements in a device's memory. Closing frees the memory;
 * using a closed tensor throws {@link IllegalStateException}. A tensor that becomes unreachable
 * without being closed is freed by a cleaner, but closing explicitly frees it at once.
 */
public interface Tensor extends AutoCloseable {
    Device device();

    DType dtype();

    /** A copy of the shape. */
    long[] shape();

    /** The number of elements. */
    long size();

    /** The elements (F32, F16 or BF16) widened to float; waits for the work that writes them. */
    float[] toFloatArray();

    /** The elements of an I32 tensor; waits for the work that writes them. */
    int[] toIntArray();

    /** Copies the raw elements into {@code host}, which must hold {@code size() * dtype().byteSize()} bytes. */
    void copyTo(MemorySegment host);

    /** Overwrites the contents with the raw elements of {@code host}. */
    void copyFrom(MemorySegment host);

    /** A copy on another device. */
    Tensor to(Device device);

    /** A converted copy on the same device (F32, F16, BF16 among themselves; round to nearest even). */
    Tensor to(DType dtype);

    /** Frees the memory; idempotent. */
    @Override
    void close();
}
