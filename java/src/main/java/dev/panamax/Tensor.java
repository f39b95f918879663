package dev.panamax;

import java.lang.foreign.MemorySegment;

/**
 * A contiguous, row-major array of elements in a device's memory. Using a closed tensor throws
 * {@link IllegalStateException}.
 *
 * <p><b>Views.</b> {@link #reshape} and {@link #slice} make views: tensors on the same memory as
 * the tensor they are made from (its base), contiguous and row-major like any tensor, whose
 * writes the base sees and the other way round. Every op takes a view wherever it takes a tensor.
 * A view is a tensor of its own: it is closed on its own, and it stays usable after its base is
 * closed. The memory is freed when the base and every view of it are closed, or have become
 * unreachable (a cleaner closes those), or when their device is closed ({@link Device#close()}
 * closes them all). A view of a closed tensor cannot be made; a view of a view is fine.
 *
 * <p><b>Overlap.</b> Views of one tensor's memory may overlap. An op's out argument may be its
 * first input itself or a view of exactly its bytes; any other overlap between an output and an
 * input is an {@link IllegalArgumentException}. {@link #copyFrom(Tensor)} takes any overlap.
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

    /**
     * Overwrites the contents with those of {@code src}, which has this tensor's dtype and size
     * (any shape) and may be on another device (the copy then goes through host memory) or be a
     * view. When the two overlap (views of one tensor's memory) the copy behaves as memmove: as if
     * {@code src} were first copied elsewhere, so this tensor ends up holding what {@code src} held.
     *
     * @throws IllegalArgumentException if the dtypes or sizes differ
     * @throws IllegalStateException if either tensor is closed
     */
    void copyFrom(Tensor src);

    /**
     * A view of the same elements in another shape of the same size: {@code shape} may hold one
     * -1, the dimension then inferred from the size (not beside a dimension of 0, where any value
     * would fit). No copy: writes through either are seen through the other.
     *
     * @throws IllegalArgumentException if the shape holds another number of elements, more than one
     *     -1, another negative dimension, or a rank outside 1 to 8
     * @throws IllegalStateException if this tensor is closed
     */
    Tensor reshape(long... shape);

    /**
     * A view of rows {@code [start, end)} of the first dimension: shape {@code [end - start, ...]},
     * the rest of the shape kept. No copy; {@code slice(k, k)} is an empty view.
     *
     * @throws IllegalArgumentException unless {@code 0 <= start <= end <= shape()[0]} (no negative indices)
     * @throws IllegalStateException if this tensor is closed
     */
    Tensor slice(long start, long end);

    /** A copy on another device. */
    Tensor to(Device device);

    /** A converted copy on the same device (F32, F16, BF16 among themselves; round to nearest even). */
    Tensor to(DType dtype);

    /**
     * Closes this tensor (views made from it stay open); the memory is freed once this tensor and
     * every view of it are closed. Idempotent.
     */
    @Override
    void close();
}
